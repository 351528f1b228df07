"""Small helpers shared by the service tests: write an input file, take a snapshot of every row
in the store, and check that a refused call left the store exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import Store
from db.models import Base
from workbench.errors import WorkbenchError


def write_file(folder: Path, name: str, content: str | bytes) -> Path:
    """``content`` written to ``folder/name`` (text as UTF-8, bytes as given)."""
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table: equal snapshots mean a refusal changed nothing."""
    with store.sessions() as session:
        return {
            table.name: sorted(map(tuple, session.execute(select(table)).all()), key=repr)
            for table in Base.metadata.sorted_tables
        }


def refused(store: Store, call: Callable[[], object], kind: type = WorkbenchError) -> str:
    """Run ``call``; check it raises ``kind`` and the store is exactly as it was. Returns the
    error's message (what the user is shown)."""
    before = snapshot(store)
    assert before["case_file"] or before["audit_event"]  # the snapshot sees real rows
    with pytest.raises(kind) as caught:
        call()
    assert snapshot(store) == before
    return str(caught.value)


@dataclass
class DemoStore:
    """The demonstration inspection shared by the tests that only read it (``demo_store``)."""

    store: Store
    inspection_id: str
    steps: list[tuple[int, int, str]]  # the progress reported while it was built


def connect_file(path: Path):  # type: ignore[no-untyped-def]
    """A DB-API connection to a store file as the workbench wrote it (encrypted under the
    tests' store passphrase), for checks that read the file directly."""
    import os

    from db import cipher

    key = cipher.store_key(os.environ["WORKBENCH_STORE_PASSPHRASE"])
    return cipher.connect(Path(path), None if cipher.is_plaintext(Path(path)) else key)
