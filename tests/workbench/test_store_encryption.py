"""The store at rest: encrypted under the store passphrase, its WAL and backups too; a wrong
passphrase refused with the store unchanged; a plaintext store encrypted in place."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from store_helpers import snapshot

from db import cipher
from db.backups import copy_store
from db.engine import Store, open_store
from db.models import Case
from workbench.errors import StoreError, WorkbenchError
from workbench.identity import set_user_name
from workbench.services import grading, referrals
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

REFERENCE = "NS/26/SECRETREF-4417"
CHILD_REF = "CHILD-ZEBRA-0931"
RATIONALE = "Rationale: the strategy meeting quietly ignored the grandmother"
RISK = "Risk summary: the stepfather returns to the flat on Fridays"
CASE_STRINGS = (REFERENCE, CHILD_REF, RATIONALE, RISK)


def fill(store: Store) -> None:
    """One case holding each of the known case strings."""
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 3, 2), end=date(2026, 3, 27)
    )
    # Through the case import, as a lead adds cases (an audited batch audit verify counts);
    # the list is removed once read, so only the store's files can hold the strings.
    sample = Path(store.path).parent / "fill-sample.csv"
    sample.write_text(
        f"reference,category,unit,child_ref\n{REFERENCE},section_47,North,{CHILD_REF}\n",
        encoding="utf-8",
    )
    import_cases(store, inspection.id, sample)
    sample.unlink()
    with store.sessions() as session:
        case_id = session.scalars(select(Case.id).where(Case.reference == REFERENCE)).one()
    grading.edit(store, case_id, "Alex Inspector", "rationale", RATIONALE)
    referrals.raise_referral(store, case_id, risk_summary=RISK, urgency="immediate")


def leaks(*paths: Path) -> list[str]:
    """Which known case strings (UTF-8, as SQLite stores text) appear in the files' bytes."""
    found = []
    for path in paths:
        data = path.read_bytes()
        found += [f"{path.name}: {s}" for s in CASE_STRINGS if s.encode("utf-8") in data]
    return found


def test_a_new_store_its_wal_and_its_backup_hold_no_case_data_in_clear(tmp_path: Path) -> None:
    store = open_workbench_store(tmp_path / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    fill(store)
    wal = tmp_path / "store.sqlite-wal"
    with store.engine.connect():  # keep the WAL in place while it is read
        assert wal.exists() and wal.stat().st_size > 0
        assert leaks(wal) == []
        backup = copy_store(store, tmp_path / "copy.bak")
    store.close()

    assert store.encrypted
    assert leaks(tmp_path / "store.sqlite", backup) == []
    assert not cipher.is_plaintext(tmp_path / "store.sqlite")
    reopened = open_workbench_store(backup)  # the backup opens with the same passphrase
    assert snapshot(reopened)["case_file"]
    reopened.close()


def test_the_check_sees_case_strings_in_a_plaintext_store(tmp_path: Path) -> None:
    """The same check on the same data without encryption finds every string."""
    store = open_store(tmp_path / "plain.sqlite", plaintext=True)  # an old plaintext store
    set_user_name(store, "Alex Inspector")
    fill(store)
    store.close()
    assert len(leaks(tmp_path / "plain.sqlite", *tmp_path.glob("plain.sqlite-wal"))) == 4


def test_a_plaintext_store_is_encrypted_in_place_on_first_open(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    plain = open_store(path, plaintext=True)
    set_user_name(plain, "Alex Inspector")
    fill(plain)
    before = snapshot(plain)
    plain.close()

    store = open_workbench_store(path)
    after = snapshot(store)
    store.close()

    assert after == before
    assert not cipher.is_plaintext(path)
    assert leaks(*[p for p in tmp_path.iterdir() if p.is_file()]) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite"]  # backup shredded
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_wrong_passphrase_is_refused_and_the_store_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = open_workbench_store(path)
    set_user_name(store, "Alex Inspector")
    store.close()
    before, files = path.read_bytes(), sorted(tmp_path.iterdir())

    with pytest.raises(StoreError, match="passphrase is wrong") as refused:
        open_workbench_store(path, passphrase="a different long passphrase 7")

    assert isinstance(refused.value, WorkbenchError)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(tmp_path.iterdir()) == files


def test_an_encrypted_store_without_a_passphrase_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.engine import StoreOpenError

    path = tmp_path / "store.sqlite"
    open_workbench_store(path).close()
    before = path.read_bytes()
    with pytest.raises(StoreOpenError, match="needs its store passphrase"):
        open_store(path)
    monkeypatch.delenv("WORKBENCH_STORE_PASSPHRASE")
    with pytest.raises(WorkbenchError, match="No store passphrase was given"):
        open_workbench_store(path, ask=lambda described, new: None)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("short one", "at least 12 characters"),
        ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
        ("password1234", "very common password"),
    ],
)
def test_a_weak_passphrase_for_a_new_store_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, passphrase: str, reason: str
) -> None:
    monkeypatch.setenv("WORKBENCH_STORE_PASSPHRASE", passphrase)
    with pytest.raises(WorkbenchError, match=reason):
        open_workbench_store(tmp_path / "store.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_the_key_is_derived_once_per_process_and_passphrase(tmp_path: Path) -> None:
    key = cipher.store_key("another long passphrase for one test")
    first = key.raw(b"s" * 16)
    assert key.raw(b"s" * 16) is first
    assert cipher.store_key("another long passphrase for one test") is key


def test_a_store_made_here_opens_with_the_passphrase_as_sqlcipher_tools_take_it(
    tmp_path: Path,
) -> None:
    """The raw key given per connection is SQLCipher 4's own derivation of the passphrase."""
    from contextlib import closing

    store = open_workbench_store(tmp_path / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    store.close()
    shutil.copy(tmp_path / "store.sqlite", tmp_path / "copy.sqlite")
    with closing(cipher.dbapi.connect(str(tmp_path / "copy.sqlite"))) as conn:
        passphrase = store.key.passphrase.replace("'", "''")
        conn.execute(f"PRAGMA key = '{passphrase}'")
        name = conn.execute("SELECT user_name FROM store_identity").fetchone()[0]
    assert name == "Alex Inspector"


def test_a_postgresql_url_needs_no_store_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_STORE_PASSPHRASE")

    def never(described: str, new: bool) -> str:
        raise AssertionError("a PostgreSQL store was asked for a store passphrase")

    with pytest.raises(StoreError) as refused:  # no server listens there
        open_workbench_store("postgresql+psycopg://nobody@127.0.0.1:9/none", ask=never)
    assert "passphrase" not in str(refused.value)


def test_a_temporary_file_left_by_a_killed_writer_is_removed_by_the_next(tmp_path: Path):
    from db.files import write_bytes_owner_only

    stale = tmp_path / ".pack.wbpack.999999999.ab12cd34.part"  # no such process
    stale.write_bytes(b"half a pack")
    write_bytes_owner_only(tmp_path / "pack.wbpack", b"a whole pack")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.wbpack"]
