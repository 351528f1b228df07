"""Dates as people here read them: 29 November 2026 or 29/11/2026, on the UK calendar.

The store keeps every moment in UTC; these turn one into the date a person in the UK saw.
Used by the reports, the command line and the window alike.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UK_ZONE = "Europe/London"
NO_ZONE_DATA = (
    "no time zone data for {zone} on this machine, so dates are shown in UTC and a moment "
    "late in the evening in British Summer Time is shown on the next day; install the "
    "'tzdata' package to show UK dates"
)


def load_zone(key: str = UK_ZONE) -> tzinfo:
    """The time zone ``key``; UTC, with a warning in the log and on stderr, without its data.

    ``tzdata`` is a dependency where the system has no zone database (Windows), so this
    only falls back on a damaged installation; it must not do so silently.
    """
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        logging.getLogger("workbench.dates").warning(NO_ZONE_DATA.format(zone=key))
        return UTC


LOCAL = load_zone()


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
