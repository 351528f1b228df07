"""When a recommendation is due, and which months a follow-up quarter covers.

A recommendation is due immediately (on publication), within a number of months of
publication, or by a date. Quarter 1 is the three months from publication, quarter 2 the
three after, and so on.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from workbench.dates import long_date
from workbench.errors import WorkbenchError

IMMEDIATELY, MONTHS, BY_DATE = "immediately", "months", "date"
MAX_MONTHS = 60
MAX_QUARTER = 40
_WITHIN = re.compile(r"^(?:within\s+)?(\d{1,3}|one|two|three|four|six|nine|twelve)\s+months?$")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12}
_NUMBER_WORDS = {v: k for k, v in _WORDS.items()}


@dataclass(frozen=True)
class Timeframe:
    kind: str  # immediately, months or date
    months: int | None = None
    by: date | None = None

    def due(self, published: date | None) -> date | None:
        """The due date, or None when it counts from a publication date not yet set."""
        if self.kind == BY_DATE:
            return self.by
        if published is None:
            return None
        return published if self.kind == IMMEDIATELY else add_months(published, self.months or 0)

    @property
    def words(self) -> str:
        """As the report's headings put it: immediately, within three months, by 1 May 2027."""
        if self.kind == IMMEDIATELY:
            return "immediately"
        if self.kind == MONTHS:
            n = self.months or 0
            return f"within {_NUMBER_WORDS.get(n, str(n))} month{'s' if n != 1 else ''}"
        return f"by {long_date(self.by)}"

    @property
    def text(self) -> str:
        """As written in an import file: immediately, within 3 months, by 2027-05-01."""
        if self.kind == MONTHS:
            return f"within {self.months} months"
        return "immediately" if self.kind == IMMEDIATELY else f"by {self.by}"

    @property
    def order(self) -> tuple[int, int, date]:
        """Immediately first, then by months, then by date."""
        kinds = {IMMEDIATELY: 0, MONTHS: 1, BY_DATE: 2}
        return (kinds[self.kind], self.months or 0, self.by or date.min)


def parse_timeframe(text: str) -> Timeframe:
    """'immediately', 'within 3 months' ('3 months', 'within three months') or 'by <date>'."""
    from workbench.services.inspections import parse_date

    words = " ".join(str(text).lower().split())
    if words == "immediately":
        return Timeframe(IMMEDIATELY)
    match = _WITHIN.match(words)
    if match:
        value = match.group(1)
        months = _WORDS[value] if value in _WORDS else int(value)
        if not 1 <= months <= MAX_MONTHS:
            raise WorkbenchError(f"'{text}': give between 1 and {MAX_MONTHS} months.")
        return Timeframe(MONTHS, months=months)
    if words.startswith("by "):
        return Timeframe(BY_DATE, by=parse_date(words[3:], "due date"))
    raise WorkbenchError(
        f"'{text}' is not a timeframe; write 'immediately', 'within 3 months' or 'by 2027-06-30'."
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_quarter(quarter: object) -> int:
    if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= MAX_QUARTER:
        raise WorkbenchError(f"The quarter must be a whole number from 1 to {MAX_QUARTER}.")
    return quarter


def quarter_period(published: date | None, quarter: int) -> tuple[date, date] | None:
    """The first and last day of a follow-up quarter, or None without a publication date."""
    if published is None:
        return None
    start = add_months(published, 3 * (quarter - 1))
    return start, add_months(published, 3 * quarter) - timedelta(days=1)


def period_words(published: date | None, quarter: int) -> str:
    """'December 2026 – February 2027' (the months a quarter covers), or '' when unknown."""
    period = quarter_period(published, quarter)
    if period is None:
        return ""
    start, end = period
    return f"{start:%B %Y} – {end:%B %Y}"
