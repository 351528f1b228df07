"""Drafts in the store: one per box, the last write wins, only text, gone with the case."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, text

from db.models import Case
from workbench.errors import WorkbenchError
from workbench.services import drafts
from workbench.services.inspections import create_inspection

USER = "Alex Inspector"


@pytest.fixture
def case_id(store) -> str:
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 1, 5), end=date(2026, 1, 9)
    )
    with store.sessions.begin() as session:
        case = Case(
            inspection_id=inspection.id,
            reference="T/1",
            category="section_47",
            methodology_version="1.1",
        )
        session.add(case)
        session.flush()
        return case.id


def test_the_last_write_of_each_box_is_kept_until_discarded(store, case_id) -> None:
    drafts.save(store, case_id, USER, "rationale", "First")
    drafts.save(store, case_id, USER, "rationale", "First and second")
    drafts.save(store, case_id, USER, "stage:investigation:notes", "Notes")
    drafts.save(store, case_id, "Bo Other", "rationale", "Theirs")

    found = {d.field: d.text for d in drafts.pending(store, case_id, USER)}
    assert found == {"rationale": "First and second", "stage:investigation:notes": "Notes"}

    drafts.discard(store, case_id, USER, ["rationale"])
    assert [d.field for d in drafts.pending(store, case_id, USER)] == ["stage:investigation:notes"]
    drafts.discard(store, case_id, USER)
    assert drafts.pending(store, case_id, USER) == []
    assert [d.text for d in drafts.pending(store, case_id, "Bo Other")] == ["Theirs"]


def test_only_text_fields_have_drafts(store, case_id) -> None:
    with pytest.raises(WorkbenchError, match="Only text has drafts"):
        drafts.save(store, case_id, USER, "overall_grade", "good")
    assert drafts.pending(store, case_id, USER) == []


def test_drafts_go_with_their_case(store, case_id) -> None:
    drafts.save(store, case_id, USER, "rationale", "Typed")
    with store.sessions.begin() as session:
        session.execute(delete(Case).where(Case.id == case_id))
    with store.sessions() as session:
        assert session.execute(text("SELECT count(*) FROM draft")).scalar() == 0
