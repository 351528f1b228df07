"""The case list read service: one plain row per case, and a case's details for the panel."""

from __future__ import annotations

from datetime import date

import pytest

from db.engine import Store
from db.models import Case, Moderation
from workbench.errors import NotFoundError
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.caselist import case_detail, case_row, case_rows
from workbench.services.inspections import create_inspection
from workbench.services.referrals import add_response, raise_referral


def _inspection(store: Store) -> str:
    return create_inspection(
        store, force="Testshire Police", title="Test", start=date(2026, 1, 5), end=date(2026, 1, 30)
    ).id


def _add_cases(store: Store, inspection_id: str, specs: list[tuple]) -> list[str]:
    """Insert cases directly: (reference, category, unit, assigned_to[, force_grade])."""
    version = load_methodology().version
    with store.sessions.begin() as session:
        rows = [
            Case(
                inspection_id=inspection_id,
                reference=spec[0],
                category=spec[1],
                unit=spec[2],
                assigned_to=spec[3],
                force_grade=spec[4] if len(spec) > 4 else None,
                opened_on=date(2025, 3, 1),
                child_ref="C-1",
                methodology_version=version,
            )
            for spec in specs
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def _grade_fully(store: Store, case_id: str, inspector: str, grade: str) -> None:
    detail = case_detail(store, case_id)
    for stage_id in detail.stage_ids:
        grading.edit(store, case_id, inspector, f"stage:{stage_id}:grade", grade)
    grading.edit(store, case_id, inspector, "overall_grade", grade)
    grading.edit(store, case_id, inspector, "rationale", "Because.")
    grading.mark_graded(store, case_id, inspector)


def test_rows_show_status_grade_and_referral_of_each_case(store: Store) -> None:
    insp = _inspection(store)
    a, b, c = _add_cases(
        store,
        insp,
        [
            ("B/2", "cse", "North", "Alex Inspector"),
            ("A/1", "section_47", "South", "Jo Marsh"),
            ("C/3", "missing_children", "", None),
        ],
    )
    _grade_fully(store, a, "Alex Inspector", "inadequate")
    grading.edit(store, b, "Jo Marsh", "overall_grade", "good")
    ref = raise_referral(store, a, risk_summary="Child still at risk", urgency="urgent")
    raise_referral(store, a, risk_summary="Sibling at risk", urgency="routine")
    add_response(store, ref, response="closed", note="Done")

    rows = case_rows(store, insp)

    assert [r.reference for r in rows] == ["A/1", "B/2", "C/3"]
    first, second, third = rows
    assert (first.status, first.overall_grade, first.referred) == ("in_progress", "good", False)
    assert first.category_name == load_methodology().category("section_47").name
    assert (second.status, second.overall_grade) == ("graded", "inadequate")
    assert (second.referred, second.referrals, second.open_referrals) == (True, 2, 1)
    assert (second.unit, second.assigned_to) == ("North", "Alex Inspector")
    assert (third.status, third.overall_grade, third.assigned_to) == ("not_started", None, "")


def test_inspector_view_shows_only_that_inspectors_assessment(store: Store) -> None:
    insp = _inspection(store)
    (case_id,) = _add_cases(store, insp, [("A/1", "cse", "North", "Jo Marsh")])
    grading.edit(store, case_id, "Jo Marsh", "overall_grade", "good")

    (mine,) = case_rows(store, insp, inspector="Alex Inspector")
    (theirs,) = case_rows(store, insp, inspector="Jo Marsh")

    assert (mine.status, mine.overall_grade) == ("not_started", None)
    assert (theirs.status, theirs.overall_grade) == ("in_progress", "good")


def test_team_view_flags_differing_grades_until_moderated(store: Store) -> None:
    insp = _inspection(store)
    (case_id,) = _add_cases(store, insp, [("A/1", "cse", "North", "Jo Marsh")])
    _grade_fully(store, case_id, "Jo Marsh", "good")
    _grade_fully(store, case_id, "Alex Inspector", "inadequate")

    differing = case_row(store, case_id)
    with store.sessions.begin() as session:
        session.add(Moderation(case_id=case_id, grade="inadequate", reason="r", moderated_by="L"))
    moderated = case_row(store, case_id)

    assert (differing.status, differing.overall_grade, differing.grades_differ) == (
        "graded",
        None,
        True,
    )
    assert (moderated.overall_grade, moderated.grades_differ) == ("inadequate", False)


def test_detail_names_applicable_stages_and_other_graders(store: Store) -> None:
    insp = _inspection(store)
    (case_id,) = _add_cases(
        store, insp, [("A/1", "missing_children", "North", "Jo Marsh", "requires_improvement")]
    )
    grading.edit(store, case_id, "Jo Marsh", "overall_grade", "good")
    raise_referral(store, case_id, risk_summary="Risk", urgency="immediate")

    detail = case_detail(store, case_id, inspector="Alex Inspector")

    method = load_methodology()
    assert detail.stage_ids == tuple(s.id for s in method.stages_for("missing_children"))
    assert (detail.reference, detail.unit, detail.force_grade) == (
        "A/1",
        "North",
        "requires_improvement",
    )
    assert (detail.opened_on, detail.child_ref, detail.assigned_to) == (
        date(2025, 3, 1),
        "C-1",
        "Jo Marsh",
    )
    assert (detail.referrals, detail.open_referrals) == (1, 1)
    assert [(o.inspector, o.status, o.overall_grade) for o in detail.others] == [
        ("Jo Marsh", "in_progress", "good")
    ]


def test_unknown_case_is_refused_with_a_message(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No case"):
        case_detail(store, "nope")
    with pytest.raises(NotFoundError, match="No case"):
        case_row(store, "nope")


def test_rows_agree_with_the_inspection_list(store: Store) -> None:
    from workbench.services.inspections import list_inspections

    insp = _inspection(store)
    ids = _add_cases(store, insp, [(f"R/{i}", "cse", "North", "Jo") for i in range(4)])
    _grade_fully(store, ids[1], "Jo", "good")
    _grade_fully(store, ids[2], "Jo", "good")
    _grade_fully(store, ids[2], "Alex Inspector", "good")
    rows = case_rows(store, insp)
    (info,) = list_inspections(store)

    assert len(rows) == info.cases == 4
    assert sum(r.status == "graded" for r in rows) == info.graded == 2


def test_ten_thousand_cases_are_all_listed(store: Store) -> None:
    """At the scale of a big inspection (speed is measured in bench/bench_ui.py)."""
    insp = _inspection(store)
    cats = load_methodology().category_ids
    specs = [(f"R/{i:05d}", cats[i % len(cats)], f"Unit {i % 9}", "Jo") for i in range(10_000)]
    ids = _add_cases(store, insp, specs)
    grading.edit(store, ids[5], "Jo", "overall_grade", "good")

    rows = case_rows(store, insp)

    assert len(rows) == 10_000
    assert rows[5].overall_grade == "good"
