"""The imports log: every case sample, grades spreadsheet and findings pack imported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from db.engine import Store
from db.models import ImportLog, Inspection


@dataclass(frozen=True)
class ImportEntry:
    id: str
    kind: str
    source: str
    inspection_id: str | None
    inspection_title: str | None
    actor: str
    inspector: str | None
    fingerprint: str | None
    at: datetime
    added: int
    changed: int
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "source": self.source,
            "inspection_id": self.inspection_id,
            "actor": self.actor,
            "inspector": self.inspector,
            "fingerprint": self.fingerprint,
            "at": self.at.isoformat(),
            "added": self.added,
            "changed": self.changed,
            "details": self.details,
        }


def _details(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def list_imports(store: Store, inspection_id: str | None = None) -> list[ImportEntry]:
    """The imports, newest first (of one inspection when ``inspection_id`` is given)."""
    query = (
        select(ImportLog, Inspection.title)
        .outerjoin(Inspection, Inspection.id == ImportLog.inspection_id)
        .order_by(ImportLog.at.desc(), ImportLog.id)
    )
    if inspection_id is not None:
        query = query.where(ImportLog.inspection_id == inspection_id)
    with store.sessions() as session:
        return [
            ImportEntry(
                row.id,
                row.kind,
                row.source,
                row.inspection_id,
                title,
                row.actor,
                row.inspector,
                row.fingerprint,
                row.at,
                row.added,
                row.changed,
                _details(row.details),
            )
            for row, title in session.execute(query)
        ]
