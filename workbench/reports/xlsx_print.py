"""The workbook's sheets made safe to open and fit to print.

- **No formula injection.** A text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a
  tab or carriage return) is stored as text with Excel's *quote prefix* (the hidden
  apostrophe), so neither Excel nor LibreOffice will ever run it as a formula, even after the
  cell is edited: a case reference or a rationale comes from outside and may be hostile.
- **Print as people print.** A sheet wider than an A4 page is set to landscape and scaled to
  fit the page's width (as many pages down as it takes).
- **Percentages are fractions** (0.73) with a % format, so Excel computes with them and shows
  73%.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PORTRAIT_WIDTH = 95  # characters of column width that fit across a portrait A4 page
PERCENT_MEASURE = "Percent "  # the Summary sheet's measures that are percentages


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def protect_text(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Every text cell that a spreadsheet could take for a formula is marked as text
    (``frame``: what the sheet's rows below its header were written from; only its text
    columns are searched, and only the cells found are touched)."""
    for index, (_name, column) in enumerate(frame.items(), start=1):
        if column.dtype.kind in "biufmM":  # numbers, flags and dates hold no text
            continue
        texts = column.map(lambda v: isinstance(v, str) and is_formula_like(v))
        for row in texts.to_numpy().nonzero()[0]:
            cell = sheet.cell(row=int(row) + 2, column=index)
            if cell.data_type == "f":  # openpyxl took text beginning "=" for a formula
                cell.data_type = "s"
            cell.quotePrefix = True


def fit_to_print(sheet: Worksheet) -> None:
    """Landscape, one page wide, when the columns are wider than a portrait page."""
    width = sum(
        sheet.column_dimensions[get_column_letter(i)].width or 10
        for i in range(1, sheet.max_column + 1)
    )
    if width <= PORTRAIT_WIDTH:
        return
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need


def percentages_as_fractions(sheet: Worksheet) -> None:
    """The Summary sheet's "Percent ..." measures: 73 -> 0.73 shown as 73%."""
    for label, value in sheet.iter_rows(min_row=2, max_col=2):
        if not (isinstance(label.value, str) and label.value.startswith(PERCENT_MEASURE)):
            continue
        if isinstance(value.value, int | float) and not isinstance(value.value, bool):
            whole = float(value.value).is_integer()
            value.value = value.value / 100
            value.number_format = "0%" if whole else "0.0%"
