"""Forged packs, as an insider would make them: the real export code collects what an
inspector's store holds, the document is changed, and the pack is encrypted to the
inspection's key and signed with that inspector's real device key (``pack.write_pack``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from db.engine import Store
from workbench import audit
from workbench.identity import require_user_name
from workbench.packs.keys import device_key, inspection_key, public_of
from workbench.packs.pack import collect, write_pack
from workbench.services.inspections import get_inspection

Change = Callable[[dict, list[bytes]], list[bytes] | None]


def forge(store: Store, inspection_id: str, out: Path, change: Change) -> Path:
    """A pack of ``store``'s findings with ``change(document, lines)`` applied (it edits the
    document in place and may return new audit lines), signed with the store's device key."""
    with store.sessions.begin() as session:
        inspector = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        public = public_of(inspection_key(session, inspection.id))
        device = device_key(session)
        collected = collect(session, inspection, inspector)
        original = collected.to_json()
        document = json.loads(json.dumps(original))
        lines = list(collected.audit.lines)
        lines = change(document, lines) or lines
        write_pack(out, document, lines, public, device, header_of=original)
    return out


def relabelled(lines: list[bytes], actor: str) -> list[bytes]:
    """The trail with every event's actor replaced and the chain's hashes recomputed, so it
    is a well-formed chain of events ``actor`` recorded."""
    result, previous = [], audit.GENESIS
    for line in lines:
        values = dict(zip(audit.HASHED, json.loads(line), strict=True))
        values.update(actor=actor, prev_hash=previous)
        text = audit.event_line(values)
        previous = audit.line_hash(text)
        result.append(text.encode("utf-8"))
    return result


def renamed(document: dict, lines: list[bytes], name: str) -> list[bytes]:
    """The whole pack put in another inspector's name (its records and its trail)."""
    document["inspector"] = name
    for record in document["assessments"]:
        record["inspector"] = name
    for record in document["referrals"]:
        record["raised_by"] = name
    for record in document["referral_events"]:
        record["recorded_by"] = name
    return relabelled(lines, name)
