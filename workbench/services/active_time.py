"""Time spent grading each assessment, estimated from its audit events' timestamps.

An inspector's edits of one assessment come in bursts: while they work, one change follows
another within minutes; a longer silence is a break (another case, lunch, the next day).
The *active editing time* of an assessment is the sum of the gaps between its consecutive
events, each gap counted up to ``IDLE`` (a longer gap counts as ``IDLE``: the reading that
preceded the next edit), plus ``IDLE`` for the reading before its first edit.

Events come from this store's own trail (rows) and from the trails received in packs
(segments). The trail only grows and a received segment never changes once stored, so what
has been read is kept per store for the process: a refresh reads only the events written or
received since, and works out again only the assessments they touch.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from db.models import AuditEvent, AuditSegment

IDLE = timedelta(minutes=5)
_EMPTY = pd.DataFrame({"entity_id": pd.Series(dtype=object), "at": pd.Series(dtype=object)})


def _rows(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # an open connection
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def _timed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(at=pd.to_datetime(frame["at"], utc=True, format="ISO8601"))


@dataclass
class _Known:
    """What has been read of one store's trail: up to which own event, which segments, the
    events themselves and the minutes worked out from them."""

    last_seq: int = 0
    segments: set[str] = field(default_factory=set)
    events: pd.DataFrame = field(default_factory=lambda: _timed(_EMPTY))
    minutes: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))


def _new_own_events(conn: Connection, known: _Known) -> pd.DataFrame:
    table = AuditEvent.__table__
    top = _rows(conn, "SELECT max(seq) FROM audit_event")[0][0] or 0
    if top <= known.last_seq:
        return _timed(_EMPTY)
    # By sequence only (the unique index on seq), the entity filtered here: a filter on the
    # entity in SQL would walk the entity index through every assessment event ever written.
    query = select(table.c.entity, table.c.entity_id, table.c.at).where(
        table.c.seq > known.last_seq, table.c.seq <= top
    )
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    known.last_seq = top
    rows = [(e, at) for kind, e, at in _rows(conn, str(compiled)) if kind == "assessment"]
    return _timed(pd.DataFrame(rows, columns=["entity_id", "at"]))


def _new_segment_events(conn: Connection, known: _Known) -> pd.DataFrame:
    table = AuditSegment.__table__
    ids = [row[0] for row in _rows(conn, str(select(table.c.id).compile(dialect=conn.dialect)))]
    frames = []
    for segment_id in ids:
        if segment_id in known.segments:
            continue
        query = select(table.c.lines).where(table.c.id == segment_id)
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        [(blob,)] = _rows(conn, str(compiled))
        frames.append(_parse_segment(blob))
        known.segments.add(segment_id)
    return pd.concat(frames, ignore_index=True) if frames else _timed(_EMPTY)


def _parse_segment(blob: bytes) -> pd.DataFrame:
    """The (assessment id, time) of each assessment event in a received segment."""
    found = []
    for line in zlib.decompress(blob).decode("utf-8").split("\n"):
        if '"assessment"' not in line:
            continue
        try:
            values = json.loads(line)
            if values[6] == "assessment":
                found.append((values[7], values[3]))
        except (ValueError, IndexError, TypeError):
            continue  # audit verify reports a damaged line; the estimate skips it
    return _timed(pd.DataFrame(found, columns=["entity_id", "at"]))


def active_minutes(conn: Connection) -> pd.Series:
    """Active editing minutes per assessment id (only assessments with events).

    Only the events written or received since the last call are read, and only the
    assessments they touch are worked out again."""
    key = str(conn.engine.url)
    known = _KNOWN.get(key)
    top = _rows(conn, "SELECT max(seq) FROM audit_event")[0][0] or 0
    if known is None or top < known.last_seq:  # a new store at the same address
        known = _KNOWN[key] = _Known()
    new = pd.concat(
        [_new_own_events(conn, known), _new_segment_events(conn, known)], ignore_index=True
    )
    if new.empty:
        return known.minutes
    known.events = pd.concat([known.events, new], ignore_index=True)
    touched = known.events[known.events["entity_id"].isin(set(new["entity_id"]))]
    again = editing_minutes(touched)
    kept = known.minutes[~known.minutes.index.isin(again.index)]
    known.minutes = pd.concat([kept, again])
    return known.minutes


def editing_minutes(events: pd.DataFrame) -> pd.Series:
    """Active minutes per ``entity_id`` from events (``entity_id``, ``at`` ISO text)."""
    if events.empty:
        return pd.Series(dtype=float)
    if not pd.api.types.is_datetime64_any_dtype(events["at"]):
        events = _timed(events)
    events = events.sort_values(["entity_id", "at"])
    gaps = events.groupby("entity_id")["at"].diff().fillna(IDLE).clip(upper=IDLE)
    return (gaps.groupby(events["entity_id"]).sum().dt.total_seconds() / 60).round(1)


_KNOWN: dict[str, _Known] = {}
