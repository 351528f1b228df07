"""``audit verify`` reports SQLite's own integrity check first, in words: an index that no
longer matches its table (its definition changed behind SQLite's back) is found whether the
check runs beside the rest (a store file, from the engine) or in line (a session bound to
one connection), and an honest store reports nothing from it."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest
from packs_helpers import closed_lead_file
from sqlalchemy.orm import Session
from store_helpers import connect_file

from workbench.audit_check import check_audit
from workbench.cli import main
from workbench.store import open_workbench_store

DAMAGED = "the store file is damaged (SQLite says: row 1 missing from index ix_case_file_child)"


@pytest.fixture(scope="module")
def lead(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return closed_lead_file(tmp_path_factory.mktemp("integrity"))


def _damaged(lead: Path, tmp_path: Path) -> Path:
    path = tmp_path / "damaged.sqlite"
    shutil.copy(lead, path)
    with closing(connect_file(path)) as conn:
        conn.execute("CREATE INDEX ix_case_file_child ON case_file (child_ref)")  # unused
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_case_file_child ON case_file "
            "(unit)' WHERE name = 'ix_case_file_child'"
        )
        conn.commit()
    return path


def test_a_damaged_file_is_reported_first(lead, tmp_path, capsys) -> None:
    assert main(["--db", str(_damaged(lead, tmp_path)), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert problems[0] == f"  - {DAMAGED}"
    assert 1 < len(problems) <= 5  # SQLite's first few complaints, nothing else


def test_the_check_in_line_finds_the_same(lead, tmp_path) -> None:
    store = open_workbench_store(_damaged(lead, tmp_path))
    try:
        with store.engine.connect() as conn, Session(bind=conn) as session:
            inline = check_audit(session)
        with store.sessions() as session:
            beside = check_audit(session)
    finally:
        store.close()
    assert inline.problems[0] == DAMAGED
    assert inline.problems == beside.problems


def test_an_honest_store_has_nothing_from_it(lead) -> None:
    store = open_workbench_store(lead)
    try:
        with store.sessions() as session:
            assert check_audit(session).problems == []
    finally:
        store.close()
