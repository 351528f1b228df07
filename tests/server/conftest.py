"""The server's own tests run only on the PostgreSQL backend (``--backend=postgresql``;
``make test`` and ``.ci/pg-tests.sh`` run them on a throwaway server)."""

from __future__ import annotations

import sys
from pathlib import Path

import backends

sys.path.insert(0, str(Path(__file__).parents[1] / "workbench"))  # store_helpers, packs_helpers


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    if collection_path.name.startswith("test_") and not backends.on_server():
        return True
    return None
