"""Importing an inspection's case sample from a spreadsheet (CSV UTF-8 or XLSX).

Every row is checked before anything is written, and every problem is reported with its
line; one bad row refuses the whole file. A good file is written in one transaction: the
cases in one bulk insert, one audit event and one import log entry. The columns are
documented for users in ``docs/spreadsheets.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from db.bulk import bulk_insert, gc_paused
from db.engine import Store
from db.models import Case, new_id
from db.types import utcnow
from workbench import audit
from workbench.audit_cases import record_cases
from workbench.changes import Topic, publish
from workbench.errors import ImportRefused, RowError, WorkbenchError
from workbench.identity import require_user_name
from workbench.imports_log import log_import
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.services.inspections import get_inspection, methodology_of, parse_date
from workbench.tabular import LINE, fingerprint, read_table, require_columns, rows_phrase

REQUIRED = ("reference", "category")
OPTIONAL = ("unit", "opened_on", "closed_on", "child_ref", "force_grade", "assigned_to")
COLUMNS = (*REQUIRED, *OPTIONAL)
MAX_LENGTHS = {"reference": 100, "unit": 200, "child_ref": 100, "assigned_to": 200}


@dataclass(frozen=True)
class CaseImportResult:
    added: int
    log_id: str


def _mapped(values: list[str], parse: Callable[[str], Any]) -> list[Any]:
    """Parse each distinct cell text once: a sample repeats the same few categories and dates."""
    seen = {text: parse(text) for text in set(values)}
    return [seen[text] for text in values]


def refusal(errors: list[RowError], source: str) -> ImportRefused:
    """A whole spreadsheet refused for its bad rows (the grades import says the same)."""
    bad_lines = len({error.line for error in errors})
    return ImportRefused(
        f"{rows_phrase(bad_lines)} of {source} cannot be imported; nothing was imported.", errors
    )


def _date_or_reason(text: str) -> date | str | None:
    """The date in a cell, None for an empty cell, or the reason it is not a date."""
    if not text:
        return None
    try:
        return parse_date(text)
    except WorkbenchError:
        return f"'{text}' is not a date; write it as 2026-11-29 or 29/11/2026"


class CaseChecker:
    """Checks the whole table column by column (fast), collecting every problem by line.

    Working on whole columns as plain lists, with each distinct value parsed once, keeps a
    10,000-row sample well under a second.
    """

    def __init__(self, table: pd.DataFrame, method: Methodology, existing: set[str]) -> None:
        self.method, self.existing = method, existing
        self.lines = table[LINE].tolist()
        self.cells = {column: table[column].tolist() for column in COLUMNS}
        self._found: list[tuple[int, int, RowError]] = []

    def errors(self) -> list[RowError]:
        self._references()
        self.categories = self._categories()
        self.grades = self._force_grades()
        self.opened, self.closed = self._dates()
        for column, limit in MAX_LENGTHS.items():
            for i, text in enumerate(self.cells[column]):
                if len(text) > limit:
                    self._error(i, column, f"the text is longer than {limit} characters")
        return [error for _, _, error in sorted(self._found, key=lambda f: f[:2])]

    def _references(self) -> None:
        first: dict[str, int] = {}
        for i, reference in enumerate(self.cells["reference"]):
            if not reference:
                self._error(i, "reference", "the reference is empty")
            elif reference in first:
                other = self.lines[first[reference]]
                reason = f"the reference '{reference}' is also on line {other}"
                self._error(i, "reference", reason)
            else:
                first[reference] = i
                if reference in self.existing:
                    reason = f"the case '{reference}' is already in this inspection"
                    self._error(i, "reference", reason)

    def _categories(self) -> list[str | None]:
        found = _mapped(self.cells["category"], self.method.parse_category)
        allowed = ", ".join(self.method.category_ids)
        for i, category in enumerate(found):
            if category is None:
                text = self.cells["category"][i]
                what = f"'{text}' is not a category" if text else "the category is empty"
                self._error(i, "category", f"{what}; use one of {allowed}")
        return found

    def _force_grades(self) -> list[str | None]:
        grade_ids = self.method.grade_ids
        found = _mapped(self.cells["force_grade"], self.method.parse_grade)
        names = [g.name.lower() for g in self.method.grades]
        words = ", ".join(names[:-1]) + f" or {names[-1]}"
        for i, grade in enumerate(found):
            text = self.cells["force_grade"][i]
            if text and grade not in grade_ids:
                self._error(i, "force_grade", f"'{text}' is not a grade; use {words}")
        return found

    def _dates(self) -> tuple[list, list]:
        opened = _mapped(self.cells["opened_on"], _date_or_reason)
        closed = _mapped(self.cells["closed_on"], _date_or_reason)
        for i, (start, end) in enumerate(zip(opened, closed, strict=True)):
            for column, value in (("opened_on", start), ("closed_on", end)):
                if isinstance(value, str):
                    self._error(i, column, value)
            if isinstance(start, date) and isinstance(end, date) and end < start:
                reason = f"the case closed ({end:%d/%m/%Y}) before it opened ({start:%d/%m/%Y})"
                self._error(i, "closed_on", reason)
        return opened, closed

    def rows(
        self, defaults: dict[str, Any], only: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """The rows to insert (only those at the ``only`` positions, when given); only call
        when there are no errors."""
        cells = self.cells
        columns = (
            cells["reference"],
            self.categories,
            cells["unit"],
            self.opened,
            self.closed,
            cells["child_ref"],
            self.grades,
            cells["assigned_to"],
        )
        if only is not None:
            columns = tuple([column[i] for i in only] for column in columns)
        return [
            {
                **defaults,
                "id": new_id(),
                "reference": reference,
                "category": category,
                "unit": unit,
                "opened_on": opened,
                "closed_on": closed,
                "child_ref": child_ref or None,
                "force_grade": grade,
                "assigned_to": assigned_to or None,
            }
            for reference, category, unit, opened, closed, child_ref, grade, assigned_to in zip(
                *columns, strict=True
            )
        ]

    def _error(self, index: int, column: str, reason: str) -> None:
        self._found.append(
            (index, COLUMNS.index(column), RowError(self.lines[index], reason, column))
        )


def import_cases(
    store: Store, inspection_id: str, path: str | Path, progress: Progress = no_progress
) -> CaseImportResult:
    """Add the cases listed in a spreadsheet to an inspection, all or nothing.

    The collector is paused meanwhile (``db.bulk.gc_paused``); the rows are dropped when
    ``_import`` returns, before it resumes.
    """
    with gc_paused():
        return _import(store, inspection_id, Path(path), progress)


def _import(store: Store, inspection_id: str, path: Path, progress: Progress) -> CaseImportResult:
    progress(0, 3, f"Reading {path.name}")
    table = read_table(path)
    require_columns(table, REQUIRED, OPTIONAL, path.name)
    for column in OPTIONAL:
        if column not in table.columns:
            table[column] = ""
    digest = fingerprint(path)
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        method = methodology_of(inspection)
        existing = set(
            session.scalars(select(Case.reference).where(Case.inspection_id == inspection.id))
        )
        progress(1, 3, f"Checking {rows_phrase(len(table))}")
        now = utcnow()
        defaults = {
            "inspection_id": inspection.id,
            "methodology_version": inspection.methodology_version,
            "created_at": now,
        }
        checker = CaseChecker(table, method, existing)
        errors = checker.errors()
        if errors:
            raise refusal(errors, path.name)
        rows = checker.rows(defaults)
        progress(2, 3, f"Saving {len(rows):,} cases")
        bulk_insert(session.connection(), Case.__table__, rows)
        count = len(rows)
        audit.record(
            session,
            actor,
            "import",
            "inspection",
            inspection.id,
            "cases",
            None,
            {"file": path.name, "count": count, "sha256": digest, "in_trail": True},
        )
        record_cases(session, actor, inspection.id, "import", rows)
        log_id = log_import(
            session, "cases", path.name, inspection_id=inspection.id, actor=actor,
            added=count, changed=0, details={"path": str(path.resolve()), "rows": count},
            fingerprint=digest, at=now,
        )  # fmt: skip
    publish(store, Topic.CASES, Topic.IMPORTS, inspection_id=inspection.id)
    progress(3, 3, f"Imported {count:,} cases")
    return CaseImportResult(added=count, log_id=log_id)
