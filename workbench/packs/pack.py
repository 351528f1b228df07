"""Exporting a findings pack from an inspector's store (importing: ``packs.importing``).

A pack holds everything this store's user recorded for one inspection: their assessments
(with stage judgements and prompt answers), the referrals they raised with the responses they
recorded to them, and this store's audit events about the inspection. It is
encrypted to the inspection's X25519 key and signed by this store's device key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import (
    Assessment,
    Case,
    ChainHead,
    DeviceKey,
    Inspection,
    Moderation,
    Referral,
    ReferralEvent,
)
from db.types import utcnow
from workbench import audit, crypto
from workbench.identity import identity, require_user_name
from workbench.packs import container, payload, records
from workbench.packs.document import PackDocument
from workbench.packs.keys import device_key, inspection_key, public_of
from workbench.packs.trail import AuditTrail
from workbench.progress import Progress, no_progress
from workbench.services.inspections import get_inspection

SCHEME = "x25519-hkdf-sha256-aes256gcm"
MAX_PACK_BYTES = container.MAX_FILE_BYTES
STORE_LEVEL = ("identity",)


@dataclass(frozen=True)
class PackExport:
    path: Path
    inspector: str
    fingerprint: str
    inspection_fingerprint: str
    assessments: int
    referrals: int
    responses: int
    audit_events: int
    size: int


# -- export ---------------------------------------------------------------------------------


def _relevant_ids(session: Session, inspection_id: str) -> set[str]:
    """Every id in this store that belongs to the inspection (for choosing audit events)."""
    in_inspection = Case.inspection_id == inspection_id
    queries = [
        select(Case.id).where(in_inspection),
        select(Assessment.id).join(Case).where(in_inspection),
        select(Referral.id).join(Case).where(in_inspection),
        select(ReferralEvent.id).join(Referral).join(Case).where(in_inspection),
        select(Moderation.id).join(Case, Case.id == Moderation.case_id).where(in_inspection),
    ]
    ids = {inspection_id}
    for query in queries:
        ids.update(session.scalars(query))
    from workbench.followup.pack_records import relevant_ids

    ids.update(relevant_ids(session, inspection_id))
    return ids


def collect(session: Session, inspection: Inspection, inspector: str) -> PackDocument:
    """What this store's user recorded for the inspection, as a pack document."""
    conn = session.connection()
    in_inspection = Case.inspection_id == inspection.id
    assessment_ids = list(
        session.scalars(
            select(Assessment.id)
            .join(Case)
            .where(in_inspection, Assessment.inspector == inspector)
            .order_by(Assessment.id)
        )
    )
    referral_ids = list(
        session.scalars(
            select(Referral.id).join(Case).where(in_inspection, Referral.raised_by == inspector)
        )
    )
    from workbench.followup.pack_records import pack_section as followup_section

    origin = identity(session).id
    relevant = _relevant_ids(session, inspection.id)
    lines = records.audit_lines(
        conn, origin, lambda entity, entity_id: entity_id in relevant or entity in STORE_LEVEL
    )
    return PackDocument(
        inspection_id=inspection.id,
        inspector=inspector,
        origin=origin,
        exported_at=payload.timestamp(utcnow()) or "",
        methodology_id=inspection.methodology_id,
        methodology_version=inspection.methodology_version,
        # each in canonical form (keys in order), as its digest is taken: see ``to_json``
        assessments=[records.canonical(a) for a in records.assessments(conn, assessment_ids)],
        referrals=records.referrals(conn, referral_ids),
        referral_events=[
            event
            for event in records.referral_events(conn, referral_ids, by="referral_id")
            if event["recorded_by"] == inspector
        ],
        audit=AuditTrail.of_lines(lines),
        followup=followup_section(session, inspection.id, inspector),
    )


def write_pack(
    path: Path,
    document: dict[str, Any],
    lines: list[bytes],
    public: crypto.InspectionPublic,
    device: DeviceKey,
    header_of: dict[str, Any] | None = None,
) -> bytes:
    """Encrypt a pack's document and audit lines to the inspection's key, sign the file with
    this store's device key and write it (atomically); the file's bytes. The header names
    the inspection and time of ``header_of`` (by default, of the document itself)."""
    ephemeral, key = crypto.new_pack_key(public.encrypt)
    header_of = header_of or document
    header = {
        "magic": container.MAGIC,
        "format": container.FORMAT,
        "kind": "pack",
        "inspection_id": header_of["inspection_id"],
        "created_at": header_of["exported_at"],
        "signer": {
            "key": crypto.b64(bytes.fromhex(device.public_key)),
            "fingerprint": device.fingerprint,
        },
        "encryption": {
            "scheme": SCHEME,
            "recipient": public.fingerprint,
            "ephemeral": crypto.b64(ephemeral),
        },
    }
    body = payload.encode_pack(document, lines)
    sealed = crypto.seal(key, body, container.encode_header(header))
    return container.write(path, header, sealed, bytes.fromhex(device.private_key))


def export_pack(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> PackExport:
    """Write this store's findings for the inspection to ``out`` (a ``.wbpack`` file).

    The export is an audit event (the last the pack carries), and the head of the chain the
    pack carries is recorded here (``ChainHead`` of kind ``exported``): the lead's store
    keeps the same head, so removing or rewriting events afterwards shows at either end."""
    path = Path(out)
    progress(0, 3, "Collecting your findings…")
    with store.sessions.begin() as session:
        inspector = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        public = public_of(inspection_key(session, inspection.id))
        device = device_key(session)
        audit.record(
            session, inspector, "export_pack", "inspection", inspection.id, "", None,
            {"file": path.name, "fingerprint": device.fingerprint},
        )  # fmt: skip
        session.flush()
        document = collect(session, inspection, inspector)
        trail = document.audit
        session.add(
            ChainHead(
                kind="exported", origin=document.origin, inspection_id=inspection.id,
                last_seq=trail.seqs[-1], last_hash=trail.digests(len(trail) - 1)[0].hex(),
                source=path.name[-500:],
            )
        )  # fmt: skip
        progress(1, 3, "Encrypting…")
        data = write_pack(path, document.to_json(), trail.lines, public, device)
        progress(2, 3, "Writing the pack…")
        fingerprint = device.fingerprint
    progress(3, 3, "Done")
    return PackExport(
        path=path,
        inspector=inspector,
        fingerprint=fingerprint,
        inspection_fingerprint=public.fingerprint,
        assessments=len(document.assessments),
        referrals=len(document.referrals),
        responses=len(document.referral_events),
        audit_events=len(document.audit),
        size=len(data),
    )
