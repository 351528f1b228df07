"""An edit made against an older revision is refused, saying who changed it and when."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from packs_helpers import REFERENCES, grade, make_lead
from store_helpers import refused, snapshot

from workbench import fields
from workbench.server.revisions import StaleEdit
from workbench.services import grading
from workbench.services.moderation import moderate, moderate_stage, moderation_cases

NOTES = fields.stage_notes("initial_contact")


def test_an_edit_against_an_older_revision_is_refused(tmp_path) -> None:
    team = make_lead(tmp_path)
    case_id = team.cases[REFERENCES[0]]
    store = team.lead
    assert grading.edit(store, case_id, "Ann Able", NOTES, "first", revision=0)
    seen = grading.view(store, case_id, "Ann Able").revision
    assert grading.edit(store, case_id, "Ann Able", NOTES, "second", revision=seen)

    words = refused(
        store, lambda: grading.edit(store, case_id, "Ann Able", NOTES, "x", seen), StaleEdit
    )
    assert words.startswith("Ann Able's assessment of case MPS-CP-4471 was changed by Lee Lead at ")
    assert words.endswith(" UTC; reload it and make your change again. Nothing was saved.")
    assert grading.view(store, case_id, "Ann Able").stage_notes["initial_contact"] == "second"
    assert grading.edit(store, case_id, "Ann Able", NOTES, "third", revision=seen + 1)
    with pytest.raises(StaleEdit):
        grading.edit(store, case_id, "Ann Able", NOTES, "late", revision=1)
    assert grading.edit(store, case_id, "Ann Able", NOTES, "fourth")  # no revision: no check
    store.close()


def test_a_moderation_changed_since_it_was_read_is_refused(tmp_path) -> None:
    team = make_lead(tmp_path)
    store, reference = team.lead, REFERENCES[0]
    grade(store, team.cases[reference], "Ann Able", "good")
    grade(store, team.cases[reference], "Bob Baker", "inadequate")
    first = moderate(store, team.inspection_id, reference, "requires_improvement", "Agreed.")
    second = moderate(
        store, team.inspection_id, reference, "inadequate", "On reflection.",
        seen_at=first.moderated_at,
    )  # fmt: skip
    words = refused(
        store,
        lambda: moderate(store, team.inspection_id, reference, "good", "Late.", first.moderated_at),
        StaleEdit,
    )
    assert words == (
        f"The agreed grade of case {reference} was changed by Lee Lead at "
        f"{second.moderated_at:%d/%m/%Y %H:%M:%S} UTC; reload it and make your change again. "
        "Nothing was saved."
    )
    store.close()


def test_a_stage_moderation_changed_since_it_was_read_is_refused(tmp_path) -> None:
    team = make_lead(tmp_path)
    store, reference = team.lead, REFERENCES[0]
    grade(store, team.cases[reference], "Ann Able", "good")
    grade(store, team.cases[reference], "Bob Baker", "inadequate")
    stage = "initial_contact"
    first = moderate_stage(store, team.inspection_id, reference, stage, "good", "Agreed.")
    second = moderate_stage(
        store, team.inspection_id, reference, stage, "inadequate", "On reflection.",
        seen_at=first.moderated_at,
    )  # fmt: skip
    before = snapshot(store)
    words = refused(
        store,
        lambda: moderate_stage(
            store, team.inspection_id, reference, stage, "good", "Late.", first.moderated_at
        ),
        StaleEdit,
    )
    assert words == (
        f"The agreed grade of Initial contact in case {reference} was changed by "
        f"Lee Lead at {second.moderated_at:%d/%m/%Y %H:%M:%S} UTC; reload it and make your "
        "change again. Nothing was saved."
    )
    assert snapshot(store) == before
    [case] = moderation_cases(store, team.inspection_id, include_agreed=True)
    [shown] = [s.moderation for s in case.stages if s.stage_id == stage]
    assert (shown.grade, shown.reason) == ("inadequate", "On reflection.")
    store.close()


def test_a_stage_moderated_by_another_process_is_not_overwritten(tmp_path) -> None:
    """Two leads on one store: this one read the stage's moderation, another process (the
    CLI, as a second lead would run it) changed it; this one's late change is refused."""
    team = make_lead(tmp_path)
    store, reference = team.lead, REFERENCES[0]
    grade(store, team.cases[reference], "Ann Able", "good")
    grade(store, team.cases[reference], "Bob Baker", "inadequate")
    stage = "initial_contact"
    moderate_stage(store, team.inspection_id, reference, stage, "good", "Agreed.")
    [case] = moderation_cases(store, team.inspection_id, include_agreed=True)
    [read] = [s.moderation for s in case.stages if s.stage_id == stage]

    other = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(store.url), "moderate",
         "--inspection", team.inspection_id, "--case", reference, "--stage", stage,
         "--grade", "requires improvement", "--reason", "Read the file again."],
        capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "WORKBENCH_DB"},
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    with pytest.raises(StaleEdit, match=r"was changed by Lee Lead at .* UTC; reload it"):
        moderate_stage(
            store, team.inspection_id, reference, stage, "inadequate", "Late.", read.moderated_at
        )
    [case] = moderation_cases(store, team.inspection_id, include_agreed=True)
    [now] = [s.moderation for s in case.stages if s.stage_id == stage]
    assert (now.grade, now.reason) == ("requires_improvement", "Read the file again.")
    store.close()
