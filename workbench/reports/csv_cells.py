"""Cells for any CSV the workbench writes: text that a spreadsheet could run as a formula.

A CSV has no types: Excel and LibreOffice take a cell beginning with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return) for a formula when the file is opened. Such a cell is
written with a leading apostrophe, which both show as text (OWASP's "CSV injection"
advice). The XLSX workbook uses the quote prefix instead (``xlsx_write``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

from workbench.reports.xlsx_print import is_formula_like


def csv_cell(value: object) -> str:
    """The text of one cell, with an apostrophe before text that looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)  # a number is a number, "-3" included
    text = str(value)
    return f"'{text}" if is_formula_like(text) else text


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(value) for value in row] for row in rows)
