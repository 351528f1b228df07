"""``audit verify`` on a server store: each login appends to its own chain with its own
recorded head (docs/server.md), so honest work by several logins verifies, and removing a
login's newest events is found; a laptop's inspections pushed there verify too."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_helpers import LEAD, OTHER_LEAD, new_server
from sqlalchemy import select, text
from store_helpers import write_file

from db.models import Case
from workbench.audit_check import check_audit
from workbench.cli import main
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection

SAMPLE = "reference,category,unit,assigned_to\nS-1,section_47,North,{0}\nS-2,section_47,South,{0}\n"


def _work(store, folder: Path, login: str) -> str:
    """An inspection led by ``login``, its cases imported and one graded; its id."""
    from datetime import date

    inspection = create_inspection(
        store, force="Testshire Police", title=f"Inspection of {login}",
        start=date(2026, 1, 5), end=date(2026, 2, 6),
    )  # fmt: skip
    import_cases(store, inspection.id, write_file(folder, f"{login}.csv", SAMPLE.format(login)))
    with store.sessions() as session:
        case_id = session.scalars(
            select(Case.id).where(Case.inspection_id == inspection.id, Case.reference == "S-1")
        ).one()
    grading.edit(store, case_id, login, "overall_grade", "good")
    grading.edit(store, case_id, login, "rationale", "Seen and acted on.")
    return inspection.id


def test_honest_work_by_two_logins_verifies_and_a_removed_newest_event_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = new_server()
    for login in (LEAD, OTHER_LEAD):
        store = server.open(login)
        _work(store, tmp_path, login)
        store.close()
    for login in (LEAD, OTHER_LEAD):
        assert main(["--db", server.url(login), "audit", "verify"]) == 0
        captured = capsys.readouterr()
        assert captured.out.startswith("Audit trail intact: ") and captured.err == ""

    from sqlalchemy import create_engine

    engine = create_engine(server.url())  # the database's owner: past the append-only rule
    with engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event "
                "WHERE actor = :login)"
            ),
            {"login": LEAD},
        )
    engine.dispose()
    assert main(["--db", server.url(OTHER_LEAD), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "events were removed, or the chain was rewritten" in err
    assert "(the chain " in err  # names the login's chain, not the store's


def test_the_whole_audit_check_passes_on_a_server_store_a_lead_worked_in(tmp_path: Path) -> None:
    server = new_server()
    store = server.open(LEAD)
    _work(store, tmp_path, LEAD)
    with store.sessions() as session:
        result = check_audit(session)
    assert result.problems == [] and result.records >= 3
    store.close()
