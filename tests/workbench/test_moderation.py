"""Moderation: dual-graded cases side by side, and the lead's agreed grade with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, LEAD, REFERENCES, grade, make_lead
from sqlalchemy import select

from db.models import AuditEvent, Moderation
from workbench.errors import NotFoundError, WorkbenchError
from workbench.services import grading
from workbench.services.moderation import moderate, moderation_cases
from workbench.services.summary import summarise


@pytest.fixture
def team(tmp_path: Path):
    """Four cases: 4471 graded differently, 4472 alike overall but not at one stage,
    4473 alike throughout, 4474 graded by Ann only."""
    team = make_lead(tmp_path)
    first, second, third, fourth = (team.cases[r] for r in REFERENCES)
    grade(team.lead, first, ANN, "good")
    grade(team.lead, first, BOB, "inadequate", stage_grade="requires_improvement")
    grade(team.lead, second, ANN, "requires_improvement")
    grade(team.lead, second, BOB, "requires_improvement")
    grading.edit(team.lead, second, BOB, "stage:initial_contact:grade", "good")
    grade(team.lead, third, ANN, "good")
    grade(team.lead, third, BOB, "good")
    grade(team.lead, fourth, ANN, "inadequate")
    return team


def test_cases_graded_differently_are_listed_side_by_side_per_stage(team) -> None:
    cases = moderation_cases(team.lead, team.inspection_id)
    assert [c.reference for c in cases] == [REFERENCES[0], REFERENCES[1]]
    first, second = cases
    assert [g.inspector for g in first.graders] == [ANN, BOB]
    assert [g.overall_grade for g in first.graders] == ["good", "inadequate"]
    assert first.overall_differs and first.moderation is None
    initial = next(s for s in first.stages if s.stage_id == "initial_contact")
    assert initial.name == "Initial contact"
    assert initial.grades == ("good", "requires_improvement") and initial.differs
    assert not second.overall_differs and second.stages_differ
    assert [s.stage_id for s in second.stages if s.differs] == ["initial_contact"]
    everything = moderation_cases(team.lead, team.inspection_id, include_agreed=True)
    assert [c.reference for c in everything] == list(REFERENCES[:3])


def test_moderating_records_the_agreed_grade_and_reason_with_an_audit_event(team) -> None:
    record = moderate(
        team.lead, team.inspection_id, REFERENCES[0], "Requires improvement", "Plan was late."
    )
    assert (record.grade, record.reason, record.moderated_by) == (
        "requires_improvement",
        "Plan was late.",
        LEAD,
    )
    [case] = [c for c in moderation_cases(team.lead, team.inspection_id) if c.moderation]
    assert case.moderation.grade == "requires_improvement"
    assert [g.overall_grade for g in case.graders] == ["good", "inadequate"]  # originals kept
    with team.lead.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "moderate")).one()
        assert json.loads(event.new_value)["case"] == REFERENCES[0]
        assert event.old_value is None and event.actor == LEAD


def test_moderating_again_replaces_the_grade_and_audits_the_change(team) -> None:
    moderate(team.lead, team.inspection_id, REFERENCES[0], "good", "First view.")
    moderate(team.lead, team.inspection_id, REFERENCES[0], "inadequate", "On reflection.")
    moderate(team.lead, team.inspection_id, REFERENCES[0], "inadequate", "On reflection.")
    with team.lead.sessions() as session:
        assert session.scalars(select(Moderation.grade)).all() == ["inadequate"]
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "moderate").order_by(AuditEvent.seq)
        ).all()
        assert len(events) == 2
        assert json.loads(events[1].old_value) == {"grade": "good", "reason": "First view."}


def test_the_summary_counts_the_moderated_grade_once(team) -> None:
    before = summarise(team.lead, team.inspection_id)
    assert before["overall"]["unresolved"] == 1
    assert before["moderation"]["dual_graded"] == 3
    assert before["moderation"]["disagreed"] == 1 and before["moderation"]["moderated"] == 0
    moderate(team.lead, team.inspection_id, REFERENCES[0], "inadequate", "Risk was missed.")
    after = summarise(team.lead, team.inspection_id)
    assert after["overall"]["unresolved"] == 0
    assert after["overall"]["inadequate"] == before["overall"]["inadequate"] + 1
    assert after["moderation"]["moderated"] == 1
    assert after["graded"] == before["graded"] == 4


@pytest.mark.parametrize(
    ("grade_word", "reason", "message"),
    [
        ("excellent", "Because.", "'excellent' is not a grade a case can be given"),
        ("not assessed", "Because.", "is not a grade a case can be given"),
        ("good", "   ", "Give the reason for the agreed grade"),
    ],
)
def test_a_bad_grade_or_missing_reason_is_refused(team, grade_word, reason, message) -> None:
    with pytest.raises(WorkbenchError, match=message):
        moderate(team.lead, team.inspection_id, REFERENCES[0], grade_word, reason)
    with team.lead.sessions() as session:
        assert session.scalars(select(Moderation)).all() == []


def test_a_case_graded_by_one_inspector_cannot_be_moderated(team) -> None:
    with pytest.raises(WorkbenchError, match="graded by 1 inspector"):
        moderate(team.lead, team.inspection_id, REFERENCES[3], "good", "Looks fine.")
    with pytest.raises(NotFoundError, match="No case with reference 'NOPE'"):
        moderate(team.lead, team.inspection_id, "NOPE", "good", "Looks fine.")
