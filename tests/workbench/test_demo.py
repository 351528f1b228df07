"""The fictional demonstration inspection: plainly fictional, full enough to show every view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from store_helpers import DemoStore

from db.engine import Store
from db.models import AuditEvent, Case, Inspection, Referral
from workbench import audit
from workbench.errors import WorkbenchError
from workbench.identity import set_user_name
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.demo import create_demo
from workbench.services.referrals import list_referrals
from workbench.services.summary import case_frame, headline, summarise
from workbench.store import open_workbench_store


@pytest.fixture(scope="module")
def demo(demo_store: DemoStore) -> tuple[Store, str, list]:
    return demo_store.store, demo_store.inspection_id, demo_store.steps


def test_the_demo_is_plainly_fictional(demo: tuple[Store, str, list]) -> None:
    store, inspection_id, _ = demo
    with store.sessions() as session:
        row = session.get(Inspection, inspection_id)
    assert row.fictional
    assert row.force == "Northshire Police (fictional)"
    assert "fictional" in row.title.lower()
    assert row.start_date.year == row.end_date.year == 2026
    assert headline(summarise(store, inspection_id))[0] == (
        "These findings are from fictional demonstration data."
    )


def test_the_demo_has_cases_in_every_category_and_some_graded(
    demo: tuple[Store, str, list],
) -> None:
    store, inspection_id, _ = demo
    summary = summarise(store, inspection_id)
    assert 55 <= summary["cases"] <= 65
    assert summary["graded"] > 30 and summary["in_progress"] >= 5 and summary["not_started"] > 0
    assert set(summary["by_category"]) == set(load_methodology().category_ids)
    assert 5 <= len(summary["by_unit"]) <= 7
    overall = summary["overall"]
    assert overall["requires_improvement"] > overall["good"] > 0
    assert overall["inadequate"] > 0
    assert summary["referrals"]["total"] >= 5 and summary["referrals"]["closed"] == 2
    moderation = summary["moderation"]
    assert moderation["dual_graded"] >= 2 and moderation["disagreed"] >= 1
    assert overall["unresolved"] == moderation["disagreed"] - moderation["moderated"]
    assert 0 < summary["force_vs_inspector_agreement"]["compared"] < summary["graded"]


def test_the_store_user_has_cases_and_references_look_real(
    demo: tuple[Store, str, list],
) -> None:
    store, inspection_id, _ = demo
    frame = case_frame(store, inspection_id)
    assert all(re.fullmatch(r"NS/24/\d{4}", ref) for ref in frame["reference"])
    assert frame["reference"].is_unique
    assert frame["assigned_to"].nunique() == 3
    mine = frame[frame["assigned_to"] == "Alex Inspector"]
    assert len(mine) >= 10 and (mine["status"] == "graded").any()
    assert 20 <= frame["force_grade"].notna().sum() <= 40


def test_graded_demo_cases_pass_the_grading_check(demo: tuple[Store, str, list]) -> None:
    store, inspection_id, _ = demo
    method = load_methodology()
    frame = case_frame(store, inspection_id)
    graded = frame[frame["status"] == "graded"]
    for case_id, inspector in zip(graded["case_id"], graded["assigned_to"], strict=True):
        view = grading.view(store, case_id, inspector)
        assert view.status == "graded" and view.rationale.strip()
        assert all(view.stage_notes[s] for s in view.stage_grades)
        with store.sessions() as session:
            case = session.get(Case, case_id)
            assessment = grading.find_assessment(session, case_id, inspector)
            check = grading.check(method, case, assessment)
        assert check.complete and not check.warnings, case.reference


def test_referrals_have_risk_summaries_and_responses(demo: tuple[Store, str, list]) -> None:
    store, inspection_id, _ = demo
    rows = list_referrals(store, inspection_id)
    assert len(rows) >= 5
    assert all(len(row.risk_summary) > 40 for row in rows)
    assert sum(1 for row in rows if row.responses) >= 3
    closed = [row for row in rows if row.status == "closed"]
    assert len(closed) == 2 and all(row.responses[-1][0] == "closed" for row in closed)


def test_the_audit_chain_verifies_and_records_the_grading(
    demo: tuple[Store, str, list],
) -> None:
    store, _, steps = demo
    with store.sessions() as session:
        report = audit.verify(session)
        edits = session.scalar(
            select(func.count()).where(AuditEvent.entity == "assessment", AuditEvent.field != "")
        )
        referrals = session.scalar(select(func.count()).select_from(Referral))
    assert report.intact, report.problem
    assert edits > 300 and referrals >= 5
    assert steps[-1][0] == steps[-1][1] and steps[-1][1] >= 55


def test_no_demo_without_a_user_name(store_path: Path) -> None:
    store = open_workbench_store(store_path)
    try:
        with pytest.raises(WorkbenchError, match="no user name"):
            create_demo(store)
        with store.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Inspection)) == 0
    finally:
        store.close()


def test_the_demo_is_the_same_every_time(demo: tuple[Store, str, list], tmp_path: Path) -> None:
    store, inspection_id, _ = demo
    again = open_workbench_store(tmp_path / "again.sqlite")
    try:
        set_user_name(again, "Alex Inspector")
        columns = ["reference", "category", "unit", "assigned_to", "force_grade", "status"]
        columns += ["effective_grade", "unresolved", "referred"]
        first = case_frame(store, inspection_id)[columns]
        second = case_frame(again, create_demo(again))[columns]
        assert first.to_dict("records") == second.to_dict("records")
    finally:
        again.close()


def test_the_demo_answers_prompts_and_facts_only_where_they_apply(
    demo: tuple[Store, str, list],
) -> None:
    store, inspection_id, _ = demo
    summary = summarise(store, inspection_id)
    facts = [v for v in summary["by_prompt"].values() if v["kind"] == "fact"]
    assert sum(sum(f["all"]["answers"].values()) for f in facts) > 100
    kept = summary["by_prompt"]["pd.fact_kept_after_charge"]
    assert list(kept["by_category"]) == ["children_in_custody"]
    assert sum(kept["all"]["answers"].values()) == kept["all"]["cases"] > 0
    devices = summary["by_prompt"]["inv.devices_triaged"]
    assert list(devices["by_category"]) == ["online_abuse"]  # not asked in other categories
    assert any(v["all"]["sentence"] for v in facts)
