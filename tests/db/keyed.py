"""Opening test stores as the workbench does: encrypted under the tests' store passphrase."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from db import cipher, engine

PASSPHRASE = os.environ["WORKBENCH_STORE_PASSPHRASE"]
KEY = cipher.store_key(PASSPHRASE)

open_store = functools.partial(engine.open_store, passphrase=PASSPHRASE)


def make_engine(url: str, **options: Any):  # type: ignore[no-untyped-def]
    """An engine on a new store file, encrypted (as every new store is)."""
    return engine.make_engine(url, key=KEY, **options)


def connect(path: Path) -> Any:
    """A DB-API connection to an encrypted store file (``sqlite3.connect`` for plaintext)."""
    return cipher.connect(Path(path), None if cipher.is_plaintext(Path(path)) else KEY)
