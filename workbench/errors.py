"""Errors raised for the user's input or environment.

Every ``WorkbenchError`` carries a message a person can act on. The UI shows it in a
message box, the CLI prints it to stderr and exits 1. Programming errors are not
``WorkbenchError`` and are allowed to surface as tracebacks.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """A refusal caused by input or environment, with a message for a person."""


class MethodologyError(WorkbenchError):
    """A methodology file is missing or malformed."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key}: {problem}")


class StoreError(WorkbenchError):
    """The store cannot be opened, migrated or written."""


class NotFoundError(WorkbenchError):
    """A named inspection, case or referral does not exist."""


class RowError:
    """One bad row of an imported spreadsheet: its line number and the reason."""

    __slots__ = ("line", "column", "reason")

    def __init__(self, line: int, reason: str, column: str = "") -> None:
        self.line, self.reason, self.column = line, reason, column

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"

    def __repr__(self) -> str:
        return f"RowError({self.line!r}, {self.reason!r}, {self.column!r})"


class ImportRefused(WorkbenchError):
    """A spreadsheet import refused as a whole; ``rows`` lists every bad row."""

    def __init__(self, summary: str, rows: list[RowError] | None = None) -> None:
        self.summary = summary
        self.rows = list(rows or [])
        lines = [summary] + [f"  {row}" for row in self.rows[:50]]
        if len(self.rows) > 50:
            lines.append(f"  ... and {len(self.rows) - 50} more rows")
        super().__init__("\n".join(lines))
