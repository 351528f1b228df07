"""Limits on an imported spreadsheet, checked before it is parsed, and what cells may hold.

A spreadsheet comes from outside (a force's system, an email): a 1 MB .xlsx can expand to
gigabytes, a CSV line can have a hundred thousand cells, and a cell can carry a NUL or a
terminal escape sequence. Each is refused here in words, in bounded time and memory, before
pandas or openpyxl build anything big. The limits are stated in docs/spreadsheets.md.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from workbench.errors import ImportRefused, RowError, WorkbenchError

MAX_FILE_BYTES = 64 * 1024 * 1024  # the file as it is on disk
MAX_COLUMNS = 500
MAX_CELLS = 3_000_000  # rows times columns: 200,000 rows of 15 columns
MAX_EXPANDED_BYTES = 256 * 1024 * 1024  # an .xlsx's members, all uncompressed
MAX_RATIO = 100  # uncompressed / compressed, for any member larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
# C0 controls but tab, line feed and carriage return; DEL; C1 controls (ESC is \x1b).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_REPORTED = 50


def check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbenchError(
            f"'{path.name}' is {_megabytes(size)}; the workbench imports spreadsheets of up "
            f"to {_megabytes(MAX_FILE_BYTES)}. Split it into smaller files."
        )


def check_csv_shape(name: str, text: str, delimiter: str) -> None:
    """Columns on the header line and cells in the file, counted before pandas parses it."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    columns = header.count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise WorkbenchError(
            f"'{name}' has {columns:,} columns on line 1; the workbench reads at most "
            f"{MAX_COLUMNS} (an import uses a dozen or so). Check that it is the right file."
        )
    lines = text.count("\n") + 1
    if lines * columns > MAX_CELLS:
        raise WorkbenchError(
            f"'{name}' has about {lines * columns:,} cells ({lines:,} lines of {columns} "
            f"columns); the workbench imports at most {MAX_CELLS:,}. Split it into smaller files."
        )


def check_xlsx_archive(path: Path) -> None:
    """The workbook's members as declared in its zip directory: sizes and compression.

    Python's zipfile never inflates a member beyond its declared size (it stops and the
    checksum fails), so checking the declared sizes bounds what openpyxl can unpack.
    """
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    total = sum(member.file_size for member in members)
    if total > MAX_EXPANDED_BYTES:
        raise WorkbenchError(
            f"'{path.name}' expands to {_megabytes(total)} when opened; the workbench opens "
            f"workbooks of up to {_megabytes(MAX_EXPANDED_BYTES)} unpacked. It may be damaged "
            "or built to exhaust the computer; save the sheet as 'CSV UTF-8' and import that."
        )
    for member in members:
        if member.file_size <= RATIO_FROM:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_RATIO:
            raise WorkbenchError(
                f"'{path.name}' is not an ordinary workbook: its part '{member.filename}' "
                f"expands {ratio:,.0f} times ({_megabytes(member.compress_size)} to "
                f"{_megabytes(member.file_size)}), more than any spreadsheet's data does. "
                "Save the sheet as 'CSV UTF-8' and import that."
            )


def check_cell_count(name: str, rows: int, width: int) -> None:
    if rows * width > MAX_CELLS:
        raise WorkbenchError(
            f"'{name}' has {rows * width:,} cells ({rows:,} rows of {width} columns); the "
            f"workbench imports at most {MAX_CELLS:,}. Split it into smaller files."
        )


def refuse_formulas(name: str, found: list[RowError]) -> None:
    if found:
        what = "cell" if len(found) == 1 else "cells"
        holds = "holds a formula" if len(found) == 1 else "hold formulas"
        raise ImportRefused(
            f"{len(found):,} {what} of '{name}' {holds}; the workbench imports values, not "
            "formulas, so nothing was imported. In Excel select the cells, Copy, then Paste "
            "Special > Values, save, and import again.",
            found,
        )


def formula_error(line: int, column: int, formula: str) -> RowError:
    shown = formula if len(formula) <= 60 else formula[:59] + "…"
    return RowError(line, f"cell {column_letter(column)}{line} holds the formula {shown}")


def refuse_control_characters(name: str, table: pd.DataFrame, header: list[str]) -> None:
    """Refuse cells holding NUL, escape codes or other control characters, naming each."""
    found: list[RowError] = []
    for position, column in enumerate(header):
        cells = table.iloc[:, position]
        hits = cells[cells.str.contains(CONTROL, na=False)]
        for index, text in hits.items():
            line = int(index) + 1  # the raw grid's row 0 is line 1, the header
            found.append(RowError(line, _control_reason(text), column or column_letter(position)))
            if len(found) >= _REPORTED:
                break
    if found:
        found.sort(key=lambda error: error.line)
        raise ImportRefused(
            f"'{name}' has control characters in its cells (invisible codes such as NUL or "
            "a terminal escape, often from a damaged export); nothing was imported. Remove "
            "them from these cells and import again.",
            found,
        )


def _control_reason(text: str) -> str:
    char = CONTROL.search(text).group()  # type: ignore[union-attr]
    names = {"\x00": "NUL", "\x1b": "ESC (a terminal escape code)", "\x7f": "DEL"}
    return f"contains the control character {names.get(char, f'U+{ord(char):04X}')}"


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"
