"""Writing the imports log: one entry for every case sample (imported or drawn), grades
spreadsheet and findings pack imported, inside the import's own transaction (so an import
that fails leaves no entry of its own), and one for every pack refused, written after the
refusal in a transaction of its own (kind ``refused``, its reason in the details; the
inspection unknown when the pack named none this store holds).

Every importer writes its entry with ``log_import``; ``workbench.packs.imports_log`` reads
the log back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from db.models import ImportLog, new_id
from db.types import utcnow

Kind = Literal["cases", "grades", "pack", "sample", "refused"]
MAX_SOURCE = 500  # the column's width: a long path keeps its end (the file name)


def log_import(
    session: Session,
    kind: Kind,
    source: str,
    *,
    inspection_id: str | None,
    actor: str,
    added: int,
    changed: int,
    details: dict[str, Any],
    inspector: str | None = None,
    fingerprint: str | None = None,
    at: datetime | None = None,
) -> str:
    """Add the entry to the import's transaction; returns its id."""
    entry = ImportLog(
        id=new_id(),
        kind=kind,
        source=source[-MAX_SOURCE:],
        inspection_id=inspection_id,
        actor=actor,
        inspector=inspector,
        fingerprint=fingerprint,
        at=at or utcnow(),
        added=added,
        changed=changed,
        details=json.dumps(details, sort_keys=True),
    )
    session.add(entry)
    session.flush()
    return entry.id
