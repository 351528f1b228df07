"""The append-only, hash-chained audit trail.

Each store appends events to its own chain (``origin`` = the store's identity id).
An event's hash covers its fields and the previous event's hash, so editing or removing
a past event (other than the newest) is detected by ``verify``. Events received from other
stores (in findings packs) keep their origin and hashes: they are kept as ``AuditSegment``
blocks of canonical lines, exactly the text each hash covers, so their chains verify here too.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, AuditSegment, ChainHead, new_id
from db.types import utcnow
from workbench.identity import identity

GENESIS = "0" * 64


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


HASHED = (
    "id", "origin", "origin_seq", "at", "actor", "action", "entity", "entity_id", "field",
    "old_value", "new_value", "prev_hash",
)  # fmt: skip
_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def event_line(values: dict[str, Any]) -> str:
    """The canonical text an event's hash covers: its ``HASHED`` fields as a JSON array, with
    ``at`` as ISO 8601 UTC text (a datetime is written so). One line: JSON escapes newlines."""
    at = values["at"]
    fields = [values[name] for name in HASHED]
    fields[3] = at.isoformat(timespec="microseconds") if isinstance(at, datetime) else at
    return _LINE.encode(fields)


def line_hash(line: str | bytes) -> str:
    return hashlib.sha256(line.encode("utf-8") if isinstance(line, str) else line).hexdigest()


def event_hash(**values: Any) -> str:
    """The hash of an event given as keyword arguments (the ``HASHED`` fields)."""
    return line_hash(event_line(values))


def hash_of(event: AuditEvent) -> str:
    return event_hash(**{name: getattr(event, name) for name in HASHED})


class _Chain:
    """Where the next event of this store's chain goes; read once per transaction."""

    def __init__(self, session: Session) -> None:
        self.origin = identity(session).id
        last = _last_event(session, self.origin)
        self.origin_seq, self.prev_hash = last
        self.seq = session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0
        self.head: ChainHead | None = None

    def note_head(self, session: Session) -> None:
        """Record where the chain now ends (``ChainHead`` of kind ``own``), so that removing
        its newest events shows; code that appends events in bulk calls this itself."""
        if self.head is None:
            self.head = session.scalars(
                select(ChainHead).where(ChainHead.kind == "own", ChainHead.origin == self.origin)
            ).first()
        if self.head is None:
            self.head = ChainHead(kind="own", origin=self.origin, last_seq=0, last_hash=GENESIS)
            session.add(self.head)
        self.head.last_seq, self.head.last_hash = self.origin_seq, self.prev_hash

    def values(self, actor: str, action: str, entity: str, entity_id: str, field: str,
               old: object, new: object) -> dict[str, Any]:  # fmt: skip
        """The next event's hashed fields, with the cursor moved on to it."""
        self.origin_seq += 1
        values = dict(
            id=new_id(),
            origin=self.origin,
            origin_seq=self.origin_seq,
            at=utcnow(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old_value=_text(old),
            new_value=_text(new),
            prev_hash=self.prev_hash,
        )
        self.prev_hash = event_hash(**values)
        return values

    def next(
        self,
        session: Session,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        field: str,
        old: object,
        new: object,
    ) -> AuditEvent:
        values = self.values(actor, action, entity, entity_id, field, old, new)
        self.seq += 1
        event = AuditEvent(seq=self.seq, hash=self.prev_hash, **values)
        session.add(event)
        self.note_head(session)
        return event


def _last_event(session: Session, origin: str) -> tuple[int, str]:
    """The sequence number and hash of the newest event of ``origin``'s chain held here."""
    last = session.execute(
        select(AuditEvent.origin_seq, AuditEvent.hash)
        .where(AuditEvent.origin == origin)
        .order_by(AuditEvent.origin_seq.desc())
        .limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def chain(session: Session) -> _Chain:
    """This session's chain cursor, read from the store once per session.

    Code that inserts audit events by other means (a pack merge) must call
    ``forget_chain`` afterwards so the next event is numbered from the store again.
    """
    cursor = session.info.get("audit_chain")
    if cursor is None:
        if session.get_bind().dialect.name == "postgresql":
            from workbench.server.chain import ServerChain

            cursor = ServerChain(session)
        else:
            cursor = _Chain(session)
        session.info["audit_chain"] = cursor
    return cursor


def forget_chain(session: Session) -> None:
    session.info.pop("audit_chain", None)


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    field: str = "",
    old: object = None,
    new: object = None,
) -> AuditEvent:
    """Append one event to this store's chain inside the caller's transaction."""
    return chain(session).next(session, actor, action, entity, entity_id, field, old, new)


@dataclass
class ChainReport:
    events: int
    origins: int
    broken_event: AuditEvent | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_event is None and not self.problem


def parse_line(line: str) -> AuditEvent:
    """An event (not added to any session) from its canonical line; ValueError if malformed."""
    values = json.loads(line)
    if not isinstance(values, list) or len(values) != len(HASHED):
        raise ValueError("not an audit event")
    event = AuditEvent(**dict(zip(HASHED, values, strict=True)))
    event.at = datetime.fromisoformat(values[3])
    event.hash = line_hash(line)
    return event


def received_events(session: Session) -> Iterator[AuditEvent]:
    """Events received from other stores (kept in segments, one canonical line each), by
    origin and sequence.

    Raises ``ValueError`` for a segment whose lines no longer end on the hash, span and
    count recorded when it was received (its last line edited, or lines removed)."""
    query = select(AuditSegment).order_by(AuditSegment.origin, AuditSegment.first_seq)
    for segment in session.scalars(query):
        lines = zlib.decompress(segment.lines).decode("utf-8").split("\n")
        events = [parse_line(line) for line in lines]
        span = (events[0].origin_seq, events[-1].origin_seq, len(events), events[-1].hash)
        if span != (segment.first_seq, segment.last_seq, segment.events, segment.last_hash):
            raise ValueError(
                f"the events received from {segment.origin} (from event {segment.first_seq} "
                f"to {segment.last_seq}) are not those recorded on receipt: edited since"
            )
        yield from events


def all_events(session: Session) -> Iterator[AuditEvent]:
    """Every event in this store, this store's own and received ones, by origin and sequence.

    Received segments are decompressed one at a time; an origin's events are either rows or
    segments (a store's own events are rows, other stores' are segments)."""
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.origin, AuditEvent.origin_seq))
    yield from rows
    yield from received_events(session)


def verify(session: Session) -> ChainReport:
    """Check every origin's chain: sequence without gaps, links and hashes."""
    count, origins = 0, set()
    expected_prev, expected_seq, origin = GENESIS, 1, None
    try:
        for event in all_events(session):
            count += 1
            if event.origin != origin:
                origin, expected_prev, expected_seq = event.origin, GENESIS, 1
                origins.add(origin)
            problem = _problem(event, expected_seq, expected_prev)
            if problem:
                return ChainReport(count, len(origins), event, problem)
            expected_prev, expected_seq = event.hash, expected_seq + 1
    except (ValueError, TypeError, zlib.error) as exc:
        return ChainReport(
            count, len(origins), None, f"a received audit event is unreadable: {exc}"
        )
    return ChainReport(count, len(origins))


def _problem(event: AuditEvent, expected_seq: int, expected_prev: str) -> str:
    if event.origin_seq != expected_seq:
        return f"event {expected_seq} of chain {event.origin} is missing"
    if event.prev_hash != expected_prev:
        return "it does not follow the event before it (link broken)"
    if hash_of(event) != event.hash:
        return "its content does not match its hash (edited after it was written)"
    return ""


def describe(event: AuditEvent) -> str:
    where = f"#{event.seq}" if event.seq is not None else f"{event.origin_seq} of {event.origin}"
    return (
        f"audit event {where} ({event.id}) at {event.at:%d/%m/%Y %H:%M:%S} UTC by "
        f"{event.actor}: {event.action} {event.entity} {event.entity_id} {event.field}"
    )
