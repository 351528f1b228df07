"""Counts and periods written as an inspectorate writes them (dates: ``workbench.dates``)."""

from __future__ import annotations

from datetime import date

from workbench.dates import long_date


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def fieldwork(start: date, end: date) -> str:
    """2 November 2026 to 13 November 2026."""
    return f"{long_date(start)} to {long_date(end)}"
