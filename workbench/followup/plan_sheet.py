"""The action-plan spreadsheet exchanged with the force.

``write_template`` writes an XLSX with one row per action: its id in a locked column (the
sheet is protected; every other column of the action rows, and a block of empty rows below
for new actions, is left unlocked), drop-down lists for the status and the recommendation,
and due dates as date cells. A second sheet lists the recommendations; a third, hidden, names
the inspection so that a return for another inspection is refused.

``read_return`` reads the file back as untrusted input: every bad row is named with its line
and column, and one bad row refuses the whole file. A row without an id is a new action; an
action whose row is gone is removed.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from db.engine import Store
from workbench.errors import ImportRefused, RowError, WorkbenchError
from workbench.followup.plans import (
    MAX_RETURN,
    STATUSES,
    ActionRow,
    ReturnResult,
    apply_return,
    list_actions,
    parse_status,
)
from workbench.followup.recommendations import list_recommendations
from workbench.reports.files import Written, atomic_path, final_path
from workbench.services.inspections import get_inspection, parse_date
from workbench.tabular import read_table, records, require_columns

HEADINGS = ("Action id", "Plan", "Recommendation", "Objective", "Action", "Owner (role)",
            "Due date", "Status", "Current position")  # fmt: skip
COLUMNS = ("action_id", "plan", "recommendation", "objective", "action", "owner_(role)",
           "due_date", "status", "current_position")  # fmt: skip
REQUIRED = ("plan", "recommendation", "objective", "action", "status")
WIDTHS = (38, 22, 16, 40, 48, 24, 14, 14, 48)
BLANK_ROWS = 200
MAX_ACTIONS = 5_000
LIMITS = {"plan": 300, "objective": 5_000, "action": 5_000, "owner_(role)": 300,
          "current_position": 10_000}  # fmt: skip
ABOUT = "About"
HEAD_FILL = PatternFill("solid", fgColor="1F3A5F")
LOCKED_FILL = PatternFill("solid", fgColor="E8ECF1")


def _append(sheet: Any, values: list[object]) -> None:  # an openpyxl worksheet
    """A row whose text stays text: openpyxl would store "=..." as a formula, and a return is
    the force's own words, so none of it may run as one when the sheet is opened."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_template(store: Store, inspection_id: str, out: str | os.PathLike[str]) -> Written:
    """The template the force fills in: its current actions, and room for new ones."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        ident, title = inspection.id, inspection.title
    recommendations = list_recommendations(store, ident)
    if not recommendations:
        raise WorkbenchError(
            f"{title} has no recommendations yet: import them before sending a plan template."
        )
    actions = list_actions(store, ident)
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEAD_FILL
    for action in actions:
        _append(sheet, [action.id, action.plan, action.recommendation, action.objective,
                      action.action, action.owner, action.due_on,
                      STATUSES.get(action.status, action.status), action.position])  # fmt: skip
    last = len(actions) + 1 + BLANK_ROWS
    for row in sheet.iter_rows(min_row=2, max_row=last, max_col=len(HEADINGS)):
        for cell in row:
            cell.protection = Protection(locked=cell.column == 1)
            if cell.column == 1:
                cell.fill = LOCKED_FILL
            if cell.column == 7:
                cell.number_format = "DD/MM/YYYY"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "B2"
    _validations(sheet, [r.number for r in recommendations], last)
    # Protected so the ids cannot be typed over; rows may still be added, deleted and sorted.
    sheet.protection.sheet = True
    sheet.protection.insertRows = False
    sheet.protection.deleteRows = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    listing = book.create_sheet("Recommendations")
    listing.append(["Number", "Title", "Timeframe", "Due"])
    for rec in recommendations:
        _append(listing, [rec.number, rec.title, rec.timeframe.words, rec.due])
        listing.cell(listing.max_row, 4).number_format = "DD/MM/YYYY"
    listing.protection.sheet = True
    about = book.create_sheet(ABOUT)
    about.append(["Inspection", ident])
    _append(about, ["Title", title])
    about.sheet_state = "hidden"
    about.protection.sheet = True
    with atomic_path(out) as temporary:
        book.save(temporary)
    return Written(final_path(out))


def _validations(sheet: Any, numbers: list[int], last: int) -> None:
    status = DataValidation(
        type="list", formula1='"' + ",".join(STATUSES.values()) + '"', allow_blank=False,
        showErrorMessage=True, errorTitle="Status",
        error="Choose Planned, In progress or Completed.",
    )  # fmt: skip
    recommendation = DataValidation(
        type="list", formula1='"' + ",".join(str(n) for n in numbers) + '"',
        showErrorMessage=True, errorTitle="Recommendation",
        error="Choose the number of one of the recommendations.",
    )  # fmt: skip
    due = DataValidation(
        type="date", operator="greaterThan", formula1="36526", showErrorMessage=True,
        errorTitle="Due date", error="Enter a date, such as 31/03/2027.",
    )  # fmt: skip
    status.add(f"H2:H{last}")
    recommendation.add(f"C2:C{last}")
    due.add(f"G2:G{last}")
    for validation in (status, recommendation, due):
        sheet.add_data_validation(validation)


def _inspection_named(path: Path) -> str | None:
    """The inspection id on the hidden About sheet, or None if there is none."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # already read once by read_table: a failure here is a damaged file
        return None
    try:
        if ABOUT not in book.sheetnames:
            return None
        for row in book[ABOUT].iter_rows(min_row=1, max_row=1, max_col=2, values_only=True):
            return str(row[1]) if row[1] is not None else None
        return None
    finally:
        book.close()


def read_return(
    path: str | os.PathLike[str], inspection_id: str, known_ids: set[str], numbers: set[int]
) -> list[ActionRow]:
    """The rows of a return, checked; ``ImportRefused`` naming every bad row otherwise."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_RETURN:
        raise WorkbenchError(f"'{path.name}' is larger than {MAX_RETURN:,} bytes.")
    table = read_table(path)
    require_columns(table, REQUIRED, [c for c in COLUMNS if c not in REQUIRED], path.name)
    if len(table) > MAX_ACTIONS:
        raise WorkbenchError(f"'{path.name}' has more than {MAX_ACTIONS:,} actions.")
    named = _inspection_named(path)
    if named is not None and named != inspection_id:
        raise WorkbenchError(
            f"'{path.name}' is the action plan of another inspection ({named}); nothing was "
            "imported."
        )
    errors: list[RowError] = []
    rows: list[ActionRow] = []
    seen: dict[str, int] = {}
    for line, cells in records(table):
        row = _row(line, cells, known_ids, numbers, seen, errors)
        if row is not None:
            rows.append(row)
    if errors:
        bad = len({e.line for e in errors})
        raise ImportRefused(
            f"{bad} row{'s' if bad != 1 else ''} of {path.name} cannot be imported; nothing "
            "was imported.",
            errors,
        )
    return rows


def _row(
    line: int,
    cells: dict[str, str],
    known: set[str],
    numbers: set[int],
    seen: dict[str, int],
    errors: list[RowError],
) -> ActionRow | None:
    before = len(errors)

    def fail(column: str, reason: str) -> None:
        errors.append(RowError(line, reason, column))

    ident = cells.get("action_id", "") or None
    if ident is not None:
        if ident not in known:
            fail("action_id", f"'{ident}' is not an action of this inspection's plans (leave "
                 "the id empty for a new action)")  # fmt: skip
        elif ident in seen:
            fail("action_id", f"the action is already on line {seen[ident]}")
        else:
            seen[ident] = line
    for column in REQUIRED:
        if not cells.get(column, ""):
            fail(column, "must not be empty")
    for column, limit in LIMITS.items():
        if len(cells.get(column, "")) > limit:
            fail(column, f"is longer than {limit} characters")
    number = cells.get("recommendation", "")
    recommendation = int(number) if number.isdigit() else None
    if number and recommendation not in numbers:
        listed = ", ".join(str(n) for n in sorted(numbers))
        fail("recommendation", f"'{number}' is not a recommendation number ({listed})")
    status = ""
    if cells.get("status"):
        try:
            status = parse_status(cells["status"])
        except ValueError:
            fail("status", f"'{cells['status']}' is not one of {', '.join(STATUSES.values())}")
    due: date | None = None
    if cells.get("due_date"):
        try:
            due = parse_date(cells["due_date"], "due date")
        except WorkbenchError:
            fail("due_date", f"'{cells['due_date']}' is not a date; write it as 31/03/2027")
    if len(errors) > before or recommendation is None:
        return None
    return ActionRow(
        line, ident, cells["plan"], recommendation, cells["objective"], cells["action"],
        cells.get("owner_(role)", ""), due, status, cells.get("current_position", ""),
    )  # fmt: skip


def import_return(store: Store, inspection_id: str, path: str | os.PathLike[str]) -> ReturnResult:
    """Read a return the force sent and apply it: all or nothing, kept as dated evidence."""
    path = Path(path)
    with store.sessions() as session:
        ident = get_inspection(session, inspection_id).id
    known = {action.id for action in list_actions(store, ident)}
    numbers = {rec.number for rec in list_recommendations(store, ident)}
    rows = read_return(path, ident, known, numbers)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise WorkbenchError(f"Cannot read '{path}': {exc.strerror or exc}.") from exc
    return apply_return(store, ident, rows, path, content)
