"""The case list model and the filter logic behind the search box and filters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui.case_filter import UNGRADED, CaseFilter, CaseIndex
from ui.case_model import CATEGORY, GRADE, REFERENCE, REFERRAL, STATUS, CaseModel
from workbench.methodology import load_methodology
from workbench.services.caselist import CaseRow

METHOD = load_methodology()


def row(
    reference: str,
    category: str = "cse",
    *,
    unit: str = "North borough",
    assigned: str = "Jo Marsh",
    status: str = "not_started",
    grade: str | None = None,
    referrals: int = 0,
    open_referrals: int = 0,
    differ: bool = False,
) -> CaseRow:
    return CaseRow(
        id=f"id-{reference}",
        reference=reference,
        category=category,
        category_name=METHOD.category(category).name,
        unit=unit,
        assigned_to=assigned,
        status=status,
        overall_grade=grade,
        referred=referrals > 0,
        open_referrals=open_referrals,
        referrals=referrals,
        grades_differ=differ,
    )


ROWS = [
    row("A/3", "section_47", status="graded", grade="inadequate", referrals=1, open_referrals=1),
    row("A/1", "missing_children", unit="South borough", assigned="Alex Inspector"),
    row("A/2", "cse", status="in_progress", grade="good", assigned="alex inspector"),
    row("A/4", "online_abuse", status="graded", referrals=2, open_referrals=0, differ=True),
]


@pytest.fixture
def model(qtbot) -> CaseModel:
    model = CaseModel()
    model.set_methodology(METHOD)
    model.set_rows(ROWS)
    return model


def text(model: CaseModel, r: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(r, column), role)


def test_model_passes_the_model_tester(qtmodeltester, model: CaseModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.sort(GRADE, Qt.SortOrder.DescendingOrder)
    model.set_rows(ROWS[:2])
    qtmodeltester.check(model, force_py=True)


def test_empty_model_passes_the_model_tester(qtmodeltester) -> None:
    qtmodeltester.check(CaseModel(), force_py=True)


def test_grades_show_as_words_with_a_chip_and_referrals_in_words(model: CaseModel) -> None:
    assert text(model, 0, GRADE) == "Inadequate"
    assert text(model, 0, GRADE, Qt.ItemDataRole.DecorationRole) is not None
    assert text(model, 1, GRADE) == "Not graded"
    assert text(model, 1, GRADE, Qt.ItemDataRole.DecorationRole) is None
    assert text(model, 3, GRADE) == "Grades differ"
    assert text(model, 0, REFERRAL) == "Open"
    assert text(model, 0, REFERRAL, Qt.ItemDataRole.AccessibleTextRole) == "Referred, open"
    assert "1 still open" in text(model, 0, REFERRAL, Qt.ItemDataRole.ToolTipRole)
    assert text(model, 3, REFERRAL) == "2 (0 open)"
    assert text(model, 1, REFERRAL) == ""
    assert text(model, 1, REFERRAL, Qt.ItemDataRole.ToolTipRole) == "Not referred to the force"
    assert text(model, 2, STATUS) == "In progress"
    assert text(model, 1, CATEGORY) == METHOD.category("missing_children").name
    assert model.headerData(GRADE, Qt.Orientation.Horizontal) == "Overall grade"


def test_sorting_by_grade_follows_the_scale_and_is_kept_for_new_rows(model: CaseModel) -> None:
    model.sort(GRADE, Qt.SortOrder.AscendingOrder)
    assert [text(model, r, REFERENCE) for r in range(4)] == ["A/2", "A/3", "A/1", "A/4"]
    model.set_rows(list(reversed(ROWS)))
    assert [text(model, r, REFERENCE) for r in range(4)] == ["A/2", "A/3", "A/1", "A/4"]
    model.sort(REFERENCE, Qt.SortOrder.DescendingOrder)
    assert [text(model, r, REFERENCE) for r in range(4)] == ["A/4", "A/3", "A/2", "A/1"]


def test_update_row_changes_only_that_row(qtbot, model: CaseModel) -> None:
    fresh = row("A/1", "missing_children", status="graded", grade="good")
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.update_row(fresh)
    assert changed.args[0].row() == changed.args[1].row() == 1
    assert (text(model, 1, STATUS), text(model, 1, GRADE)) == ("Graded", "Good")


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (CaseFilter(), ["A/3", "A/1", "A/2", "A/4"]),
        (CaseFilter(text="a/2"), ["A/2"]),
        (CaseFilter(text="south"), ["A/1"]),
        (CaseFilter(text="sexual exploitation"), ["A/2"]),
        (CaseFilter(text="alex borough"), ["A/1", "A/2"]),
        (CaseFilter(category="online_abuse"), ["A/4"]),
        (CaseFilter(status="graded"), ["A/3", "A/4"]),
        (CaseFilter(grade="good"), ["A/2"]),
        (CaseFilter(grade=UNGRADED), ["A/1", "A/4"]),
        (CaseFilter(referred=True), ["A/3", "A/4"]),
        (CaseFilter(mine_only=True), ["A/1", "A/2"]),
        (CaseFilter(mine_only=True, status="in_progress"), ["A/2"]),
        (CaseFilter(text="nothing like this"), []),
    ],
)
def test_filter_and_search(wanted: CaseFilter, expected: list[str]) -> None:
    found = CaseIndex(ROWS).apply(wanted, user_name="Alex Inspector")
    assert [r.reference for r in found] == expected


def test_replaced_row_is_found_by_its_new_values() -> None:
    index = CaseIndex(ROWS)
    index.replace(row("A/1", "missing_children", unit="Harbour unit", status="graded"))
    assert [r.reference for r in index.apply(CaseFilter(text="harbour"))] == ["A/1"]
    assert index.graded() == 3


def test_a_row_replaced_after_the_search_was_prepared_is_found_by_its_new_values() -> None:
    index = CaseIndex(ROWS)
    index.prepare_search()
    index.replace(row("A/1", "missing_children", unit="Harbour unit"))
    assert [r.reference for r in index.apply(CaseFilter(text="harbour"))] == ["A/1"]
    assert index.apply(CaseFilter(text="south")) == []


def test_sorting_the_index_keeps_each_row_s_search_text() -> None:
    index = CaseIndex(ROWS)
    index.prepare_search()
    index.sort(lambda r: r.reference)
    assert [r.reference for r in index.rows] == ["A/1", "A/2", "A/3", "A/4"]
    assert [r.reference for r in index.apply(CaseFilter(text="south"))] == ["A/1"]
    index.sort(lambda r: r.reference, reverse=True)
    assert [r.reference for r in index.rows] == ["A/4", "A/3", "A/2", "A/1"]
    assert index.get("id-A/2") is index.rows[2]
    assert [r.reference for r in index.apply(CaseFilter(text="online"))] == ["A/4"]


def test_filtering_ten_thousand_rows() -> None:
    """At the scale of a big inspection (speed is measured in bench/bench_ui.py)."""
    categories = METHOD.category_ids
    rows = [
        row(f"R/{i:05d}", categories[i % len(categories)], unit=f"Harbour-{i % 7}")
        for i in range(10_000)
    ]
    index = CaseIndex(rows)
    found = index.apply(CaseFilter(text="harbour-3", category="cse", status="not_started"))
    cse = categories.index("cse")
    expected = sum(1 for i in range(10_000) if i % 7 == 3 and i % len(categories) == cse)
    assert len(found) == expected > 0
