"""``workbench store check | backup | restore`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import snapshot
from test_store_encryption import fill, leaks

from workbench.cli import main
from workbench.identity import set_user_name
from workbench.store import open_workbench_store
from workbench.store_backups import daily_backup, store_id_of


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBENCH_BACKUP_DIR", str(tmp_path / "backups"))
    path = tmp_path / "store.sqlite"
    store = open_workbench_store(path)
    set_user_name(store, "Alex Inspector")
    fill(store)
    store.close()
    return path


def rows(path: Path) -> dict:
    store = open_workbench_store(path)
    try:
        return snapshot(store)
    finally:
        store.close()


def test_a_backup_is_encrypted_owner_only_and_restores_the_store(capsys, filled, tmp_path):
    before = rows(filled)
    backup = tmp_path / "copy.wbbackup"
    code, out, err = run(capsys, "--db", str(filled), "store", "backup", "--out", str(backup))
    assert (code, err) == (0, "")
    assert out == f"Backed up the store to {backup} (encrypted, readable by you only).\n"
    assert backup.stat().st_mode & 0o777 == 0o600
    assert leaks(backup) == []

    store = open_workbench_store(filled)
    set_user_name(store, "Changed After The Backup")
    store.close()
    code, out, err = run(capsys, "--db", str(filled), "store", "restore", str(backup))
    assert (code, err) == (0, "")
    assert out.startswith(f"Restored {filled} from {backup}.\nThe store as it was is kept in ")
    assert rows(filled) == before
    [kept] = (tmp_path / "backups").iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_backup_of_another_store_is_refused_unless_forced(capsys, filled, tmp_path):
    other = tmp_path / "other.sqlite"
    store = open_workbench_store(other)
    set_user_name(store, "Sam Other")
    store.close()
    other_rows = rows(other)
    backup = tmp_path / "copy.wbbackup"
    assert run(capsys, "--db", str(filled), "store", "backup", "--out", str(backup))[0] == 0

    code, out, err = run(capsys, "--db", str(other), "store", "restore", str(backup))
    assert (code, out) == (1, "")
    assert "is a backup of another store" in err and "--force" in err
    assert rows(other) == other_rows
    code, _, err = run(capsys, "--db", str(other), "store", "restore", str(backup), "--force")
    assert (code, err) == (0, "")
    assert rows(other) == rows(filled)


def test_store_check_passes_a_sound_store_and_reports_an_overwritten_page(capsys, filled, tmp_path):
    code, out, _ = run(capsys, "--db", str(filled), "store", "check")
    assert (code, out) == (0, f"The store {filled} is sound: every page passed SQLite's check.\n")
    store = open_workbench_store(filled)
    daily = daily_backup(store, store_id_of(store))
    store.close()
    data = bytearray(filled.read_bytes())
    page = 4096
    assert len(data) > 6 * page
    data[5 * page : 6 * page] = bytes(range(256)) * 16  # one page overwritten
    filled.write_bytes(bytes(data))

    code, out, err = run(capsys, "--db", str(filled), "store", "check")
    assert (code, out) == (1, "")
    assert f"The store {filled} is damaged" in err
    assert "Traceback" not in err
    assert f"The latest backup is {daily}: restore it with 'workbench store restore {daily}'" in err


def test_a_store_too_damaged_to_give_its_id_is_not_offered_another_stores_backup(
    capsys, filled, tmp_path
):
    other = tmp_path / "other.sqlite"
    store = open_workbench_store(other)
    set_user_name(store, "Sam Other")
    others = daily_backup(store, store_id_of(store))
    store.close()
    assert others is not None and others.parent == tmp_path / "backups"
    data = bytearray(filled.read_bytes())
    page = 4096
    data[page:] = bytes(range(256)) * (len(data[page:]) // 256)  # every page but the first
    filled.write_bytes(bytes(data))

    code, out, err = run(capsys, "--db", str(filled), "store", "check")
    assert (code, out) == (1, "")
    assert f"The store {filled} is damaged" in err and "Traceback" not in err
    assert str(others) not in err
    assert f"which of the daily backups in {tmp_path / 'backups'} are its own" in err


def test_a_postgresql_store_is_not_restored_from_a_file(capsys, tmp_path):
    code, _, err = run(capsys, "--db", "postgresql+psycopg://h/db", "store", "restore", "x")
    assert (code, err) == (
        1,
        "workbench: Only a SQLite store file can be restored from a backup.\n",
    )


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[5 * 4096 : 6 * 4096] = bytes(range(256)) * 16
    path.write_bytes(bytes(data))


def test_the_window_s_quick_check_on_open_refuses_a_damaged_store_in_words(filled):
    from workbench.store_faults import StoreDamaged

    damage(filled)
    with pytest.raises(StoreDamaged, match=f"The store {filled} is damaged"):
        open_workbench_store(filled, check=True)


def test_a_damaged_backup_is_not_restored(capsys, filled, tmp_path):
    backup = tmp_path / "copy.wbbackup"
    assert run(capsys, "--db", str(filled), "store", "backup", "--out", str(backup))[0] == 0
    damage(backup)
    before = rows(filled)
    code, _, err = run(capsys, "--db", str(filled), "store", "restore", str(backup))
    assert code == 1
    assert f"{backup} is not a sound workbench backup; nothing was changed." in err
    assert rows(filled) == before
