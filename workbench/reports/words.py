"""Dates and counts written as an inspectorate writes them: 29 November 2026, 29/11/2026."""

from __future__ import annotations

from datetime import date

from workbench.dates import LOCAL, local_date, long_date, short_date

__all__ = ["LOCAL", "fieldwork", "local_date", "long_date", "plural", "short_date"]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def fieldwork(start: date, end: date) -> str:
    return f"{long_date(start)} to {long_date(end)}"
