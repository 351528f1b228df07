"""The force's action plans through the spreadsheet: the template's locks, lists and dates;
a round trip through a real openpyxl edit; a bad return refused whole; overdue derived."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from backends import cli_target
from followup_helpers import inspection_with_recommendations
from sqlalchemy import select
from store_helpers import refused

from db.engine import Store
from db.models import AuditEvent
from workbench.cli import main
from workbench.followup.plan_sheet import import_return, write_template
from workbench.followup.plans import list_actions, list_returns

FIRST = [
    ["", "Child protection plan", 1, "Clear governance", "Set up a safeguarding board",
     "Assistant commissioner", date(2027, 1, 31), "In progress", "Board meets monthly"],
    ["", "Child protection plan", 5, "Better planning", "Audit strategy discussions",
     "Head of public protection", date(2027, 3, 1), "Planned", ""],
    ["", "Missing children plan", 2, "Fewer repeat episodes", "Train control room staff",
     "Head of communications", date(2027, 2, 15), "Planned", "Course written"],
]  # fmt: skip


def _fill(path: Path, rows: list[list[object]], start: int = 2) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Actions"]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(start + offset, column, value if value != "" else None)
    book.save(path)


@pytest.fixture
def planned(store: Store, tmp_path: Path) -> tuple[str, Path]:
    """An inspection whose force has made one return of three actions."""
    inspection_id = inspection_with_recommendations(store, tmp_path)
    first = tmp_path / "return-1.xlsx"
    write_template(store, inspection_id, first)
    _fill(first, FIRST)
    result = import_return(store, inspection_id, first)
    assert (len(result.added), len(result.changed), len(result.removed)) == (3, 0, 0)
    return inspection_id, first


def test_the_template_locks_the_ids_and_offers_lists_and_date_cells(
    store: Store, planned: tuple[str, Path], tmp_path: Path
) -> None:
    inspection_id, _ = planned
    path = tmp_path / "template.xlsx"
    write_template(store, inspection_id, path)

    sheet = openpyxl.load_workbook(path)["Actions"]
    assert sheet.protection.sheet is True
    assert [c.value for c in sheet[1]][:3] == ["Action id", "Plan", "Recommendation"]
    ids = {a.id for a in list_actions(store, inspection_id)}
    assert {sheet.cell(r, 1).value for r in range(2, 5)} == ids
    assert all(sheet.cell(r, 1).protection.locked for r in range(2, 60))
    assert not any(sheet.cell(r, c).protection.locked for r in range(2, 60) for c in range(2, 10))
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["H2:H204"] == '"Planned,In progress,Completed"'
    assert lists["C2:C204"] == '"1,2,5,8"'
    due = [sheet.cell(r, 7) for r in range(2, 5)]
    assert all(isinstance(c.value, datetime) and c.number_format == "DD/MM/YYYY" for c in due)


def test_a_round_trip_shows_exactly_the_changes_and_keeps_both_returns(
    store: Store, planned: tuple[str, Path], tmp_path: Path
) -> None:
    inspection_id, first = planned
    second = tmp_path / "return-2.xlsx"
    write_template(store, inspection_id, second)
    book = openpyxl.load_workbook(second)
    sheet = book["Actions"]
    rows = {sheet.cell(r, 5).value: r for r in range(2, 5)}
    sheet.cell(rows["Set up a safeguarding board"], 8, "Completed")
    changed_id = sheet.cell(rows["Set up a safeguarding board"], 1).value
    removed_id = sheet.cell(rows["Train control room staff"], 1).value
    sheet.delete_rows(rows["Train control room staff"])
    sheet.cell(4, 2, "Missing children plan")
    sheet.cell(4, 3, 2)
    sheet.cell(4, 4, "Fewer repeat episodes")
    sheet.cell(4, 5, "Trigger plans with partners")
    sheet.cell(4, 7, date(2027, 4, 30))
    sheet.cell(4, 8, "Planned")
    book.save(second)

    result = import_return(store, inspection_id, second)

    assert result.changed == {changed_id: ["status"]}
    assert result.removed == [removed_id]
    assert len(result.added) == 1
    actions = {a.action: a for a in list_actions(store, inspection_id)}
    assert set(actions) == {
        "Set up a safeguarding board", "Audit strategy discussions", "Trigger plans with partners",
    }  # fmt: skip
    assert actions["Set up a safeguarding board"].status == "completed"
    assert actions["Trigger plans with partners"].due_on == date(2027, 4, 30)
    returns = list_returns(store, inspection_id)
    assert [(r.file_name, r.added, r.changed, r.removed) for r in returns] == [
        ("return-1.xlsx", 3, 0, 0), ("return-2.xlsx", 1, 1, 1),
    ]  # fmt: skip
    for kept, path in zip(returns, (first, second), strict=True):
        assert kept.content == path.read_bytes()
        assert kept.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with store.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "plan_action", AuditEvent.action != "create"
            )
        ).all()
    assert sorted((e.action, e.entity_id, e.field) for e in events) == sorted(
        [("update", changed_id, "status"), ("delete", removed_id, "")]
    )


def test_a_bad_return_names_its_rows_and_changes_nothing(
    store: Store, planned: tuple[str, Path], tmp_path: Path
) -> None:
    inspection_id, _ = planned
    bad = tmp_path / "bad.xlsx"
    write_template(store, inspection_id, bad)
    book = openpyxl.load_workbook(bad)
    sheet = book["Actions"]
    sheet.cell(2, 8, "Nearly done")
    sheet.cell(3, 3, 7)
    sheet.cell(5, 1, "not-an-id")
    for column, value in enumerate(["Plan", 1, "Objective", "Action", "", "soon", "Planned"], 2):
        sheet.cell(5, column, value)
    book.save(bad)

    message = refused(store, lambda: import_return(store, inspection_id, bad))

    assert "3 rows of bad.xlsx cannot be imported; nothing was imported." in message
    assert "line 2, column 'status': 'Nearly done' is not one of Planned, In progress" in message
    assert "line 3, column 'recommendation': '7' is not a recommendation number" in message
    assert "line 5, column 'action_id': 'not-an-id' is not an action" in message
    assert "line 5, column 'due_date': 'soon' is not a date" in message
    assert len(list_returns(store, inspection_id)) == 1


def test_a_return_for_another_inspection_is_refused(
    store: Store, planned: tuple[str, Path], tmp_path: Path
) -> None:
    inspection_id, first = planned
    (tmp_path / "other").mkdir()
    other = inspection_with_recommendations(store, tmp_path / "other")

    message = refused(store, lambda: import_return(store, other, first))

    assert f"the action plan of another inspection ({inspection_id})" in message


def test_overdue_is_derived_from_the_due_date_and_status(
    store: Store, planned: tuple[str, Path]
) -> None:
    actions = {a.action: a for a in list_actions(store, planned[0])}
    board = actions["Set up a safeguarding board"]  # in progress, due 31/01/2027

    assert not board.overdue(date(2027, 1, 31))
    assert board.overdue(date(2027, 2, 1))
    assert board.status_words(date(2027, 2, 1)) == "Overdue (in progress)"
    assert board.status_words(date(2027, 1, 1)) == "In progress"


def test_the_cli_exports_a_template_and_imports_a_return(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    inspection_id = inspection_with_recommendations(store, tmp_path)
    path = tmp_path / "plan.xlsx"
    db = ["--db", cli_target(store)]

    export = ["plan", "export-template", "--inspection", inspection_id, "--out", str(path)]
    assert main([*db, *export]) == 0
    _fill(path, FIRST[:2])
    assert main([*db, "plan", "import", "--inspection", inspection_id, str(path)]) == 0
    out = capsys.readouterr().out

    assert "2 actions added, 0 changed, 0 removed" in out
    assert main([*db, "plan", "list", "--inspection", inspection_id]) == 0
    assert "Set up a safeguarding board" in capsys.readouterr().out


def test_text_that_looks_like_a_formula_stays_text_in_the_template(
    store: Store, planned: tuple[str, Path], tmp_path: Path
) -> None:
    inspection_id, _ = planned
    edited = tmp_path / "edited.xlsx"
    write_template(store, inspection_id, edited)
    book = openpyxl.load_workbook(edited)
    book["Actions"].cell(2, 9).value = '=HYPERLINK("http://example.invalid","Click")'
    book["Actions"].cell(2, 9).data_type = "s"
    book.save(edited)
    import_return(store, inspection_id, edited)
    again = tmp_path / "again.xlsx"

    write_template(store, inspection_id, again)

    cells = [c for row in openpyxl.load_workbook(again)["Actions"].iter_rows() for c in row]
    tricky = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(tricky) == 1 and tricky[0].data_type == "s"
