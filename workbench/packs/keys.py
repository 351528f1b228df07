"""Keys in the store: the inspection's key pair, this store's device key, inspectors' keys.

- ``create_inspection_keys`` makes an inspection's key pair when the inspection is created;
  its private half is sealed under the lead's passphrase.
- ``device_key`` is this store's Ed25519 signing key (made on first use): packs exported
  from this store are signed with it. It is kept in the store unsealed, like the grades it
  signs: whoever can read the store can read everything in it anyway.
- The first pack from an inspector registers their device key for the inspection; a pack
  signed by any other key is refused until the lead re-registers (``reregister``) with the
  fingerprint the inspector reads out by phone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import DeviceKey, Inspection, InspectionKey, InspectorKey
from workbench import audit, crypto
from workbench.errors import NotFoundError, WorkbenchError
from workbench.identity import require_user_name
from workbench.packs.container import PackRefused
from workbench.services.inspections import get_inspection


def _aad(inspection_id: str, fingerprint: str) -> bytes:
    return f"inspection-key:{inspection_id}:{fingerprint}".encode()


def create_inspection_keys_in(
    session: Session, inspection: Inspection, passphrase: str, actor: str
) -> str:
    """Make the inspection's key pair inside the caller's transaction; its fingerprint."""
    crypto.check_new_passphrase(passphrase)
    if session.get(InspectionKey, inspection.id) is not None:
        raise WorkbenchError("This inspection already has its key pair; it cannot be replaced.")
    private = crypto.InspectionPrivate.generate()
    public = private.public
    blob, kdf = private.seal(passphrase, _aad(inspection.id, public.fingerprint))
    session.add(
        InspectionKey(
            inspection_id=inspection.id,
            sign_public=public.sign.hex(),
            encrypt_public=public.encrypt.hex(),
            fingerprint=public.fingerprint,
            private_blob=blob,
            kdf=kdf,
            source="created",
        )
    )
    audit.record(
        session, actor, "create", "inspection_key", inspection.id, "", None,
        {"fingerprint": public.fingerprint},
    )  # fmt: skip
    return public.fingerprint


def create_inspection_keys(store: Store, inspection_id: str, passphrase: str) -> str:
    """Make an inspection's key pair (one transaction, audited); returns its fingerprint."""
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        return create_inspection_keys_in(session, inspection, passphrase, actor)


def inspection_key(session: Session, inspection_id: str) -> InspectionKey:
    row = session.get(InspectionKey, inspection_id)
    if row is None:
        raise NotFoundError(
            "This inspection has no key pair in this store. The lead makes it with "
            "'workbench keys create --inspection ID'; an inspector gets it by opening the kit."
        )
    return row


def public_of(row: InspectionKey) -> crypto.InspectionPublic:
    return crypto.InspectionPublic(
        bytes.fromhex(row.sign_public), bytes.fromhex(row.encrypt_public)
    )


def unlock(session: Session, inspection_id: str, passphrase: str) -> crypto.InspectionPrivate:
    """The inspection's private keys, opened with the lead's passphrase."""
    row = inspection_key(session, inspection_id)
    if row.private_blob is None or row.kdf is None:
        raise WorkbenchError(
            "This store holds only the inspection's public key (it was set up from a kit), so "
            "it cannot open packs or issue kits. Do this in the lead inspector's store."
        )
    private = crypto.InspectionPrivate.unseal(
        row.private_blob, row.kdf, passphrase, _aad(inspection_id, row.fingerprint)
    )
    if private.public.fingerprint != row.fingerprint:
        raise WorkbenchError("The inspection's stored key does not match its fingerprint.")
    return private


def device_key(session: Session) -> DeviceKey:
    """This store's signing key, made on first use (inside the caller's transaction)."""
    row = session.scalars(select(DeviceKey).order_by(DeviceKey.created_at)).first()
    if row is None:
        private, public = crypto.new_signing_key()
        row = DeviceKey(
            public_key=public.hex(),
            private_key=private.hex(),
            fingerprint=crypto.fingerprint(public),
        )
        session.add(row)
        session.flush()
    return row


class UnknownKey(PackRefused):
    """A pack signed by another key than the one registered for its inspector."""

    def __init__(self, message: str, inspection_id: str, inspector: str, fingerprint: str):
        super().__init__(message, "unknown_key")
        self.inspection_id, self.inspector, self.fingerprint = inspection_id, inspector, fingerprint


def active_key(session: Session, inspection_id: str, inspector: str) -> InspectorKey | None:
    return session.scalars(
        select(InspectorKey).where(
            InspectorKey.inspection_id == inspection_id,
            InspectorKey.inspector == inspector,
            InspectorKey.active.is_(True),
        )
    ).first()


def admit_sender(
    session: Session, inspection_id: str, inspector: str, public: bytes, actor: str
) -> bool:
    """Check a pack's signing key against the inspector's; True if this registered it."""
    fingerprint = crypto.fingerprint(public)
    other = session.scalars(
        select(InspectorKey.inspector).where(
            InspectorKey.inspection_id == inspection_id,
            InspectorKey.fingerprint == fingerprint,
            InspectorKey.inspector != inspector,
            InspectorKey.active.is_(True),
        )
    ).first()
    if other is not None:
        raise PackRefused(
            f"This pack is in the name of {inspector}, but it is signed by the key {fingerprint}, "
            f"which is registered to {other} for this inspection. One device key speaks for one "
            "inspector; nothing was imported.",
            "key_of_another",
        )
    row = active_key(session, inspection_id, inspector)
    if row is None:
        session.add(
            InspectorKey(
                inspection_id=inspection_id,
                inspector=inspector,
                public_key=public.hex(),
                fingerprint=fingerprint,
                registered_by=actor,
            )
        )
        return True
    if row.fingerprint != fingerprint:
        raise UnknownKey(
            f"This pack from {inspector} is signed by the key {fingerprint}, but {inspector} "
            f"registered the key {row.fingerprint} on {row.registered_at:%d/%m/%Y}. If "
            f"{inspector} has a new laptop or store, confirm the new fingerprint with them by "
            "phone, then re-register it ('workbench keys reregister'); otherwise do not trust "
            "this pack.",
            inspection_id,
            inspector,
            fingerprint,
        )
    if row.public_key is None:
        row.public_key = public.hex()
    return False


def reregister(
    store: Store, inspection_id: str, inspector: str, fingerprint: str, reason: str = ""
) -> str:
    """Expect ``inspector``'s packs under the key with ``fingerprint`` from now on; the
    ``reason`` (a new laptop, say) is kept in the audit trail beside the change."""
    wanted = crypto.normalise_fingerprint(fingerprint)
    reason = reason.strip()[:2000]
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        old = active_key(session, inspection.id, inspector)
        if old is not None and old.fingerprint == wanted:
            return wanted
        if old is not None:
            old.active = False
        session.add(
            InspectorKey(
                inspection_id=inspection.id,
                inspector=inspector,
                fingerprint=wanted,
                registered_by=actor,
            )
        )
        session.flush()
        audit.record(
            session, actor, "update", "inspector_key", inspection.id, inspector,
            old.fingerprint if old else None, wanted,
        )  # fmt: skip
        if reason:
            audit.record(session, actor, "reason", "inspector_key", inspection.id, inspector,
                         None, reason)  # fmt: skip
        return wanted


@dataclass(frozen=True)
class RegisteredKey:
    inspector: str
    fingerprint: str
    registered_at: datetime
    registered_by: str
    active: bool


@dataclass(frozen=True)
class KeyReport:
    device_fingerprint: str
    inspection_id: str | None = None
    inspection_fingerprint: str | None = None
    holds_private_key: bool = False
    kdf: dict[str, object] | None = None
    inspectors: tuple[RegisteredKey, ...] = ()


def key_report(store: Store, inspection_id: str | None = None) -> KeyReport:
    """Fingerprints to read out by phone: this store's, the inspection's, inspectors'."""
    with store.sessions.begin() as session:
        device = device_key(session).fingerprint
        if inspection_id is None:
            return KeyReport(device)
        inspection = get_inspection(session, inspection_id)
        row = session.get(InspectionKey, inspection.id)
        rows = session.scalars(
            select(InspectorKey)
            .where(InspectorKey.inspection_id == inspection.id)
            .order_by(InspectorKey.inspector, InspectorKey.registered_at)
        )
        inspectors = tuple(
            RegisteredKey(r.inspector, r.fingerprint, r.registered_at, r.registered_by, r.active)
            for r in rows
        )
        if row is None:
            return KeyReport(device, inspection.id, inspectors=inspectors)
        kdf = {k: v for k, v in json.loads(row.kdf).items() if k != "salt"} if row.kdf else None
        return KeyReport(
            device, inspection.id, row.fingerprint, row.private_blob is not None, kdf, inspectors
        )
