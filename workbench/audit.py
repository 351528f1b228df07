"""The append-only, hash-chained audit trail.

Each store appends events to its own chain (``origin`` = the store's identity id).
An event's hash covers its fields and the previous event's hash, so editing or removing
a past event (other than the newest) is detected by ``verify``. Events imported from
other stores keep their origin and hashes, so their chains verify here too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, new_id
from db.types import utcnow

GENESIS = "0" * 64


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def event_hash(
    *,
    origin: str,
    origin_seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    field: str,
    old_value: str | None,
    new_value: str | None,
    prev_hash: str,
    id: str,
) -> str:
    payload = json.dumps(
        [
            id,
            origin,
            origin_seq,
            at.isoformat(timespec="microseconds"),
            actor,
            action,
            entity,
            entity_id,
            field,
            old_value,
            new_value,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent) -> str:
    return event_hash(
        id=event.id,
        origin=event.origin,
        origin_seq=event.origin_seq,
        at=event.at,
        actor=event.actor,
        action=event.action,
        entity=event.entity,
        entity_id=event.entity_id,
        field=event.field,
        old_value=event.old_value,
        new_value=event.new_value,
        prev_hash=event.prev_hash,
    )


class _Chain:
    """Where the next event of this store's chain goes; read once per transaction."""

    def __init__(self, session: Session) -> None:
        from workbench.store import identity

        self.origin = identity(session).id
        last = session.execute(
            select(AuditEvent.origin_seq, AuditEvent.hash)
            .where(AuditEvent.origin == self.origin)
            .order_by(AuditEvent.origin_seq.desc())
            .limit(1)
        ).first()
        self.origin_seq, self.prev_hash = (last[0], last[1]) if last else (0, GENESIS)
        self.seq = session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0

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
        self.origin_seq += 1
        self.seq += 1
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
        digest = event_hash(**values)
        event = AuditEvent(seq=self.seq, hash=digest, **values)
        session.add(event)
        self.prev_hash = digest
        return event


def chain(session: Session) -> _Chain:
    """This session's chain cursor, read from the store once per session.

    Code that inserts audit events by other means (a pack merge) must call
    ``forget_chain`` afterwards so the next event is numbered from the store again.
    """
    cursor = session.info.get("audit_chain")
    if cursor is None:
        cursor = session.info["audit_chain"] = _Chain(session)
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


def verify(session: Session) -> ChainReport:
    """Check every origin's chain: sequence without gaps, links and hashes."""
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.origin, AuditEvent.origin_seq))
    count, origins = 0, set()
    expected_prev, expected_seq, origin = GENESIS, 1, None
    for event in rows:
        count += 1
        if event.origin != origin:
            origin, expected_prev, expected_seq = event.origin, GENESIS, 1
            origins.add(origin)
        if event.origin_seq != expected_seq:
            return ChainReport(
                count, len(origins), event, f"event {expected_seq} of chain {origin} is missing"
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                count, len(origins), event, "it does not follow the event before it (link broken)"
            )
        if hash_of(event) != event.hash:
            return ChainReport(
                count,
                len(origins),
                event,
                "its content does not match its hash (edited after it was written)",
            )
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return ChainReport(count, len(origins))


def describe(event: AuditEvent) -> str:
    return (
        f"audit event #{event.seq} ({event.id}) at {event.at:%d/%m/%Y %H:%M:%S} UTC by "
        f"{event.actor}: {event.action} {event.entity} {event.entity_id} {event.field}"
    )
