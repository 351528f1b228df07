"""The daily backup during fieldwork: once a day, in the backups folder, the latest seven."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from test_store_encryption import leaks

from db.engine import Store
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store
from workbench.store_backups import DAILY_KEEP, fieldwork_backup


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBENCH_BACKUP_DIR", str(tmp_path / "backups"))
    return tmp_path / "backups"


def test_one_backup_a_day_during_fieldwork_and_only_the_latest_seven(store: Store, folder):
    start = date(2026, 3, 2)
    create_inspection(store, force="Testshire Police", title="T", start=start,
                      end=start + timedelta(days=25))  # fmt: skip
    assert fieldwork_backup(store, start - timedelta(days=1)) is None  # before fieldwork
    first = fieldwork_backup(store, start)
    assert first is not None and first.parent == folder
    assert fieldwork_backup(store, start) is None  # once a day
    for day in range(1, 10):
        assert fieldwork_backup(store, start + timedelta(days=day)) is not None
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == DAILY_KEEP
    assert kept[-1].endswith(f".{(start + timedelta(days=9)).isoformat()}.wbbackup")
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.iterdir())
    assert folder.stat().st_mode & 0o777 == 0o700
    assert leaks(*folder.iterdir()) == []
    copy = open_workbench_store(folder / kept[-1])
    copy.close()
    assert fieldwork_backup(store, start + timedelta(days=40)) is None  # long after
