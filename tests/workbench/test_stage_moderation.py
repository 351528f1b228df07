"""Stage moderation: the lead settles a stage the inspectors graded differently, with a
reason; by_stage then counts the agreed grade, and the discrepancies filter moves on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, REFERENCES, grade, make_lead
from sqlalchemy import select

from db.models import AuditEvent
from workbench.errors import WorkbenchError
from workbench.services import grading
from workbench.services.moderation import moderate, moderate_stage, moderation_cases
from workbench.services.summary import summarise


@pytest.fixture
def team(tmp_path: Path):
    """4471: Ann good throughout, Bob inadequate overall with every stage requires
    improvement; Ann answered a prompt and wrote a note."""
    made = make_lead(tmp_path)
    case_id = made.cases[REFERENCES[0]]
    grading.edit(made.lead, case_id, ANN, "stage:initial_contact:notes", "Seen the same day.")
    grading.edit(made.lead, case_id, ANN, "prompt:ic.risk_assessed", "yes")
    grading.edit(made.lead, case_id, BOB, "prompt:ic.risk_assessed", "partly")
    grade(made.lead, case_id, ANN, "good")
    grade(made.lead, case_id, BOB, "inadequate", stage_grade="requires_improvement")
    yield made
    made.lead.close()


def test_moderating_a_stage_changes_by_stage_and_is_audited(team):
    before = summarise(team.lead, team.inspection_id)["by_stage"]["initial_contact"]
    assert (before["unresolved"], before["good"]) == (1, 0)

    record = moderate_stage(
        team.lead, team.inspection_id, REFERENCES[0], "initial_contact", "Good",
        "The referral was acted on the same day; Bob's concern was about recording.",
    )  # fmt: skip
    assert record.grade == "good"

    after = summarise(team.lead, team.inspection_id)["by_stage"]
    assert (after["initial_contact"]["unresolved"], after["initial_contact"]["good"]) == (0, 1)
    assert after["investigation"]["unresolved"] == 1  # not moderated yet
    with team.lead.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "stage_moderation")
        ).one()
    assert event.field == "stage:initial_contact:grade"
    assert json.loads(event.new_value)["grade"] == "good"


def test_the_comparison_carries_notes_answers_and_the_stage_moderation(team):
    moderate_stage(team.lead, team.inspection_id, REFERENCES[0], "investigation",
                   "requires improvement", "Joint visit missing.")  # fmt: skip
    [case] = moderation_cases(team.lead, team.inspection_id)
    ann = case.graders[0]
    assert ann.stage_notes["initial_contact"] == "Seen the same day."
    assert [g.answers.get("ic.risk_assessed") for g in case.graders] == ["yes", "partly"]
    investigation = next(s for s in case.stages if s.stage_id == "investigation")
    assert investigation.moderation.grade == "requires_improvement" and investigation.settled
    assert not case.settled  # the overall grade and other stages still differ


def test_the_unsettled_filter_drops_a_case_once_every_difference_is_moderated(team):
    [case] = moderation_cases(team.lead, team.inspection_id, unsettled=True)
    moderate(team.lead, team.inspection_id, REFERENCES[0], "requires improvement", "Agreed.")
    for stage in case.stages:
        if stage.differs:
            moderate_stage(team.lead, team.inspection_id, REFERENCES[0], stage.stage_id,
                           "good", "Agreed at the moderation meeting.")  # fmt: skip
    assert moderation_cases(team.lead, team.inspection_id, unsettled=True) == []
    assert len(moderation_cases(team.lead, team.inspection_id)) == 1


def test_a_stage_that_does_not_apply_or_a_missing_reason_is_refused(team):
    with pytest.raises(WorkbenchError, match="is not a stage of"):
        moderate_stage(
            team.lead, team.inspection_id, REFERENCES[0], "police_detention", "good", "x"
        )
    with pytest.raises(WorkbenchError, match="Give the reason"):
        moderate_stage(team.lead, team.inspection_id, REFERENCES[0], "initial_contact", "good", " ")
    with pytest.raises(WorkbenchError, match="graded by 0 inspector"):
        moderate_stage(team.lead, team.inspection_id, REFERENCES[3], "initial_contact", "good", "x")


def test_moderate_stage_from_the_command_line(team, capsys):
    from workbench.cli import main

    db = str(team.folder / "lead.sqlite")
    args = ["--db", db, "moderate", "--inspection", team.inspection_id, "--case", REFERENCES[0]]
    code = main(
        [*args, "--stage", "decision_making", "--grade", "inadequate", "--reason", "No plan."]
    )
    assert code == 0
    assert (
        "Stage decision_making of case MPS-CP-4471 moderated as inadequate."
        in capsys.readouterr().out
    )
    by_stage = summarise(team.lead, team.inspection_id)["by_stage"]["decision_making"]
    assert (by_stage["inadequate"], by_stage["unresolved"]) == (1, 0)
