"""The inspection's data as an XLSX workbook: typed pandas frames, written with openpyxl.

Sheets: About, Summary, Cases, Assessments, Stage grades, Referrals, and the summary's
tables (By category, By stage, By unit, Force vs ours). Columns are typed (dates are dates,
counts are whole numbers, flags are TRUE/FALSE), every sheet has its header row frozen and
a filter on it, and the marking is printed in the header and footer of every page.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from db.engine import Store
from workbench.dates import long_date
from workbench.errors import WorkbenchError
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.reports import csv_cells, xlsx_print
from workbench.reports import xlsx_frames as frames
from workbench.reports import xlsx_prompts as prompt_frames
from workbench.reports.data import ReportData, gather
from workbench.reports.files import Written, atomic_path, final_path

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
WIDE = 60  # characters: long text columns wrap at this width


def sheets(data: ReportData) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook, in order, as a typed DataFrame."""
    method: Methodology = data.method
    summary: dict[str, Any] = data.summary
    return {
        "About": frames.about(data),
        "Summary": frames.key_figures(summary, method),
        "Cases": frames.cases(data),
        "Assessments": frames.assessments(data),
        "Stage grades": frames.stage_grades(data),
        "Referrals": frames.referrals(data),
        "By category": frames.breakdown(summary, method, "by_category", "Category"),
        "By stage": frames.by_stage(summary, method),
        "By unit": frames.breakdown(summary, method, "by_unit", "Unit"),
        "Force vs ours": frames.force_vs_ours(summary, method),
        "Prompt answers": prompt_frames.prompt_answers(data),
        "Prompt counts": prompt_frames.prompt_counts(summary, method),
    }


HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


def _column_width(name: str, column: pd.Series) -> int:
    return max([len(str(name))] + [len(str(v)) for v in column.head(200) if v is not None])


def _a_date(value: object) -> bool:
    return isinstance(value, date)


def _date_cells(sheet: Worksheet, index: int) -> None:
    """Dates among other values (the About sheet) in the formats pandas gave them."""
    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
        if isinstance(cell.value, datetime):
            cell.number_format = "YYYY-MM-DD HH:MM:SS"
        elif isinstance(cell.value, date):
            cell.number_format = "YYYY-MM-DD"


def _write_sheet(sheet: Worksheet, frame: pd.DataFrame, marking: str) -> None:
    """The frame's header and rows appended as values, then styled where a style shows: the
    header row; dates in date columns; wrapped text in wide columns; formula-like text
    marked as text. Appending plain values (rather than through ``DataFrame.to_excel``, which
    builds and styles every cell one by one) keeps a sheet of 100,000 cells quick."""
    sheet.append([str(name) for name in frame.columns])
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
    cells = frame.astype(object).where(frame.notna(), None)
    for row in cells.itertuples(index=False, name=None):
        sheet.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, (name, column) in enumerate(frame.items(), start=1):
        letter = get_column_letter(index)
        width = _column_width(str(name), column)
        sheet.column_dimensions[letter].width = min(max(width + 2, 10), WIDE)
        number_format = None
        if str(column.dtype).startswith("datetime64"):
            number_format = DATETIME_FORMAT if str(name).endswith("(UTC)") else DATE_FORMAT
        elif column.dtype == object and column.map(_a_date).any():
            _date_cells(sheet, index)
        if number_format is None and width <= WIDE:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if number_format:
                cell.number_format = number_format
            if width > WIDE:
                cell.alignment = wrap
    xlsx_print.protect_text(sheet, frame)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if sheet.title == "Summary":
        xlsx_print.percentages_as_fractions(sheet)
    xlsx_print.fit_to_print(sheet)
    sheet.oddHeader.center.text = marking
    sheet.oddFooter.center.text = marking
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def write_csv(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> Written:
    """Every sheet of the workbook as a CSV file (UTF-8, header row) in the folder ``out``,
    each written atomically: about.csv, summary.csv, ..., prompt-answers.csv."""
    folder = Path(out).expanduser().absolute()
    if not folder.is_dir():
        raise WorkbenchError(f"The folder {folder} does not exist; create it first.")
    data = gather(store, inspection_id, progress, every_assessment=True)
    frames_by_sheet = sheets(data)
    total = len(frames_by_sheet)
    for number, (name, frame) in enumerate(frames_by_sheet.items(), start=1):
        target = folder / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.csv"
        cells = frame.astype(object).where(frame.notna(), None)
        with (
            atomic_path(target) as temporary,
            open(temporary, "w", encoding="utf-8", newline="") as handle,
        ):
            csv_cells.write_csv(handle, list(frame.columns), cells.itertuples(index=False))
        progress(number, total, f"Writing {target.name}")
    return Written(folder)


def _marking(data: ReportData) -> str:
    """The marking for each page's header and footer, with the interim label beside it."""
    facts = data.facts
    return f"{facts.marking}   {facts.interim}" if facts.interim else facts.marking


def write_xlsx(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> Written:
    """The workbook, written atomically."""
    data = gather(store, inspection_id, progress, every_assessment=True)
    frames_by_sheet = sheets(data)
    book = Workbook()
    book.remove(book.active)
    total = len(frames_by_sheet)
    for number, (name, frame) in enumerate(frames_by_sheet.items(), start=1):
        _write_sheet(book.create_sheet(name), frame, _marking(data))
        progress(number, total, f"Writing the {name} sheet")
    properties = book.properties
    properties.title = f"{data.facts.title}: data"
    properties.creator = data.author
    properties.subject = f"Case file audit data: {data.facts.force}"
    properties.keywords = data.facts.marking
    properties.description = f"Produced {long_date(data.produced)}"
    with atomic_path(out) as temporary:
        book.save(temporary)
    return Written(final_path(out))
