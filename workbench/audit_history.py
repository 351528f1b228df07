"""A case's history: who changed what, when, the old and new value, and from which store.

Gathered from this store's own events and from every received segment (the events of the
inspectors' stores, as their packs carried them), about the case, its assessments, referrals,
responses and moderation, in time order.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import (
    Assessment,
    AuditEvent,
    AuditSegment,
    Case,
    ImportLog,
    Moderation,
    Referral,
    ReferralEvent,
)
from workbench.identity import identity
from workbench.packs.records import chunks
from workbench.services.inspections import case_by_id, get_case, get_inspection


@dataclass(frozen=True)
class HistoryEntry:
    at: str  # ISO 8601 UTC
    actor: str
    action: str
    entity: str
    entity_id: str
    field: str
    old_value: str | None
    new_value: str | None
    store: str  # "this store", or whose store the event came from

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def case_history(store: Store, inspection_id: str, reference: str) -> list[HistoryEntry]:
    """Every audit event about the case ``reference`` of the inspection, oldest first."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        return _history(session, get_case(session, inspection.id, reference.strip()))


def history_of_case(store: Store, case_id: str) -> tuple[str, list[HistoryEntry]]:
    """The case's reference and its history (``case_history``), by the case's id."""
    with store.sessions() as session:
        case = case_by_id(session, case_id)
        return case.reference, _history(session, case)


def _history(session: Session, case: Case) -> list[HistoryEntry]:
    referrals = list(session.scalars(select(Referral.id).where(Referral.case_id == case.id)))
    ids = {case.id, *referrals}
    ids.update(session.scalars(select(Assessment.id).where(Assessment.case_id == case.id)))
    ids.update(session.scalars(select(Moderation.id).where(Moderation.case_id == case.id)))
    for chunk in chunks(referrals):
        ids.update(
            session.scalars(select(ReferralEvent.id).where(ReferralEvent.referral_id.in_(chunk)))
        )
    own = identity(session).id
    senders = _senders(session)
    entries = []
    for chunk in chunks(sorted(ids)):
        for event in session.scalars(select(AuditEvent).where(AuditEvent.entity_id.in_(chunk))):
            entries.append(
                HistoryEntry(
                    event.at.isoformat(timespec="microseconds"), event.actor, event.action,
                    event.entity, event.entity_id, event.field, event.old_value,
                    event.new_value, "this store" if event.origin == own else event.origin,
                )
            )  # fmt: skip
    for segment in session.scalars(select(AuditSegment)):
        label = senders.get(segment.origin, f"store {segment.origin[:8]}")
        for line in _lines_about(zlib.decompress(segment.lines), ids):
            values = json.loads(line)
            if values[7] in ids:
                at, actor, action, entity, entity_id, field, old, new = values[3:11]
                entries.append(
                    HistoryEntry(
                        at, actor, action, entity, entity_id, field, old, new, f"{label}'s store"
                    )
                )
    return sorted(entries, key=lambda e: e.at)


def _lines_about(text: bytes, ids: set[str]) -> list[bytes]:
    """The lines of ``text`` naming one of ``ids`` as their entity (found with ``find``, in
    C, rather than by reading every line of a trail of hundreds of thousands)."""
    starts: set[int] = set()
    for ident in ids:
        needle = f'","{ident}","'.encode("ascii")
        at = text.find(needle)
        while at != -1:
            starts.add(text.rfind(b"\n", 0, at) + 1)
            at = text.find(needle, at + 1)
    found = []
    for start in sorted(starts):
        end = text.find(b"\n", start)
        found.append(text[start : end if end != -1 else len(text)])
    return found


def _senders(session: Session) -> dict[str, str]:
    """Whose store each origin is, from the packs imported from it."""
    found: dict[str, str] = {}
    for inspector, details in session.execute(
        select(ImportLog.inspector, ImportLog.details).where(ImportLog.kind == "pack")
    ):
        try:
            origin = json.loads(details or "{}").get("origin")
        except ValueError:
            continue
        if origin and inspector:
            found[origin] = inspector
    return found
