"""Who may do what on a server: the login is the user; analysts read and write nothing;
a lead writes only the inspections they lead. Every refusal comes from the server, in words."""

from __future__ import annotations

import pytest
from server_helpers import ANALYST, LEAD, OTHER_LEAD, lead_inspection, new_server
from sqlalchemy import inspect, select, text
from store_helpers import snapshot

from db.models import AuditEvent, Base, Case, Inspection
from workbench import audit
from workbench.errors import WorkbenchError
from workbench.identity import set_user_name, user_name
from workbench.server.errors import NotAllowed
from workbench.server.login import writer_origin
from workbench.server.roles import APPEND_ONLY, CHAIN_HEADS, INSPECTION_OF, SHARED
from workbench.services import grading
from workbench.services.demo import create_demo

TABLES = [table.name for table in Base.metadata.sorted_tables]


@pytest.fixture(scope="module")
def server():
    """A server with the demonstration inspection (by an administrator) and one of lee's."""
    server = new_server()
    admin = backends_admin(server)
    create_demo(admin, progress=lambda *_: None)
    admin.close()
    lead = server.open(LEAD)
    inspection_id = lead_inspection(lead)
    lead.close()
    return server, inspection_id


def backends_admin(server):
    import backends

    return server.open(backends.login_for("Alex Inspector"))


def test_the_user_is_the_database_login_and_the_audit_trail_records_it(server) -> None:
    server, inspection_id = server
    lead = server.open(LEAD)
    with lead.sessions() as session:
        assert user_name(session) == LEAD
        created = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_id == inspection_id)
        ).all()
        assert {event.actor for event in created} == {LEAD}
        # one chain per writer: the lead's own, beside the administrator's
        assert {event.origin for event in created} == {writer_origin(session)}
        origins = set(session.scalars(select(AuditEvent.origin)))
        assert len(origins) == 2 and audit.verify(session).intact
        assert session.get(Inspection, inspection_id).created_by == LEAD
    with pytest.raises(WorkbenchError, match="the user is the database login"):
        set_user_name(lead, "Someone Else")
    lead.close()


@pytest.mark.parametrize("table", TABLES)
def test_an_analyst_can_read_but_not_insert_update_or_delete(server, table: str) -> None:
    server, _ = server
    analyst = server.open(ANALYST)
    before = snapshot(analyst)
    assert before["case_file"]  # reads every table
    column = inspect(analyst.engine).get_columns(table)[0]["name"]
    attempts = {
        "insert": f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1",
        "update": f"UPDATE {table} SET {column} = {column}",
        "delete": f"DELETE FROM {table}",
    }
    for what, statement in attempts.items():
        with pytest.raises(NotAllowed) as refused, analyst.engine.begin() as conn:
            conn.execute(text(statement))
        words = str(refused.value)
        assert f"refused this change to the {table.replace('_', ' ')} table" in words, what
        assert "analysts read and write nothing" in words
    assert snapshot(analyst) == before
    analyst.close()


def test_an_analyst_grading_a_case_is_refused_in_words(server) -> None:
    server, inspection_id = server
    analyst = server.open(ANALYST)
    with analyst.sessions() as session:
        case_id = session.scalar(select(Case.id).where(Case.inspection_id == inspection_id))
    before = snapshot(analyst)
    with pytest.raises(NotAllowed, match="role does not allow it"):
        grading.edit(analyst, case_id, ANALYST, "overall_grade", "good")
    assert snapshot(analyst) == before
    analyst.close()


def test_a_lead_writes_their_own_inspection_but_not_another_leads(server) -> None:
    server, inspection_id = server
    lead, other = server.open(LEAD), server.open(OTHER_LEAD)
    with lead.sessions() as session:
        case_id = session.scalar(select(Case.id).where(Case.inspection_id == inspection_id))
    assert grading.edit(lead, case_id, LEAD, "overall_grade", "inadequate")

    before = snapshot(other)
    with pytest.raises(NotAllowed) as refused:
        grading.edit(other, case_id, OTHER_LEAD, "overall_grade", "good")
    assert str(refused.value) == (
        f"{OTHER_LEAD} may not change the assessment of inspection {inspection_id[:8]}, "
        f"which {LEAD} leads; nothing was saved."
    )
    for statement in (
        f"UPDATE case_file SET unit = 'South' WHERE inspection_id = '{inspection_id}'",
        f"DELETE FROM case_file WHERE inspection_id = '{inspection_id}'",
        f"UPDATE inspection SET created_by = '{OTHER_LEAD}' WHERE id = '{inspection_id}'",
    ):
        with pytest.raises(NotAllowed, match=f"which {LEAD} leads"), other.engine.begin() as c:
            c.execute(text(statement))
    audit_refusal = "refused this change to the audit event table"
    with pytest.raises(NotAllowed, match=audit_refusal), other.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    assert snapshot(other) == before

    own = lead_inspection(other, cases=1, force="Otherton Police")  # a lead's own: allowed
    with other.sessions() as session:
        assert session.get(Inspection, own).created_by == OTHER_LEAD
        assert audit.verify(session).intact
    lead.close()
    other.close()


def test_every_table_is_governed_by_a_rule() -> None:
    """A table added by a migration must be named in workbench/server/roles.py: the lead
    rule (its rows belong to an inspection), append-only, or shared (administrators)."""
    assert set(TABLES) == set(INSPECTION_OF) | set(APPEND_ONLY) | set(CHAIN_HEADS) | set(SHARED)
    assert {"inspection_followup", "recommendation", "plan_action", "quarter_evidence"} <= set(
        INSPECTION_OF
    )


def test_the_lead_rule_covers_the_follow_up(server, tmp_path) -> None:
    from followup_helpers import RECOMMENDATIONS
    from store_helpers import write_file

    from workbench.followup.quarters import add_evidence, assess
    from workbench.followup.recommendations import import_recommendations

    server, inspection_id = server
    lead, other = server.open(LEAD), server.open(OTHER_LEAD)
    recs = write_file(tmp_path, "recs.toml", RECOMMENDATIONS)
    assert import_recommendations(lead, inspection_id, recs)
    assess(lead, inspection_id, 1, 2, judgement="Some progress")
    add_evidence(lead, inspection_id, 1, 2, "interview", "Head of public protection")

    before = snapshot(other)
    with pytest.raises(NotAllowed) as refused:
        assess(other, inspection_id, 1, 2, judgement="Insufficient progress")
    assert str(refused.value).startswith(
        f"{OTHER_LEAD} may not change the quarter assessment of inspection {inspection_id[:8]}"
    )
    for statement in (
        f"UPDATE recommendation SET title = 'Changed' WHERE inspection_id = '{inspection_id}'",
        "UPDATE inspection_followup SET published_on = NULL WHERE inspection_id = "
        f"'{inspection_id}'",
        "DELETE FROM quarter_evidence WHERE assessment_id IN (SELECT q.id FROM quarter_assessment"
        f" q JOIN recommendation r ON r.id = q.recommendation_id WHERE r.inspection_id = "
        f"'{inspection_id}')",
    ):
        with pytest.raises(NotAllowed, match=f"which {LEAD} leads"), other.engine.begin() as c:
            c.execute(text(statement))
    assert snapshot(other) == before
    lead.close()
    other.close()
