"""An edit made against an older revision is refused, saying who changed it and when."""

from __future__ import annotations

import pytest
from packs_helpers import REFERENCES, grade, make_lead
from store_helpers import refused

from workbench import fields
from workbench.server.revisions import StaleEdit
from workbench.services import grading
from workbench.services.moderation import moderate

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
