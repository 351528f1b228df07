"""The findings summary over a small hand-built inspection whose every figure is known.

The cases (all graded through the grading service, as an inspector would):

| ref | category            | unit  | force | grading                                         |
|-----|---------------------|-------|-------|-------------------------------------------------|
| S1  | section_47          | North | good  | Alex: requires improvement                      |
| S2  | section_47          | North | RI    | Alex: inadequate; referred (immediate, open)    |
| M1  | missing_children    | South | good  | Alex and Jo: both good (dual graded, agree)     |
| M2  | missing_children    | South | -     | Alex RI, Jo inadequate (disagree, unmoderated); |
|     |                     |       |       | referred twice (urgent closed, routine open)    |
| C1  | cse                 | South | good  | Alex good, Jo RI (disagree), moderated to RI    |
| P1  | police_protection   | East  | RI    | Alex: good, trusted adult not assessed          |
| R1  | rso_management      | East  | inad. | Alex: in progress (one stage graded)            |
| R2  | rso_management      | East  | -     | not started                                     |
| K1  | children_in_custody | North | RI    | not started                                     |
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from db.engine import Store
from db.models import Case
from workbench.errors import NotFoundError
from workbench.identity import set_user_name
from workbench.services import grading, referrals
from workbench.services.inspections import create_inspection
from workbench.services.moderation import moderate
from workbench.services.summary import case_frame, headline, summarise
from workbench.store import open_workbench_store

GOOD, RI, INAD, NA = "good", "requires_improvement", "inadequate", "not_assessed"
FIVE = ("initial_contact", "assessment_and_help", "investigation", "decision_making")
FIVE += ("trusted_adult",)
CASES = [  # reference, category, unit, force grade
    ("S1", "section_47", "North", GOOD),
    ("S2", "section_47", "North", RI),
    ("M1", "missing_children", "South", GOOD),
    ("M2", "missing_children", "South", None),
    ("C1", "cse", "South", GOOD),
    ("P1", "police_protection", "East", RI),
    ("R1", "rso_management", "East", INAD),
    ("R2", "rso_management", "East", None),
    ("K1", "children_in_custody", "North", RI),
]


def _grade(store: Store, case_id: str, who: str, overall: str, stages: dict[str, str]) -> None:
    for stage_id, grade in stages.items():
        grading.edit(store, case_id, who, f"stage:{stage_id}:grade", grade)
    grading.edit(store, case_id, who, "overall_grade", overall)
    grading.edit(store, case_id, who, "rationale", f"Graded {overall} by {who}.")
    grading.mark_graded(store, case_id, who)


def _all(stages: tuple[str, ...], grade: str, **changes: str) -> dict[str, str]:
    return {stage: changes.get(stage, grade) for stage in stages}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, str]]:
    store = open_workbench_store(Path(tmp_path_factory.mktemp("summary")) / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    inspection = create_inspection(
        store, force="Testshire Police", title="Summary test", start=date(2026, 3, 2),
        end=date(2026, 3, 27), marking="OFFICIAL",
    )  # fmt: skip
    ids = {}
    with store.sessions.begin() as session:
        for reference, category, unit, force in CASES:
            row = Case(
                inspection_id=inspection.id, reference=reference, category=category, unit=unit,
                force_grade=force, assigned_to="Alex", methodology_version="1.0",
            )  # fmt: skip
            session.add(row)
            session.flush()
            ids[reference] = row.id
    _grade(store, ids["S1"], "Alex", RI, _all(FIVE, GOOD, assessment_and_help=RI, investigation=RI))
    s2 = _all(FIVE, RI, initial_contact=INAD, investigation=INAD)
    _grade(store, ids["S2"], "Alex", INAD, s2)
    _grade(store, ids["M1"], "Alex", GOOD, _all(FIVE, GOOD))
    _grade(store, ids["M1"], "Jo", GOOD, _all(FIVE, GOOD))
    _grade(store, ids["M2"], "Alex", RI, _all(FIVE, GOOD, initial_contact=RI))
    _grade(store, ids["M2"], "Jo", INAD, _all(FIVE, GOOD, initial_contact=INAD))
    six = (*FIVE, "managing_risk")
    _grade(store, ids["C1"], "Alex", GOOD, _all(six, GOOD))
    _grade(store, ids["C1"], "Jo", RI, _all(six, GOOD, decision_making=RI))
    four = ("initial_contact", "assessment_and_help", "decision_making", "trusted_adult")
    _grade(store, ids["P1"], "Alex", GOOD, _all(four, GOOD, trusted_adult=NA))
    grading.edit(store, ids["R1"], "Alex", "stage:managing_risk:grade", INAD)
    moderate(store, inspection.id, "C1", "Requires improvement", "Agreed at moderation.")
    referrals.raise_referral(store, ids["S2"], risk_summary="Child not seen.", urgency="immediate")
    closed = referrals.raise_referral(store, ids["M2"], risk_summary="Missing.", urgency="urgent")
    referrals.add_response(store, closed, response="closed", note="Child found and safe.")
    referrals.raise_referral(store, ids["M2"], risk_summary="Missing again.", urgency="routine")
    yield store, inspection.id
    store.close()


@pytest.fixture(scope="module")
def summary(built: tuple[Store, str]) -> dict:
    store, inspection_id = built
    return summarise(store, inspection_id)


def test_inspection_and_progress_counts(summary: dict, built: tuple[Store, str]) -> None:
    assert summary["inspection"] == {
        "id": built[1], "force": "Testshire Police", "title": "Summary test",
        "start_date": "2026-03-02", "end_date": "2026-03-27", "marking": "OFFICIAL",
        "methodology_id": "ncpi-child-protection", "methodology_version": "1.1",
        "fictional": False,
    }  # fmt: skip
    assert (summary["cases"], summary["graded"]) == (9, 6)
    assert (summary["in_progress"], summary["not_started"]) == (1, 2)


def test_overall_counts_each_case_once_by_its_effective_grade(summary: dict) -> None:
    # S1 RI, S2 inadequate, M1 good (agreed), M2 unresolved, C1 RI (moderated), P1 good.
    assert summary["overall"] == {
        "good": 2, "requires_improvement": 2, "inadequate": 1, "unresolved": 1,
        "requires_improvement_or_inadequate": 3,
        "percent_requires_improvement_or_inadequate": 50,
    }  # fmt: skip


def test_by_category_lists_only_categories_with_cases(summary: dict) -> None:
    def row(name: str, cases: int, graded: int, g: int, ri: int, i: int, u: int) -> dict:
        return {"name": name, "cases": cases, "graded": graded, "good": g,
                "requires_improvement": ri, "inadequate": i, "unresolved": u}  # fmt: skip

    assert summary["by_category"] == {
        "section_47": row("Section 47 child protection investigation", 2, 2, 0, 1, 1, 0),
        "missing_children": row("Missing and absent children", 2, 2, 1, 0, 0, 1),
        "cse": row("Child sexual exploitation", 1, 1, 0, 1, 0, 0),
        "police_protection": row("Police protection powers", 1, 1, 1, 0, 0, 0),
        "children_in_custody": row("Children in custody", 1, 0, 0, 0, 0, 0),
        "rso_management": row("Management of registered sex offenders", 2, 0, 0, 0, 0, 0),
    }
    assert list(summary["by_category"])[-1] == "rso_management"  # methodology order


def test_by_stage_counts_each_graded_case_once_per_applicable_stage(summary: dict) -> None:
    def row(g: int, ri: int, i: int, na: int = 0, u: int = 0) -> dict:
        return {"good": g, "requires_improvement": ri, "inadequate": i, "not_assessed": na,
                "unresolved": u, "not_recorded": 0}  # fmt: skip

    by_stage = {key: {k: v for k, v in value.items() if k != "name"}
                for key, value in summary["by_stage"].items()}  # fmt: skip
    assert by_stage == {
        "initial_contact": row(4, 0, 1, u=1),  # M2: Alex RI, Jo inadequate
        "assessment_and_help": row(4, 2, 0),
        "investigation": row(3, 1, 1),  # police protection has no investigation stage
        "decision_making": row(4, 1, 0, u=1),  # C1: moderation sets the case, not the stage
        "trusted_adult": row(4, 1, 0, na=1),
        "managing_risk": row(1, 0, 0),  # R1 is only in progress
        "police_detention": row(0, 0, 0),
    }
    assert summary["by_stage"]["decision_making"]["name"] == "Decision-making"


def test_by_unit(summary: dict) -> None:
    assert summary["by_unit"] == {
        "East": {"cases": 3, "graded": 1, "good": 1, "requires_improvement": 0,
                 "inadequate": 0, "unresolved": 0},
        "North": {"cases": 3, "graded": 2, "good": 0, "requires_improvement": 1,
                  "inadequate": 1, "unresolved": 0},
        "South": {"cases": 3, "graded": 3, "good": 1, "requires_improvement": 1,
                  "inadequate": 0, "unresolved": 1},
    }  # fmt: skip


def test_referrals(summary: dict) -> None:
    assert summary["referrals"] == {
        "total": 3, "open": 2, "closed": 1, "cases_referred": 2,
        "by_urgency": {"immediate": 1, "urgent": 1, "routine": 1},
    }  # fmt: skip


def test_force_grade_against_ours(summary: dict) -> None:
    # S1 good->RI, S2 RI->inadequate, M1 good->good, C1 good->RI (moderated), P1 RI->good.
    # M2 has no force grade (and is unresolved); R1 and K1 are not graded by us.
    assert summary["force_vs_inspector"] == {
        "good": {"good": 1, "requires_improvement": 2, "inadequate": 0},
        "requires_improvement": {"good": 1, "requires_improvement": 0, "inadequate": 1},
        "inadequate": {"good": 0, "requires_improvement": 0, "inadequate": 0},
    }
    assert summary["force_vs_inspector_agreement"] == {
        "compared": 5, "same": 1, "force_more_favourable": 3, "inspector_more_favourable": 1,
    }  # fmt: skip


def test_moderation_figures(summary: dict) -> None:
    # First two grades of each dual-graded case: (good, good), (RI, inad), (good, RI). Three
    # cases are too few to measure agreement (kappa would read 0.25 and mean nothing).
    assert summary["moderation"] == {
        "dual_graded": 3, "agreed": 1, "disagreed": 2, "moderated": 1,
        "percent_agreement": 33.3, "weighted_kappa": None,
        "agreement": {
            "cases": 3, "same": 1, "percent_agreement": 33.3, "too_few": True,
            "weighted_kappa": None, "ac1": None,
        },
    }  # fmt: skip


def test_summary_is_json(summary: dict) -> None:
    assert json.loads(json.dumps(summary)) == summary


def test_case_frame_one_row_per_case(built: tuple[Store, str]) -> None:
    frame = case_frame(*built).set_index("reference")
    assert list(frame.index) == ["C1", "K1", "M1", "M2", "P1", "R1", "R2", "S1", "S2"]
    assert frame.loc["C1", "effective_grade"] == RI
    assert bool(frame.loc["C1", "moderated"]) and not bool(frame.loc["C1", "unresolved"])
    assert frame.loc["M2", "effective_grade"] is None and bool(frame.loc["M2", "unresolved"])
    assert frame.loc["M2", "force_grade"] is None
    assert frame.loc["M1", "inspectors"] == ["Alex", "Jo"]
    assert frame.loc["K1", "inspectors"] == [] and frame.loc["K1", "status"] == "not_started"
    assert frame.loc["R1", "status"] == "in_progress" and not bool(frame.loc["R1", "graded"])
    assert frame.loc["S2", "effective_grade"] == INAD and bool(frame.loc["S2", "referred"])
    assert not bool(frame.loc["S1", "referred"]) and frame.loc["S1", "status"] == "graded"
    assert sorted(frame.loc[frame["referred"]].index) == ["M2", "S2"]


def test_headline_of_the_built_inspection(summary: dict) -> None:
    assert headline(summary) == [
        "3 of the 6 cases graded so far were graded requires improvement or inadequate.",
        "3 of the 9 cases are still to be graded.",
        "1 case graded differently by two inspectors awaits moderation.",
        "2 cases were referred back to the force because they represented a continued risk to "
        "a child or children. 2 of the 3 referrals are still open.",
        "Of the 2 cases referred back to the force because they placed a child or children at "
        "continued risk, the force had itself assessed 1 as 'requires improvement'.",
        "Of the 5 cases the force had graded itself and we have graded, we graded 3 less "
        "favourably than the force did.",
    ]


def _facts(cases: int, graded: int, bad: int, percent: int | None, referred: int) -> dict:
    return {
        "inspection": {"fictional": False},
        "cases": cases,
        "graded": graded,
        "overall": {
            "unresolved": 0,
            "requires_improvement_or_inadequate": bad,
            "percent_requires_improvement_or_inadequate": percent,
        },
        "referrals": {
            "total": referred,
            "open": 0,
            "closed": referred,
            "cases_referred": referred,
        },  # fmt: skip
        "force_vs_inspector_agreement": {"compared": 0, "force_more_favourable": 0},
    }


def test_headline_in_the_words_of_the_report() -> None:
    assert headline(_facts(374, 374, 278, 74, 38)) == [
        "278 of the 374 cases (74 percent) were graded requires improvement or inadequate.",
        "38 cases were referred back to the force because they represented a continued risk to "
        "a child or children.",
    ]


def test_headline_singular_and_none() -> None:
    lines = headline(_facts(5, 4, 1, 25, 1))
    assert lines == [
        "1 of the 4 cases graded so far was graded requires improvement or inadequate.",
        "1 of the 5 cases is still to be graded.",
        "1 case was referred back to the force because it represented a continued risk to a "
        "child or children.",
    ]
    assert headline(_facts(3, 0, 0, None, 0)) == [
        "None of the 3 cases has been graded yet.",
        "No cases were referred back to the force.",
    ]
    assert headline(_facts(0, 0, 0, None, 0)) == [
        "No cases have been added to this inspection yet."
    ]
    assert headline(_facts(1, 0, 0, None, 0))[0] == "The only case has not been graded yet."
    assert headline(_facts(8, 8, 0, 0, 0))[0] == (
        "None of the 8 cases was graded requires improvement or inadequate."
    )


def test_headline_open_referrals_and_unresolved_cases() -> None:
    facts = _facts(10, 10, 6, 60, 1)
    facts["referrals"].update(open=1, closed=0)
    facts["overall"]["unresolved"] = 2
    facts["force_vs_inspector_agreement"] = {"compared": 1, "force_more_favourable": 1}
    assert headline(facts)[1:] == [
        "2 cases graded differently by two inspectors await moderation.",
        "1 case was referred back to the force because it represented a continued risk to a "
        "child or children. The referral is still open.",
        "Of the 1 case the force had graded itself and we have graded, we graded 1 less "
        "favourably than the force did.",
    ]


def test_empty_inspection_and_unknown_id(store: Store) -> None:
    inspection = create_inspection(
        store, force="F", title="Empty", start=date(2026, 1, 5), end=date(2026, 1, 9)
    )
    empty = summarise(store, inspection.id[:8])  # an id prefix is enough
    assert (empty["cases"], empty["graded"], empty["not_started"]) == (0, 0, 0)
    assert empty["overall"]["percent_requires_improvement_or_inadequate"] is None
    assert empty["moderation"]["percent_agreement"] is None
    assert empty["moderation"]["weighted_kappa"] is None
    assert empty["by_category"] == {} and empty["by_unit"] == {}
    assert case_frame(store, inspection.id).empty
    with pytest.raises(NotFoundError, match="No inspection"):
        summarise(store, "ffffffff-0000-0000-0000-000000000000")
