"""Column types: timestamps stored as ISO 8601 text in UTC, answers as canonical JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as ISO 8601 text in UTC (``2026-11-29T08:17:07.123456+00:00``).

    Naive values are refused rather than guessed at: every timestamp in the store is UTC.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(UTC)


class AnswerMap(TypeDecorator[dict]):
    """A mapping (prompt id -> answer) stored as canonical JSON text: keys sorted, compact.

    The same answers always give the same text, so bulk reads and writes pass it through and
    digests of a record agree in every store. Change it by assigning a new dict.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict | None, dialect: object) -> str:
        return canonical_json(value or {})

    def process_result_value(self, value: str | None, dialect: object) -> dict:
        return json.loads(value) if value else {}


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: object) -> str:
    """Keys sorted, no spaces, text as it is: the same value always gives the same text."""
    return _CANONICAL.encode(value)
