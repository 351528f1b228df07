"""Services say what they changed, after it is committed, as a small set of topics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reports_helpers import add_case, grade_case, make_inspection, refer, respond

from db.engine import Store
from workbench.changes import Changes, Topic, subscribe
from workbench.errors import WorkbenchError
from workbench.services import grading
from workbench.services.moderation import moderate


@pytest.fixture
def heard() -> Iterator[list[Changes]]:
    received: list[Changes] = []
    stop = subscribe(received.append)
    yield received
    stop()


def test_each_service_reports_its_topic_once_committed(store: Store, heard) -> None:
    inspection = make_inspection(store)
    assert [c.topics for c in heard] == [{Topic.INSPECTIONS}]
    assert heard[0].store is store and heard[0].inspection_id == inspection
    case = add_case(store, inspection, "A/1")  # inserted directly, not by a service
    heard.clear()

    grading.edit(store, case, "Alex Inspector", "overall_grade", "good")
    assert heard[-1].topics == {Topic.ASSESSMENTS} and heard[-1].case_id == case
    count = len(heard)
    grading.edit(store, case, "Alex Inspector", "overall_grade", "good")  # the same value
    assert len(heard) == count  # nothing changed, nothing said

    referral = refer(store, case)
    assert heard[-1].topics == {Topic.REFERRALS} and heard[-1].case_id == case
    respond(store, referral, "acknowledged")
    assert heard[-1].touches(Topic.REFERRALS) and not heard[-1].touches(Topic.CASES)


def test_a_refused_change_says_nothing(store: Store, heard) -> None:
    inspection = make_inspection(store)
    case = add_case(store, inspection, "A/1")
    heard.clear()
    with pytest.raises(WorkbenchError):
        grading.mark_graded(store, case, "Alex Inspector")  # nothing graded yet
    with pytest.raises(WorkbenchError):
        moderate(store, inspection, "A/1", "good", "Agreed at the moderation meeting.")
    assert heard == []


def test_moderation_names_the_case(store: Store, heard) -> None:
    inspection = make_inspection(store)
    case = add_case(store, inspection, "A/1")
    grade_case(store, case, "good")
    grade_case(store, case, "inadequate", inspector="Jo Marsh")
    heard.clear()
    moderate(store, inspection, "A/1", "requires_improvement", "Agreed at the meeting.")
    assert [c.topics for c in heard] == [{Topic.MODERATION}]
    assert (heard[0].inspection_id, heard[0].case_id) == (inspection, case)


def test_after_unsubscribing_nothing_is_heard(store: Store) -> None:
    received: list[Changes] = []
    stop = subscribe(received.append)
    stop()
    make_inspection(store)
    assert received == []


def test_follow_up_services_report_their_topic_for_the_inspection(
    store: Store, heard, tmp_path
) -> None:
    from followup_helpers import inspection_with_recommendations

    from workbench.followup import quarters
    from workbench.followup import recommendations as recs

    inspection = inspection_with_recommendations(store, tmp_path)
    assert heard[-1].topics == {Topic.FOLLOWUP} and heard[-1].inspection_id == inspection
    heard.clear()

    quarters.assess(store, inspection, 1, 2, judgement="some_progress", finding="A plan.")
    recs.edit_recommendation(store, inspection, 1, "title", "Governance")
    assert [(c.topics, c.inspection_id) for c in heard] == [({Topic.FOLLOWUP}, inspection)] * 2
    recs.edit_recommendation(store, inspection, 1, "title", "Governance")  # the same value
    assert len(heard) == 2  # nothing changed, nothing said
