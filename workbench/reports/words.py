"""Dates and counts written as an inspectorate writes them: 29 November 2026, 29/11/2026."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    LOCAL = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no time zone data on this machine: show UTC dates
    LOCAL = UTC


def local_date(moment: datetime | date | None) -> date | None:
    """The calendar date in the UK of a stored UTC moment (a plain date is returned as is)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(LOCAL).date()
    return moment


def long_date(moment: datetime | date | None, missing: str = "–") -> str:
    """29 November 2026."""
    day = local_date(moment)
    return missing if day is None else f"{day.day} {day:%B %Y}"


def short_date(moment: datetime | date | None, missing: str = "–") -> str:
    """29/11/2026."""
    day = local_date(moment)
    return missing if day is None else f"{day:%d/%m/%Y}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def fieldwork(start: date, end: date) -> str:
    return f"{long_date(start)} to {long_date(end)}"
