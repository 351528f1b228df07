"""Edits made against an older revision are refused: "changed by X at T; reload".

The caller says which revision it read (``grading.edit(..., revision=N)``, or when the
moderation it read was made); the record is locked for the rest of the transaction
(``SELECT ... FOR UPDATE`` on a server; SQLite has one writer at a time), so the check and
the write see the same row and no accepted edit is lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent
from workbench.errors import WorkbenchError


class StaleEdit(WorkbenchError):
    """The record changed since the user read it; nothing was saved."""


def when(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M:%S} UTC"


def last_writer(session: Session, entity: str, entity_id: str) -> str:
    """Who wrote the record's newest audit event (this store's own trail)."""
    actor = session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    return actor or "another user"


def refuse_stale(what: str, writer: str, at: datetime, seen: object, now: object) -> None:
    """Raise ``StaleEdit`` when ``seen`` (the revision the user read) is not ``now``."""
    if seen is not None and seen != now:
        raise StaleEdit(
            f"{what} was changed by {writer} at {when(at)}; reload it and make your change "
            "again. Nothing was saved."
        )
