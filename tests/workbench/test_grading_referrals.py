"""Grading edits, marking a case graded, referrals and the audit chain that records them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from store_helpers import snapshot

from db.engine import Store
from db.models import AuditEvent, Case
from workbench import audit
from workbench.errors import NotFoundError, WorkbenchError
from workbench.services import grading, referrals
from workbench.services.inspections import create_inspection

ALL_FIVE = ("initial_contact", "assessment_and_help", "investigation", "decision_making")
ALL_FIVE += ("trusted_adult",)


@pytest.fixture
def case_id(store: Store) -> str:
    """A section 47 case (five stages apply; police detention does not)."""
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 3, 2), end=date(2026, 3, 27)
    )
    with store.sessions.begin() as session:
        row = Case(
            inspection_id=inspection.id,
            reference="T/1",
            category="section_47",
            unit="North",
            methodology_version="1.0",
        )
        session.add(row)
        session.flush()
        return row.id


def events(store: Store, field: str) -> list[AuditEvent]:
    with store.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.field == field).order_by(AuditEvent.seq)
        return list(session.scalars(query))


# --- grading edits ---------------------------------------------------------------------------


def test_an_edit_records_old_and_new_values_and_bumps_the_revision(
    store: Store, case_id: str
) -> None:
    assert grading.edit(store, case_id, "Alex", "overall_grade", "requires_improvement")
    assert grading.view(store, case_id, "Alex").revision == 1
    assert grading.edit(store, case_id, "Alex", "overall_grade", "inadequate")
    view = grading.view(store, case_id, "Alex")
    assert (view.overall_grade, view.revision, view.status) == ("inadequate", 2, "in_progress")
    changes = [
        (e.old_value, e.new_value, e.actor, e.entity_id) for e in events(store, "overall_grade")
    ]
    assert changes == [
        (None, "requires_improvement", "Alex Inspector", view.id),
        ("requires_improvement", "inadequate", "Alex Inspector", view.id),
    ]


def test_the_status_reads_not_started_then_in_progress_then_graded(
    store: Store, case_id: str
) -> None:
    assert grading.status(store, case_id, "Alex") == "not_started"
    grading.edit(store, case_id, "Alex", "overall_grade", "good")
    assert grading.status(store, case_id, "Alex") == "in_progress"
    _complete(store, case_id, overall="good", worst="good")
    grading.mark_graded(store, case_id, "Alex")
    assert grading.status(store, case_id, "Alex") == "graded"
    assert grading.status(store, case_id, "Someone Else") == "not_started"


def test_the_same_value_again_changes_nothing(store: Store, case_id: str) -> None:
    grading.edit(store, case_id, "Alex", "stage:investigation:notes", "Suspect not traced.")
    before = snapshot(store)
    assert not grading.edit(
        store, case_id, "Alex", "stage:investigation:notes", "Suspect not traced."
    )
    assert snapshot(store) == before


def test_stage_grades_notes_and_prompt_answers_are_kept(store: Store, case_id: str) -> None:
    grading.edit(store, case_id, "Alex", "stage:investigation:grade", "inadequate")
    grading.edit(store, case_id, "Alex", "stage:investigation:notes", "No joint visit.")
    grading.edit(store, case_id, "Alex", "prompt:inv.joint_visit", "no")
    view = grading.view(store, case_id, "Alex")
    assert view.stage_grades == {"investigation": "inadequate"}
    assert view.stage_notes == {"investigation": "No joint visit."}
    assert view.answers == {"inv.joint_visit": "no"}
    assert view.revision == 3


def test_fact_answers_are_kept_beside_prompt_answers(store: Store, case_id: str) -> None:
    grading.edit(store, case_id, "Alex", "prompt:ah.strategy_discussion", "partly")
    grading.edit(store, case_id, "Alex", "fact:ah.fact_strategy_discussion_held", "no")
    grading.edit(store, case_id, "Alex", "fact:inv.fact_abe_interview", "not_appropriate")
    assert grading.view(store, case_id, "Alex").answers == {
        "ah.strategy_discussion": "partly",
        "ah.fact_strategy_discussion_held": "no",
        "inv.fact_abe_interview": "not_appropriate",
    }
    grading.edit(store, case_id, "Alex", "fact:inv.fact_abe_interview", None)
    assert "inv.fact_abe_interview" not in grading.view(store, case_id, "Alex").answers
    changes = [(e.old_value, e.new_value) for e in events(store, "fact:inv.fact_abe_interview")]
    assert changes == [(None, "not_appropriate"), ("not_appropriate", None)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("overall_grade", "excellent", "'excellent' is not a grade"),
        ("stage:investigation:grade", "outstanding", "'outstanding' is not a stage grade"),
        ("stage:police_detention:grade", "good", "does not apply to a Section 47"),
        ("prompt:ic.no_such_prompt", "yes", "There is no prompt 'ic.no_such_prompt'"),
        ("prompt:pd.appropriate_adult", "yes", "for a stage that does not apply"),
        ("prompt:ic.child_seen", "maybe", "'maybe' is not an answer"),
        ("prompt:ic.missing_category", "yes", "does not apply to Section 47"),
        ("prompt:ah.fact_strategy_discussion_held", "yes", "There is no prompt"),
        ("fact:ah.fact_strategy_discussion_held", "partly", "use yes, no or not_known"),
        ("fact:pd.fact_kept_after_charge", "yes", "for a stage that does not apply"),
        ("fact:inv.fact_missing_episodes", "one", "does not apply to Section 47"),
        ("fact:ic.no_such_fact", "yes", "There is no fact 'ic.no_such_fact'"),
        ("colour", "blue", "'colour' is not a field"),
    ],
)
def test_invalid_edits_are_refused_and_change_nothing(
    store: Store, case_id: str, field: str, value: str, message: str
) -> None:
    grading.edit(store, case_id, "Alex", "rationale", "Started.")
    before = snapshot(store)
    with pytest.raises(WorkbenchError, match=message):
        grading.edit(store, case_id, "Alex", field, value)
    assert snapshot(store) == before


def test_an_edit_to_an_unknown_case_is_refused(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No case"):
        grading.edit(store, "no-such-case", "Alex", "overall_grade", "good")


# --- marking a case graded -----------------------------------------------------------------


def test_mark_graded_names_everything_missing(store: Store, case_id: str) -> None:
    grading.edit(store, case_id, "Alex", "stage:initial_contact:grade", "good")
    before = snapshot(store)
    with pytest.raises(grading.GradingIncomplete) as refused:
        grading.mark_graded(store, case_id, "Alex")
    message = str(refused.value)
    for name in ("Assessment and help", "Investigation", "Decision-making", "Trusted adult"):
        assert f"Grade the stage '{name}'" in message
    assert "Initial contact" not in message
    assert "overall grade" in message and "rationale" in message
    assert {p.field for p in refused.value.check.problems} == {
        "stage:assessment_and_help:grade",
        "stage:investigation:grade",
        "stage:decision_making:grade",
        "stage:trusted_adult:grade",
        "overall_grade",
        "rationale",
    }
    assert snapshot(store) == before
    assert grading.view(store, case_id, "Alex").status == "in_progress"


def _complete(store: Store, case_id: str, overall: str, worst: str) -> None:
    for stage in ALL_FIVE:
        grade = worst if stage == "investigation" else "good"
        grading.edit(store, case_id, "Alex", f"stage:{stage}:grade", grade)
    grading.edit(store, case_id, "Alex", "overall_grade", overall)
    grading.edit(store, case_id, "Alex", "rationale", "Explained.")


def test_mark_graded_warns_when_overall_is_better_than_the_worst_stage(
    store: Store, case_id: str
) -> None:
    _complete(store, case_id, overall="good", worst="inadequate")
    result = grading.mark_graded(store, case_id, "Alex")
    assert result.complete
    assert [w.field for w in result.warnings] == ["overall_grade"]
    assert "(Good) is better than the worst stage grade (Inadequate)" in result.warnings[0].message
    view = grading.view(store, case_id, "Alex")
    assert view.status == "graded"
    assert [(e.old_value, e.new_value) for e in events(store, "status")] == [
        ("in_progress", "graded")
    ]


def test_mark_graded_without_warning_when_consistent(store: Store, case_id: str) -> None:
    _complete(store, case_id, overall="inadequate", worst="inadequate")
    assert grading.mark_graded(store, case_id, "Alex").warnings == []


def test_undoing_a_required_field_returns_a_graded_case_to_in_progress(
    store: Store, case_id: str
) -> None:
    _complete(store, case_id, overall="requires_improvement", worst="requires_improvement")
    grading.mark_graded(store, case_id, "Alex")
    grading.edit(store, case_id, "Alex", "rationale", "")
    assert grading.view(store, case_id, "Alex").status == "in_progress"


# --- referrals -------------------------------------------------------------------------------


def test_a_referral_takes_responses_until_closed(store: Store, case_id: str) -> None:
    today = datetime.now(UTC).date()
    referral = referrals.raise_referral(
        store,
        case_id,
        risk_summary="  The child has not been seen since the report.  ",
        urgency="immediate",
        referred_to="Duty inspector",
        referred_at=today - timedelta(days=3),
    )
    referrals.add_response(
        store, referral, response="acknowledged", occurred_at=today - timedelta(days=2)
    )
    (row,) = referrals.list_referrals(store, _inspection_of(store, case_id))
    assert (row.status, row.urgency, row.referred_to) == ("open", "immediate", "Duty inspector")
    assert row.risk_summary == "The child has not been seen since the report."
    referrals.add_response(
        store, referral, response="closed", note="Child seen; safe.", occurred_at=today
    )
    (row,) = referrals.list_referrals(store, _inspection_of(store, case_id), case_id)
    assert row.status == "closed" and row.closed_at.date() == today
    assert [(r[0], r[1]) for r in row.responses] == [
        ("acknowledged", ""),
        ("closed", "Child seen; safe."),
    ]
    assert [(e.old_value, e.new_value) for e in events(store, "status")] == [("open", "closed")]
    before = snapshot(store)
    with pytest.raises(WorkbenchError, match="closed; no further responses"):
        referrals.add_response(store, referral, response="acknowledged")
    assert snapshot(store) == before


def _inspection_of(store: Store, case_id: str) -> str:
    with store.sessions() as session:
        return session.get(Case, case_id).inspection_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"urgency": "whenever"}, "'whenever' is not an urgency"),
        ({"risk_summary": "   "}, "Say what the continued risk"),
        ({"referred_at": date(2099, 1, 1)}, "in the future"),
    ],
)
def test_a_bad_referral_is_refused(store: Store, case_id: str, changes: dict, message: str) -> None:
    before = snapshot(store)
    details = {"risk_summary": "Child at risk.", "urgency": "urgent", **changes}
    with pytest.raises(WorkbenchError, match=message):
        referrals.raise_referral(store, case_id, **details)
    assert snapshot(store) == before


def test_a_bad_response_is_refused(store: Store, case_id: str) -> None:
    today = datetime.now(UTC).date()
    referral = referrals.raise_referral(
        store, case_id, risk_summary="Child at risk.", urgency="urgent", referred_at=today
    )
    before = snapshot(store)
    with pytest.raises(WorkbenchError, match="'shrugged' is not a response"):
        referrals.add_response(store, referral, response="shrugged")
    with pytest.raises(WorkbenchError, match="before the referral was made"):
        referrals.add_response(
            store, referral, response="acknowledged", occurred_at=today - timedelta(days=1)
        )
    assert snapshot(store) == before


# --- the audit chain -------------------------------------------------------------------------


def _some_history(store: Store, case_id: str) -> list[AuditEvent]:
    for grade in ("good", "requires_improvement", "inadequate"):
        grading.edit(store, case_id, "Alex", "overall_grade", grade)
    with store.sessions() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.origin_seq)))


def test_an_untouched_chain_verifies(store: Store, case_id: str) -> None:
    history = _some_history(store, case_id)
    with store.sessions() as session:
        report = audit.verify(session)
    assert report.intact and report.events == len(history) and report.origins == 1


def test_verify_names_an_edited_event(store: Store, case_id: str) -> None:
    history = _some_history(store, case_id)
    target = next(e for e in history if e.new_value == "requires_improvement")
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET new_value = :v WHERE id = :id"),
            {"v": "good", "id": target.id},
        )
    with store.sessions() as session:
        report = audit.verify(session)
        described = audit.describe(report.broken_event)
    assert not report.intact
    assert report.broken_event.id == target.id
    assert "edited after it was written" in report.problem
    assert f"#{target.seq}" in described and target.id in described


def test_verify_names_the_gap_left_by_a_deleted_event(store: Store, case_id: str) -> None:
    history = _some_history(store, case_id)
    middle = history[len(history) // 2]
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": middle.id})
    with store.sessions() as session:
        report = audit.verify(session)
    assert not report.intact
    assert report.broken_event.origin_seq == middle.origin_seq + 1
    assert f"event {middle.origin_seq} of chain {middle.origin} is missing" == report.problem


# --- looking up one referral or inspection -------------------------------------------------


def test_one_referral_and_one_inspection_are_found_by_id(store: Store, case_id: str) -> None:
    from workbench.services.inspections import inspection_info, inspection_methodology

    referral = referrals.raise_referral(
        store, case_id, risk_summary="Siblings not safeguarded.", urgency="urgent"
    )
    row = referrals.get_referral(store, referral)
    assert (row.case_reference, row.urgency, row.status) == ("T/1", "urgent", "open")
    assert row == referrals.list_referrals(store, _inspection_of(store, case_id))[0]
    with pytest.raises(NotFoundError, match="No referral"):
        referrals.get_referral(store, "no-such-referral")

    inspection_id = _inspection_of(store, case_id)
    info = inspection_info(store, inspection_id)
    assert (info.force, info.cases, info.graded) == ("Testshire Police", 1, 0)
    assert inspection_methodology(store, inspection_id).version == info.methodology_version
    with pytest.raises(NotFoundError, match="No inspection"):
        inspection_info(store, "no-such-inspection")
