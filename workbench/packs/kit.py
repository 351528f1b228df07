"""Inspection kits: issued by the lead to one inspector, opened in the inspector's store.

A kit holds the inspection, its methodology, the cases assigned to the inspector (or all of
them) and the inspection's public keys. It is signed by the inspection's signing key and,
because case references are sensitive, encrypted under a one-off kit code that the lead
tells the inspector separately (by phone, not in the email that carries the kit). Opening
it creates the inspection and its cases with the same ids as in the lead's store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Case, Inspection, InspectionKey
from db.types import utcnow
from workbench import audit, crypto
from workbench.audit_cases import record_cases
from workbench.changes import Topic, publish
from workbench.errors import NotFoundError, WorkbenchError
from workbench.identity import identity, require_user_name
from workbench.methodology import Methodology, load_methodology
from workbench.packs import container, payload
from workbench.packs.container import PackRefused
from workbench.packs.keys import unlock
from workbench.progress import Progress, no_progress
from workbench.services.assignment import record_kit_issue, withdrawn_cases
from workbench.services.inspections import get_inspection
from workbench.tabular_limits import CONTROL

SCHEME = "kit-code-hkdf-sha256-aes256gcm"
MAX_KIT_BYTES = 32 * 1024 * 1024
WHAT = "inspection kit"
INSPECTION = {
    "id": "id",
    "force": "str:200",
    "title": "str:400",
    "start_date": "date",
    "end_date": "date",
    "methodology_id": "str:100",
    "methodology_version": "str:40",
    "marking": "str:100",
    "fictional": "bool",
    "created_by": "str?:200",
    "created_at": "ts",
}
CASE = {
    "id": "id",
    "reference": "str:100",
    "category": "str:100",
    "unit": "str:200",
    "opened_on": "date?",
    "closed_on": "date?",
    "child_ref": "str?:100",
    "force_grade": "str?:40",
    "assigned_to": "str?:200",
    "methodology_version": "str:40",
    "created_at": "ts",
}
KIT = {"inspector": "str:200", "issued_by": "str:200", "issued_at": "ts"}


@dataclass(frozen=True)
class KitExport:
    path: Path
    inspector: str
    code: str
    fingerprint: str
    cases: int
    withdrawn: int = 0


@dataclass(frozen=True)
class KitImport:
    inspection_id: str
    title: str
    inspector: str
    fingerprint: str
    cases_added: int
    cases_updated: int
    user_name_set: bool


def _as_record(row: Any, spec: dict[str, str]) -> dict[str, Any]:
    record = {}
    for field, kind in spec.items():
        value = getattr(row, field)
        if kind.startswith("ts"):
            value = payload.timestamp(value)
        elif kind.startswith("date") and value is not None:
            value = value.isoformat()
        record[field] = value
    return record


def _kit_record(case: Case, inspector: str) -> dict[str, Any]:
    """A case as the kit carries it: for its second inspector the case is theirs to grade
    (blind dual grading: the kit does not say who graded it first)."""
    record = _as_record(case, CASE)
    if case.second_inspector == inspector and case.assigned_to != inspector:
        record["assigned_to"] = inspector
    return record


def assigned_inspectors(store: Store, inspection_id: str) -> list[str]:
    """The names cases are assigned to in the inspection (first or second inspector), for
    choosing whom a kit is for."""
    with store.sessions() as session:
        rows = session.execute(
            select(Case.assigned_to, Case.second_inspector).where(
                Case.inspection_id == inspection_id
            )
        ).all()
    return sorted({name for pair in rows for name in pair if name and name.strip()})


def _kit_cases(session: Session, inspection: Inspection, inspector: str, every: bool) -> list:
    query = select(Case).where(Case.inspection_id == inspection.id).order_by(Case.reference)
    if not every:
        query = query.where(or_(Case.assigned_to == inspector, Case.second_inspector == inspector))
    cases = list(session.scalars(query))
    if not cases:
        raise WorkbenchError(
            f"No cases in this inspection are assigned to {inspector}. Check the name, assign "
            "cases first, or issue a kit with every case (--all-cases)."
            if not every
            else "This inspection has no cases yet; import the case sample first."
        )
    return cases


def export_kit(
    store: Store,
    inspection_id: str,
    inspector: str,
    out: str | Path,
    passphrase: str,
    *,
    all_cases: bool = False,
    progress: Progress = no_progress,
) -> KitExport:
    """Write a kit for ``inspector``; returns the kit code to tell them separately."""
    inspector = inspector.strip()
    if not inspector:
        raise WorkbenchError("Name the inspector the kit is for (--inspector).")
    path = Path(out)
    progress(0, 2, "Preparing the kit…")
    from workbench.followup.pack_records import kit_section as followup_kit_section

    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        private = unlock(session, inspection.id, passphrase)
        cases = _kit_cases(session, inspection, inspector, all_cases)
        withdrawn = [] if all_cases else withdrawn_cases(session, inspection.id, inspector, cases)
        public = private.public
        method = load_methodology(inspection.methodology_id, inspection.methodology_version)
        document = {
            "inspection": _as_record(inspection, INSPECTION),
            "keys": {"sign": crypto.b64(public.sign), "encrypt": crypto.b64(public.encrypt)},
            "methodology": method.to_dict(),
            "cases": [_kit_record(c, inspector) for c in cases]
            + [{**_as_record(c, CASE), "assigned_to": None} for c in withdrawn],
            "followup": followup_kit_section(session, inspection.id),
            "inspector": inspector,
            "issued_by": actor,
            "issued_at": payload.timestamp(utcnow()),
        }
        audit.record(
            session, actor, "issue_kit", "inspection", inspection.id, "", None,
            {
                "inspector": inspector, "cases": len(cases), "withdrawn": len(withdrawn),
                "file": path.name,
            },
        )  # fmt: skip
        record_kit_issue(
            session, inspection.id, inspector, cases, actor,
            all_cases=all_cases, file_name=path.name,
        )  # fmt: skip
    progress(1, 2, "Encrypting and signing…")
    code, salt = crypto.new_kit_code(), os.urandom(16)
    header = {
        "magic": container.MAGIC,
        "format": container.FORMAT,
        "kind": "kit",
        "inspection_id": inspection.id,
        "created_at": document["issued_at"],
        "signer": {"key": crypto.b64(public.sign), "fingerprint": public.fingerprint},
        "encryption": {"scheme": SCHEME, "salt": crypto.b64(salt)},
    }
    sealed = crypto.seal(
        crypto.kit_key(code, salt), payload.encode(document), container.encode_header(header)
    )
    container.write(path, header, sealed, private.sign)  # type: ignore[arg-type]
    publish(store, Topic.KITS, inspection_id=inspection.id)  # which cases the inspector holds
    progress(2, 2, "Done")
    return KitExport(path, inspector, code, public.fingerprint, len(cases), len(withdrawn))


def _open(path: Path, code: str) -> tuple[dict[str, Any], crypto.InspectionPublic]:
    opened = container.read(path, "kit", MAX_KIT_BYTES)
    encryption = opened.header.get("encryption")
    if not isinstance(encryption, dict) or encryption.get("scheme") != SCHEME:
        raise payload.malformed(WHAT, "its encryption scheme is not known")
    try:
        key = crypto.kit_key(code, crypto.unb64(str(encryption.get("salt"))))
        body = crypto.unseal(key, opened.payload, opened.header_bytes)
    except crypto.InvalidTag:
        raise crypto.WrongKitCode(
            "The kit code is wrong: it does not open this kit. Check it with the lead "
            "inspector (it is five groups of four letters and digits)."
        ) from None
    except ValueError:
        raise payload.malformed(WHAT, "its encryption details are damaged") from None
    document = payload.decode(body, WHAT)
    keys = document.get("keys")
    if not (isinstance(keys, dict) and all(type(keys.get(k)) is str for k in ("sign", "encrypt"))):
        raise payload.malformed(WHAT, "its keys are missing or not text")
    try:
        public = crypto.InspectionPublic(crypto.unb64(keys["sign"]), crypto.unb64(keys["encrypt"]))
    except (KeyError, TypeError, ValueError):
        raise payload.malformed(WHAT, "its keys are missing") from None
    signer = opened.header.get("signer")
    if public.sign != opened.signer or public.fingerprint != (
        signer.get("fingerprint") if isinstance(signer, dict) else None
    ):
        raise PackRefused(
            "This kit is not signed by the inspection key it carries; do not use it.",
            "signature",
        )
    if type(document.get("inspection")) is not dict:
        raise payload.malformed(WHAT, "its inspection is not a record")
    if document["inspection"].get("id") != opened.header.get("inspection_id"):
        raise payload.malformed(WHAT, "its header and contents name different inspections")
    return document, public


def _refuse_control_characters(record: dict[str, Any], label: str) -> None:
    """Text with NUL or a terminal escape code would be stored and printed as it is."""
    for field, value in record.items():
        if isinstance(value, str) and CONTROL.search(value):
            raise payload.malformed(WHAT, f"the {label} field '{field}' holds a control character")


def _check_methodology(document: dict[str, Any], inspection: dict[str, Any]) -> Methodology:
    wanted = f"{inspection['methodology_id']} version {inspection['methodology_version']}"
    try:
        method = load_methodology(inspection["methodology_id"], inspection["methodology_version"])
    except NotFoundError:
        raise WorkbenchError(
            f"This kit uses the methodology {wanted}, which this version of the Inspector's "
            "Workbench does not have. Install the version the lead inspector uses."
        ) from None
    if method.to_dict() != document.get("methodology"):
        raise WorkbenchError(
            f"The methodology {wanted} in this kit differs from this installation's copy. "
            "Install the version of the Inspector's Workbench the lead inspector uses."
        )
    return method


class KitNameDiffers(WorkbenchError):
    """The kit is issued to another name than this store's user: the window offers to use
    the kit's name (``workbench.identity.set_user_name``) and open it again."""

    def __init__(self, kit_name: str, store_name: str) -> None:
        super().__init__(
            f"This kit was issued to {kit_name}, but this store belongs to {store_name}. "
            f"If you are {kit_name}, use that name here (File ▸ My name…, or `workbench "
            "identity set`) and open the kit again; otherwise open it in their store."
        )
        self.kit_name, self.store_name = kit_name, store_name


def _claim_store(session: Session, inspector: str) -> tuple[str, bool]:
    """This store's user, who must be the kit's inspector (set now if there is none)."""
    row = identity(session)
    if row.user_name is None:
        row.user_name = inspector
        audit.record(session, inspector, "update", "identity", row.id, "user_name", None, inspector)
        return inspector, True
    if row.user_name != inspector:
        raise KitNameDiffers(inspector, row.user_name)
    return inspector, False


def _upsert_inspection(
    session: Session, record: dict[str, Any], public: crypto.InspectionPublic
) -> None:
    existing = session.get(Inspection, record["id"])
    key = session.get(InspectionKey, record["id"])
    if existing is not None:
        if key is None or key.fingerprint != public.fingerprint:
            raise PackRefused(
                "This store already has this inspection under another key; the kit cannot be "
                "trusted here. Check with the lead inspector.",
                "unknown_key",
            )
        if key.private_blob is not None:
            raise WorkbenchError(
                "This is the lead inspector's store for this inspection (it holds its private "
                "key); a kit is opened in an inspector's own store."
            )
        return
    values = dict(record)
    for field in ("start_date", "end_date"):
        values[field] = date.fromisoformat(values[field])
    values["created_at"] = payload.parse_timestamp(values["created_at"])
    session.add(Inspection(**values))
    session.add(
        InspectionKey(
            inspection_id=record["id"],
            sign_public=public.sign.hex(),
            encrypt_public=public.encrypt.hex(),
            fingerprint=public.fingerprint,
            source="kit",
        )
    )
    session.flush()


def _case_values(record: dict[str, Any], inspection_id: str) -> dict[str, Any]:
    values = dict(record, inspection_id=inspection_id)
    for field in ("opened_on", "closed_on"):
        if values[field] is not None:
            values[field] = date.fromisoformat(values[field])
    values["created_at"] = payload.parse_timestamp(values["created_at"])
    return values


def _upsert_cases(
    session: Session, inspection_id: str, cases: list[dict]
) -> tuple[int, int, list[Any]]:
    """Add the kit's cases and bring those held in line; the counts, and every case added
    or changed (for the trail)."""
    query = select(Case).where(Case.inspection_id == inspection_id)
    existing = {c.id: c for c in session.scalars(query)}
    by_reference = {c.reference: c.id for c in existing.values()}
    added = updated = 0
    touched: list[Any] = []
    for record in cases:
        values = _case_values(record, inspection_id)
        row = existing.get(record["id"])
        if row is None:
            if record["reference"] in by_reference or session.get(Case, record["id"]):
                raise PackRefused(
                    f"The case {record['reference']} is already in this store under another "
                    "id; check with the lead inspector.",
                    "conflict",
                )
            session.add(Case(**values))
            touched.append(values)
            added += 1
            continue
        changes = {k: v for k, v in values.items() if k != "created_at" and getattr(row, k) != v}
        for field, value in changes.items():
            setattr(row, field, value)
        if changes:
            touched.append(row)
        updated += bool(changes)
    return added, updated, touched


def import_kit(
    store: Store, path: str | Path, code: str, progress: Progress = no_progress
) -> KitImport:
    """Open a kit: create its inspection and cases (same ids) and keep its public key."""
    progress(0, 2, "Opening the kit…")
    document, public = _open(Path(path), code)
    inspection = payload.check_record(document.get("inspection"), INSPECTION, WHAT, "inspection")
    head = payload.check_record({k: document.get(k) for k in KIT}, KIT, WHAT, "kit")
    cases = [
        payload.check_record(c, CASE, WHAT, "case")
        for c in payload.check_list(document.get("cases"), WHAT, "case", 100_000)
    ]
    for label, record in [("inspection", inspection), ("kit", head)] + [("case", c) for c in cases]:
        _refuse_control_characters(record, label)
    method = _check_methodology(document, inspection)
    if any(c["category"] not in method.category_ids for c in cases):
        raise payload.malformed(WHAT, "a case has a category the methodology does not know")
    if len({c["id"] for c in cases}) != len(cases):
        raise payload.malformed(WHAT, "two cases share an id")
    if len({c["reference"] for c in cases}) != len(cases):
        raise payload.malformed(WHAT, "two cases share a reference")
    progress(1, 2, "Adding the inspection and its cases…")
    from workbench.followup.pack_records import install_kit_section as install_followup

    with store.sessions.begin() as session:
        inspector, named = _claim_store(session, head["inspector"])
        _upsert_inspection(session, inspection, public)
        added, updated, touched = _upsert_cases(session, inspection["id"], cases)
        install_followup(session, inspection["id"], document.get("followup"))
        audit.record(
            session, inspector, "open_kit", "inspection", inspection["id"], "", None,
            {"issued_by": head["issued_by"], "cases_added": added, "cases_updated": updated,
             "in_trail": True},
        )  # fmt: skip
        record_cases(session, inspector, inspection["id"], "kit", touched)
    publish(store, Topic.INSPECTIONS, Topic.CASES, Topic.FOLLOWUP, inspection_id=inspection["id"])
    progress(2, 2, "Done")
    return KitImport(
        inspection["id"],
        inspection["title"],
        inspector,
        public.fingerprint,
        added,
        updated,
        named,
    )
