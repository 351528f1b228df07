"""Writing the workbook's typed frames to an XLSX file with XlsxWriter.

XlsxWriter writes each cell's XML as it is given, about three times faster than building
openpyxl's cell objects and serialising them (the Prompt answers sheet alone has 100,000
cells at 500 cases); openpyxl still reads workbooks (imports, and the tests that check what
is written). What a sheet looks like:

- the header row bold white on dark blue, wrapped, frozen, with a filter over every row;
- dates as dates (``dd/mm/yyyy``, or with the time for columns named "(UTC)"), counts as
  numbers, flags as TRUE/FALSE; long text columns wrap at ``WIDE`` characters;
- text a spreadsheet could take for a formula is written as text with the quote prefix
  (``xlsx_print.is_formula_like``);
- the Summary sheet's "Percent ..." measures as fractions with a % format;
- the marking in the header and footer of every page, "Page N of M", the header row repeated
  on each page, A4, landscape and one page wide when wider than a portrait page.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from numbers import Number
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from workbench.progress import Progress, no_progress
from workbench.reports.xlsx_print import PERCENT_MEASURE, PORTRAIT_WIDTH, is_formula_like

HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3A5F", "pattern": 1,
          "text_wrap": True, "valign": "top"}  # fmt: skip
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
WIDE = 60  # characters: long text columns wrap at this width
A4 = 9
# XlsxWriter adds Excel's cell padding (5 pixels of a 7-pixel digit) to a column's width;
# the widths here are the text's, as the workbook has always given them.
PADDING = 5 / 7


class _Formats:
    """The workbook's few cell formats, made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        add = book.add_format
        self.header = add(HEADER)
        self.date, self.datetime = (
            add({"num_format": DATE_FORMAT}),
            add({"num_format": DATETIME_FORMAT}),
        )
        # Dates among other values (the About sheet), in the formats pandas gave them.
        self.plain_date = add({"num_format": "YYYY-MM-DD"})
        self.plain_datetime = add({"num_format": "YYYY-MM-DD HH:MM:SS"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.quoted = add({"quote_prefix": True})
        self.quoted_wrap = add({"quote_prefix": True, "text_wrap": True, "valign": "top"})
        self.percent, self.percent_1 = add({"num_format": "0%"}), add({"num_format": "0.0%"})


def _width(name: str, column: pd.Series) -> int:
    return max([len(str(name))] + [len(str(v)) for v in column.head(200) if v is not None])


def _footer_text(marking: str) -> str:
    return marking.replace("&", "&&")


def _write_value(
    sheet: Worksheet,
    row: int,
    col: int,
    value: Any,
    formats: _Formats,
    date_format: Format | None,
    wrap: bool,
) -> None:
    if isinstance(value, str):
        if is_formula_like(value):
            sheet.write_string(row, col, value, formats.quoted_wrap if wrap else formats.quoted)
        else:
            sheet.write_string(row, col, value, formats.wrap if wrap else None)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, date_format or formats.plain_datetime)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, date_format or formats.plain_date)
    elif isinstance(value, Number):
        number = float(value)  # type: ignore[arg-type]
        if not math.isnan(number):
            sheet.write_number(row, col, number)
    else:
        sheet.write_string(row, col, str(value), formats.wrap if wrap else None)


def _write_sheet(
    book: xlsxwriter.Workbook, formats: _Formats, name: str, frame: pd.DataFrame, marking: str
) -> None:
    sheet = book.add_worksheet(name)
    columns = [str(c) for c in frame.columns]
    sheet.write_row(0, 0, columns, formats.header)
    layout = []
    for index, (column_name, column) in enumerate(frame.items()):
        width = _width(str(column_name), column)
        sheet.set_column(index, index, min(max(width + 2, 10), WIDE) - PADDING)
        date_format = None
        if str(column.dtype).startswith("datetime64"):
            date_format = formats.datetime if str(column_name).endswith("(UTC)") else formats.date
        layout.append((date_format, width > WIDE))
    cells = frame.astype(object).where(frame.notna(), None)
    percents = name == "Summary"
    for r, values in enumerate(cells.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(values):
            if value is None:
                continue
            if percents and c == 1 and _a_percentage(values[0], value):
                fmt = formats.percent if float(value).is_integer() else formats.percent_1
                sheet.write_number(r, c, value / 100, fmt)
                continue
            _write_value(sheet, r, c, value, formats, *layout[c])
    last_row, last_col = len(frame), max(len(columns) - 1, 0)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last_row, last_col)
    total = sum(min(max(_width(str(n), col) + 2, 10), WIDE) for n, col in frame.items())
    if total > PORTRAIT_WIDTH:
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
    text = _footer_text(marking)
    sheet.set_header(f"&C{text}")
    sheet.set_footer(f"&C{text}&RPage &P of &N")
    sheet.repeat_rows(0)
    sheet.set_paper(A4)


def _a_percentage(label: object, value: object) -> bool:
    return (
        isinstance(label, str)
        and label.startswith(PERCENT_MEASURE)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    )


def write_workbook(
    path: Path,
    frames: dict[str, pd.DataFrame],
    marking: str,
    properties: dict[str, str],
    progress: Progress = no_progress,
) -> None:
    """Every frame as a sheet, in order, with the document's ``properties`` (title, author,
    subject, keywords, comments)."""
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}  # fmt: skip
    book = xlsxwriter.Workbook(str(path), options)
    formats = _Formats(book)
    for number, (name, frame) in enumerate(frames.items(), start=1):
        _write_sheet(book, formats, name, frame, marking)
        progress(number, len(frames), f"Writing the {name} sheet")
    book.set_properties(properties)
    book.close()
