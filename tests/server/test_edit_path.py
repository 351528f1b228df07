"""An audited grading edit on a server: three statements (the assessment with its case and
inspection, locked; its update; the event inserted with the chain's head moved), and a chain
that stays whole whatever its recorded head says, after a transaction rolled back, and
however many sessions of one login append to it at once."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from server_helpers import LEAD, new_server
from sqlalchemy import create_engine, event, select, text
from store_helpers import write_file

from db.models import AuditEvent, Case, ChainHead
from workbench import audit
from workbench.audit_check import check_audit
from workbench.server.login import writer_origin
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection


def _inspection(store, folder: Path, cases: int = 2) -> str:  # type: ignore[no-untyped-def]
    """An inspection led by the store's login, its cases imported (audited); its id."""
    inspection = create_inspection(
        store, force="Testshire Police", title="Edits", start=date(2026, 1, 5),
        end=date(2026, 2, 6),
    )  # fmt: skip
    rows = "".join(f"S-{n},section_47,North,{LEAD}\n" for n in range(cases))
    sample = write_file(folder, "sample.csv", "reference,category,unit,assigned_to\n" + rows)
    import_cases(store, inspection.id, sample)
    return inspection.id


def _cases(store, inspection_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    with store.sessions() as session:
        return list(
            session.scalars(
                select(Case.id).where(Case.inspection_id == inspection_id).order_by(Case.reference)
            )
        )


def _chain(store) -> tuple[list[int], ChainHead]:  # type: ignore[no-untyped-def]
    """The login's own events' sequence numbers and its recorded head."""
    with store.sessions() as session:
        origin = writer_origin(session)
        seqs = list(
            session.scalars(
                select(AuditEvent.origin_seq)
                .where(AuditEvent.origin == origin)
                .order_by(AuditEvent.origin_seq)
            )
        )
        head = session.scalars(
            select(ChainHead).where(ChainHead.kind == "own", ChainHead.origin == origin)
        ).one()
        session.expunge(head)
    return seqs, head


def _intact(store) -> None:  # type: ignore[no-untyped-def]
    with store.sessions() as session:
        assert audit.verify(session).intact
        assert check_audit(session).problems == []


def test_an_edit_of_an_assessment_is_three_statements_and_its_event_is_chained(
    tmp_path: Path,
) -> None:
    server = new_server()
    store = server.open(LEAD)
    case_id = _cases(store, _inspection(store, tmp_path))[0]
    grading.edit(store, case_id, LEAD, "rationale", "First thoughts.")
    seen = grading.view(store, case_id, LEAD).revision
    sent: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    grading.edit(store, case_id, LEAD, "rationale", "Seen and acted on.", revision=seen)
    assert [s.split()[0] for s in sent] == ["SELECT", "UPDATE", "WITH"]
    assert grading.view(store, case_id, LEAD).rationale == "Seen and acted on."
    seqs, head = _chain(store)
    assert seqs == list(range(1, len(seqs) + 1)) and head.last_seq == seqs[-1]
    _intact(store)
    store.close()


def test_a_head_moved_back_or_ahead_or_rolled_back_is_put_right_by_the_next_edit(
    tmp_path: Path,
) -> None:
    server = new_server()
    store = server.open(LEAD)
    case_id = _cases(store, _inspection(store, tmp_path))[0]
    grading.edit(store, case_id, LEAD, "rationale", "One.")
    grading.edit(store, case_id, LEAD, "rationale", "Two.")
    owner = create_engine(server.url())
    for moved in ("last_seq - 1", "last_seq + 5"):
        with owner.begin() as conn:
            conn.execute(text(f"UPDATE chain_head SET last_seq = {moved} WHERE kind = 'own'"))
        before, _ = _chain(store)
        grading.edit(store, case_id, LEAD, "rationale", f"After the head was set to {moved}.")
        seqs, head = _chain(store)
        assert seqs == before + [before[-1] + 1]  # after the events' own end, no gap
        assert head.last_seq == seqs[-1]
        _intact(store)
    owner.dispose()
    before, _ = _chain(store)
    with pytest.raises(ZeroDivisionError), store.sessions.begin() as session:
        audit.record(session, LEAD, "update", "assessment", "x", "note", None, "rolled back")
        raise ZeroDivisionError  # after the event and the head were written: all undone
    grading.edit(store, case_id, LEAD, "rationale", "After a rollback.")
    seqs, head = _chain(store)
    assert seqs == before + [before[-1] + 1] and head.last_seq == seqs[-1]
    _intact(store)
    store.close()


def test_sessions_of_one_login_appending_at_once_keep_one_unbroken_chain(tmp_path: Path) -> None:
    server = new_server()
    setup = server.open(LEAD)
    cases = _cases(setup, _inspection(setup, tmp_path, cases=4))
    setup.close()
    failures: list[BaseException] = []

    def edits(case_id: str) -> None:
        store = server.open(LEAD)
        try:
            for n in range(12):
                seen = grading.view(store, case_id, LEAD).revision
                grading.edit(store, case_id, LEAD, "rationale", f"edit {n}", revision=seen)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            failures.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=edits, args=(case_id,)) for case_id in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    store = server.open(LEAD)
    seqs, head = _chain(store)
    # the inspection, its import, four assessments created and 4 x 12 edits: one chain
    assert len(seqs) >= 1 + 4 + 48 and seqs == list(range(1, len(seqs) + 1))
    assert head.last_seq == seqs[-1]
    _intact(store)
    store.close()
