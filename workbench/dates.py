"""Dates as people here read them: 29 November 2026 or 29/11/2026, on the UK calendar.

The store keeps every moment in UTC; these turn one into the date a person in the UK saw.
Used by the reports, the command line and the window alike.
"""

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
