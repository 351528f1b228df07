"""Reading a spreadsheet (CSV in UTF-8, or XLSX) into a table of strings.

Imports work on text: every cell is a stripped string ("" when empty), so that each import
decides for itself what a cell means and can name the cell when it cannot. Column names are
normalised ("Case Ref" -> ``case_ref``, "Stage: Initial contact" -> ``stage:initial_contact``)
and a ``_line`` column gives the line a person sees in the spreadsheet (the header is line 1),
which every row error quotes.

Anything wrong with the file as a whole is refused here with a ``WorkbenchError`` saying what
to do about it; the size, shape and content limits (``workbench.tabular_limits``) are checked
before the file is parsed.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from workbench import tabular_limits as limits
from workbench.errors import WorkbenchError

LINE = "_line"
MAX_ROWS = 200_000
MAX_COLUMNS = limits.MAX_COLUMNS
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t")
_ROW_IN_ERROR = re.compile(r"\brow (\d+)")
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(path: str | Path) -> pd.DataFrame:
    """The rows of a .csv/.txt (UTF-8) or .xlsx file as strings, with a ``_line`` column.

    Rows that are entirely empty are dropped (their line numbers are simply skipped).
    """
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"There is no file '{path}'. Check the name and the folder.")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES + XLSX_SUFFIXES:
        limits.check_file_size(path)
    if suffix in CSV_SUFFIXES:
        rows = _read_csv(path)
    elif suffix in XLSX_SUFFIXES:
        rows = _read_xlsx(path)
    else:
        hint = " Save it from Excel as 'Excel Workbook (.xlsx)'." if suffix == ".xls" else ""
        raise WorkbenchError(
            f"'{path.name}' is not a spreadsheet this workbench reads: use a .csv file saved "
            f"as 'CSV UTF-8' or an .xlsx workbook.{hint}"
        )
    return _frame(path.name, rows)


def require_columns(
    df: pd.DataFrame, required: Iterable[str], optional: Iterable[str], source: str
) -> None:
    """Refuse a table that lacks a required column or has a column nobody reads."""
    required, optional = list(required), list(optional)
    found = [c for c in df.columns if c != LINE]
    missing = [c for c in required if c not in found]
    if missing:
        raise WorkbenchError(
            f"'{source}' is missing the {_plural('column', missing)} {_quoted(missing)}. "
            f"Columns found: {_quoted(found) or 'none'}. "
            f"Required: {_quoted(required)}; optional: {_quoted(optional) or 'none'}."
        )
    allowed = set(required) | set(optional)
    unknown = [c for c in found if c not in allowed]
    if unknown:
        one = len(unknown) == 1
        raise WorkbenchError(
            f"'{source}' has {'a column' if one else 'columns'} this import does not use: "
            f"{_quoted(unknown)}. Rename or remove {'it' if one else 'them'}; "
            f"the columns allowed are {_quoted(required + optional)}."
        )


def normalise_header(name: str) -> str:
    """``" Case Ref "`` -> ``case_ref``; ``"Stage: Initial contact"`` -> ``stage:initial_contact``.

    Hyphens count as spaces, so ``case-ref`` is ``case_ref`` too.
    """
    parts = [re.sub(r"[\s\-]+", "_", part.strip().lower()) for part in name.split(":")]
    return ":".join(parts)


def _plural(word: str, items: list) -> str:
    return word if len(items) == 1 else f"{word}s"


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise WorkbenchError(
            f"'{path.name}' is not in UTF-8 (the first character that is not is on line {line}). "
            "In Excel use File > Save As and choose 'CSV UTF-8 (Comma delimited)'; in other "
            "programs save it as 'CSV UTF-8'."
        ) from None
    if not text.strip():
        raise WorkbenchError(f"'{path.name}' is empty: it has no column names and no rows.")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    limits.check_csv_shape(path.name, text, delimiter)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            nrows=MAX_ROWS + 2,
        )
    except pd.errors.ParserError as exc:
        raise WorkbenchError(_parser_message(path.name, str(exc))) from None
    except pd.errors.EmptyDataError:
        raise WorkbenchError(
            f"'{path.name}' is empty: it has no column names and no rows."
        ) from None


def _parser_message(name: str, detail: str) -> str:
    detail = " ".join(detail.split())
    fields = _FIELD_COUNT.search(detail)
    if fields:
        expected, line, saw = fields.groups()
        return (
            f"'{name}' is not a well-formed CSV file: line {line} has {saw} cells but the header "
            f"has {expected}. Check that row; a cell containing a comma must be in double quotes."
        )
    match = _ROW_IN_ERROR.search(detail)
    # pandas counts records from 0 in "row N" (the header is row 0).
    where = f" at line {int(match[1]) + 1}" if match else ""
    if "EOF inside string" in detail:
        reason = 'a quotation mark (") is opened and never closed'
    else:
        reason = detail.split("C error: ", 1)[-1].rstrip(".")
    return f"'{name}' is not a well-formed CSV file{where}: {reason}. Check that row."


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> pd.DataFrame:
    from openpyxl import load_workbook

    not_workbook = WorkbenchError(
        f"'{path.name}' is not an Excel workbook this workbench can read (it may be damaged, "
        "password-protected, or another kind of file renamed to .xlsx). Open it in Excel and "
        "save it again as 'Excel Workbook (.xlsx)', or save it as 'CSV UTF-8'."
    )
    if not zipfile.is_zipfile(path):
        raise not_workbook
    try:
        limits.check_xlsx_archive(path)
    except zipfile.BadZipFile:
        raise not_workbook from None
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, BadZipFile...)
        raise not_workbook from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise not_workbook
        formulas: list = []
        rows = list(_limited(_cell_rows(sheet.iter_rows(), formulas), MAX_ROWS + 2))
        limits.refuse_formulas(path.name, formulas)
    except WorkbenchError:
        raise
    except Exception:
        raise not_workbook from None
    finally:
        book.close()
    if not rows:
        raise WorkbenchError(f"'{path.name}' is empty: its first sheet has no cells.")
    width = max(len(row) for row in rows)
    limits.check_cell_count(path.name, len(rows), width)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=str)


def _cell_rows(rows: Iterable[tuple], formulas: list) -> Iterator[list[str]]:
    """Each row's cells as text; a formula cell is named in ``formulas`` (never evaluated)."""
    for line, row in enumerate(rows, start=1):
        if any(getattr(cell, "value", None) not in (None, "") for cell in row[MAX_COLUMNS:]):
            raise WorkbenchError(
                f"Line {line} of the sheet has cells beyond column {MAX_COLUMNS}; "
                "remove them or move the data into fewer columns."
            )
        values = []
        for position, cell in enumerate(row[:MAX_COLUMNS]):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", "") == "f" and len(formulas) < 50:
                formulas.append(limits.formula_error(line, position, str(value)))
            values.append(value)
        cells = [_cell_text(value) for value in values]
        while cells and cells[-1] == "":
            cells.pop()
        yield cells


def _limited(rows: Iterator[list[str]], limit: int) -> Iterator[list[str]]:
    for count, row in enumerate(rows, start=1):
        yield row
        if count >= limit:
            return


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------
# Shared: header, empty rows, line numbers
# ---------------------------------------------------------------------------------------


def _frame(name: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Turn the raw grid (header in row 0) into the normalised table."""
    header = [normalise_header(str(value).strip()) for value in raw.iloc[0]]
    limits.refuse_control_characters(name, raw, header)
    raw = raw.apply(lambda column: column.str.strip())
    body = raw.iloc[1:]
    if len(body) > MAX_ROWS:
        raise WorkbenchError(
            f"'{name}' has more than {MAX_ROWS:,} rows; split it into smaller files."
        )
    keep = []
    for position, column in enumerate(header):
        if column:
            keep.append(position)
        elif (body.iloc[:, position] != "").any():
            raise WorkbenchError(
                f"Column {_column_letter(position)} of '{name}' has values but no name on "
                "line 1; give it a name or remove it."
            )
    if not keep:
        raise WorkbenchError(f"'{name}' has no column names on line 1.")
    names = [header[p] for p in keep]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise WorkbenchError(
            f"'{name}' has more than one column called {_quoted(duplicates)} (after ignoring "
            "case and spaces); keep one of each."
        )
    table = body.iloc[:, keep].copy()
    table.columns = names
    table[LINE] = range(2, len(body) + 2)
    table = table[(table[names] != "").any(axis=1)].reset_index(drop=True)
    if table.empty:
        raise WorkbenchError(
            f"'{name}' has column names but no rows below them; add the rows and try again."
        )
    return table


_column_letter = limits.column_letter


def fingerprint(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, recorded with each import to identify what was read."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def rows_phrase(count: int) -> str:
    """``1 row`` / ``3 rows``, for messages about a spreadsheet."""
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def records(table: pd.DataFrame) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as (line, {column: text}); much faster than ``iterrows`` or ``apply``."""
    columns = [c for c in table.columns if c != LINE]
    lists = [table[c].tolist() for c in columns]
    for line, *values in zip(table[LINE].tolist(), *lists, strict=True):
        yield int(line), dict(zip(columns, values, strict=True))
