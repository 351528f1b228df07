"""Importing findings packs into the lead's store: open, check, merge, log.

Every pack is read and verified before the passphrase is used, then decrypted, checked record
by record and merged in its own transaction with its log entry (see ``docs/pack-format.md``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import Store
from db.gc_pause import gc_paused
from db.models import ChainHead, ImportLog, Inspection
from workbench import audit, crypto
from workbench.changes import MERGED, publish
from workbench.errors import WorkbenchError
from workbench.identity import identity, require_user_name
from workbench.imports_log import log_import
from workbench.methodology import load_methodology
from workbench.packs import container, opening, payload, records
from workbench.packs.authority import check_authority
from workbench.packs.container import PackRefused
from workbench.packs.document import CAPS, PackDocument, parse_pack
from workbench.packs.import_sessions import Sessions, import_sessions
from workbench.packs.keys import active_key, admit_sender, unlock
from workbench.packs.merge import MergeCounts, merge
from workbench.packs.trail import Held
from workbench.progress import Progress, no_progress
from workbench.server.login import lock_imports
from workbench.services.inspections import get_inspection
from workbench.store_faults import StoreBusy


@dataclass(frozen=True)
class PackImport:
    path: Path
    inspection_id: str
    inspector: str
    fingerprint: str
    registered: bool
    counts: MergeCounts
    log_id: str
    same_file_as: str | None = None  # the log entry of the earlier import of this very file


@dataclass
class ImportOutcome:
    """Per file: the import, or the reason it was refused (the store unchanged by it)."""

    path: Path
    result: PackImport | None = None
    error: WorkbenchError | None = None


def _inspection_of(session: Session, header: dict, expected: str | None) -> Inspection:
    wanted = str(header.get("inspection_id", ""))
    inspection = session.get(Inspection, wanted)
    if expected is not None:
        current = get_inspection(session, expected)
        if inspection is None or inspection.id != current.id:
            other = f"'{inspection.title}'" if inspection else "an inspection not in this store"
            raise PackRefused(
                f"This pack is for another inspection ({other}), not '{current.title}'; "
                "nothing was imported.",
                "other_inspection",
            )
    if inspection is None:
        raise PackRefused(
            f"This pack is for an inspection that is not in this store (id {wanted[:36]}); "
            "import it into the lead inspector's store for that inspection.",
            "other_inspection",
        )
    return inspection


def _decrypt(
    opened: container.Opened,
    inspection: Inspection,
    private: crypto.InspectionPrivate,
    body: opening.Inflated | None,
    session: Session | None = None,
) -> PackDocument:
    """The pack's checked document; refused if it is not for this inspection's key.

    ``body`` is the body already opened ahead with this inspection's key, if it was. The
    trail is checked beyond what the store of ``session`` holds of its sender's (``trail.Held``)."""
    body = body or opening.open_body(opened, private)
    method = load_methodology(inspection.methodology_id, inspection.methodology_version)
    raw, texts = payload.parse_json_items(body.document, opening.WHAT, "assessments")
    origin = raw.get("origin") if isinstance(raw, dict) else None
    held, kept = None, None
    if session is not None and isinstance(origin, str) and payload.is_id(origin):
        held = Held(*records.received_mark(session.connection(), origin))
    trail = body.checked_trail(held)
    if session is not None and trail.held:  # the pack's trail runs on from the one held here
        kept = _kept_digests(session, raw, inspection.id)
    document = parse_pack(raw, trail, method, kept, texts)
    if document.inspection_id != inspection.id:
        raise payload.malformed(opening.WHAT, "its records are for another inspection")
    return document


def _kept_digests(session: Session, raw: object, inspection_id: str) -> dict[str, str] | None:
    """The digests kept here of the assessments the (not yet checked) document names as its
    sender's, on this inspection's cases (``document.parse_pack`` uses them as proof only).

    Asked only of a pack whose trail was found to run on from the part of the sender's trail
    held here (``trail.Held``): then a held record's events are in that part, so every check
    on the record would find what it found when it came."""
    if not isinstance(raw, dict):
        return None
    sender, incoming = raw.get("inspector"), raw.get("assessments")
    if type(sender) is not str or type(incoming) is not list or len(incoming) > CAPS["assessments"]:
        return None
    ids = [
        a["id"] for a in incoming
        if type(a) is dict and type(a.get("id")) is str and payload.is_id(a["id"])
    ]  # fmt: skip
    return records.held_digests(session.connection(), inspection_id, sender, ids)


def _same_file_again(
    session: Session, opened: container.Opened, inspection: Inspection
) -> ImportLog | None:
    """The earlier import of this very file, if its sender's key is still the registered one.

    Merging is monotone (every record keeps its greatest version), so a file already merged
    cannot change anything when merged again: it is logged, not decrypted and merged again.
    """
    marker = f'"sha256": "{opened.sha256}"'
    earlier = session.scalars(
        select(ImportLog)
        .where(
            ImportLog.inspection_id == inspection.id,
            ImportLog.kind == "pack",
            ImportLog.details.contains(marker),
        )
        .limit(1)
    ).first()
    if earlier is None or earlier.inspector is None:
        return None
    key = active_key(session, inspection.id, earlier.inspector)
    fingerprint = crypto.fingerprint(opened.signer)
    if key is None or key.fingerprint != fingerprint or earlier.fingerprint != fingerprint:
        return None
    return earlier


def _import_one(
    sessions: Sessions,
    fetched: opening.Fetched,
    private_keys: dict[str, crypto.InspectionPrivate],
    passphrase: str,
    expected: str | None,
    seen: dict[str, str],
) -> PackImport:
    """Import one pack in its own transaction; ``seen`` gathers what is known of the pack
    as the checks go (its signer, inspection and inspector), for the log of a refusal."""
    # Damaged, unsigned, foreign and newer files are refused on reading, before any passphrase.
    opened, path = fetched.opened_or_raise(), fetched.path
    seen.update(sha256=opened.sha256, fingerprint=crypto.fingerprint(opened.signer))
    seen["inspection_id"] = str(opened.header.get("inspection_id", ""))[:36]
    with sessions() as session:
        actor = require_user_name(session)
        inspection = _inspection_of(session, opened.header, expected)
        lock_imports(session, inspection.id)  # on a server, one import at a time per inspection
        if inspection.id not in private_keys:
            private_keys[inspection.id] = unlock(session, inspection.id, passphrase)
        earlier = _same_file_again(session, opened, inspection)
        if earlier is not None:
            inspector = str(earlier.inspector)
            details = {"sha256": opened.sha256, "same_file_as": earlier.id}
            counts = MergeCounts()
            _audit_import(session, actor, inspection.id, path, inspector, opened, counts)
            done = _log(session, path, inspection, actor, inspector, opened, counts, details, False)
            return replace(done, same_file_as=earlier.id)
        private = private_keys[inspection.id]
        document = _decrypt(opened, inspection, private, fetched.body(inspection.id), session)
        seen["inspector"] = document.inspector
        if document.origin == identity(session).id:
            raise PackRefused(
                "This pack was exported from this store; there is nothing to import.", "own_pack"
            )
        if document.inspector == actor:
            raise PackRefused(
                f"This pack carries grades recorded under your own name, {actor}, from another "
                "store. Packs come from other inspectors' stores; nothing was imported.",
                "own_name",
            )
        method = load_methodology(inspection.methodology_id, inspection.methodology_version)
        check_authority(session, document, inspection, method)
        registered = admit_sender(session, inspection.id, document.inspector, opened.signer, actor)
        try:
            counts = merge(session.connection(), document, method, inspection.id)
        except IntegrityError as exc:
            raise PackRefused(
                "This pack's records clash with records already in this store (an id is used "
                "twice); nothing was imported.",
                "conflict",
            ) from exc
        details = _details(document, counts, registered, opened.sha256)
        head = _received_head(session, document, inspection.id, opened.sha256)
        _audit_import(session, actor, inspection.id, path, document.inspector, opened, counts, head)
        return _log(
            session, path, inspection, actor, document.inspector, opened, counts, details,
            registered,
        )  # fmt: skip


def _log(
    session: Session,
    path: Path,
    inspection: Inspection,
    actor: str,
    inspector: str,
    opened: container.Opened,
    counts: MergeCounts,
    details: dict,
    registered: bool,
) -> PackImport:
    """The import's log entry, in its transaction; the import's result."""
    fingerprint = crypto.fingerprint(opened.signer)
    log_id = log_import(
        session, "pack", str(path), inspection_id=inspection.id, actor=actor,
        added=counts.added, changed=counts.changed, details=details,
        inspector=inspector, fingerprint=fingerprint,
    )  # fmt: skip
    return PackImport(path, inspection.id, inspector, fingerprint, registered, counts, log_id)


def _received_head(
    session: Session, document: PackDocument, inspection_id: str, sha256: str
) -> list | None:
    """Keep the head of the sender's chain the pack carried (its last audit line)."""
    trail = document.audit
    if not len(trail):
        return None
    last_seq, last_hash = trail.last_seq, trail.digests(len(trail) - 1)[0].hex()
    session.add(
        ChainHead(
            kind="received", origin=document.origin, inspection_id=inspection_id,
            last_seq=last_seq, last_hash=last_hash, source=sha256,
        )
    )  # fmt: skip
    return [document.origin, last_seq, last_hash]


def _audit_import(
    session: Session,
    actor: str,
    inspection_id: str,
    path: Path,
    inspector: str,
    opened: container.Opened,
    counts: MergeCounts,
    head: list | None = None,
) -> None:
    audit.record(
        session, actor, "import_pack", "inspection", inspection_id, "", None,
        {
            "file": path.name[-200:], "inspector": inspector, "sha256": opened.sha256,
            "fingerprint": crypto.fingerprint(opened.signer), "added": counts.added,
            "changed": counts.changed, "head": head,
        },
    )  # fmt: skip


def log_refusal(
    sessions: Sessions, path: Path, error: WorkbenchError, seen: dict[str, str]
) -> None:
    """A refused pack on the record: an imports log entry with the reason, and its audit
    event (which pack, who signed it, why), in a transaction of its own."""
    with sessions() as session:
        actor = require_user_name(session)
        known = [seen.get("inspection_id"), seen.get("expected")]
        inspection_id = next((i for i in known if i and session.get(Inspection, i)), None)
        details = {
            "refused": str(error),
            "code": getattr(error, "code", "refused"),
            "sha256": seen.get("sha256"),
        }
        log_id = log_import(
            session, "refused", str(path), inspection_id=inspection_id, actor=actor,
            added=0, changed=0, details=details, inspector=seen.get("inspector"),
            fingerprint=seen.get("fingerprint"),
        )  # fmt: skip
        audit.record(
            session, actor, "refuse_pack", "import_log", log_id, "", None,
            {**details, "file": path.name[-200:], "inspector": seen.get("inspector"),
             "fingerprint": seen.get("fingerprint"), "inspection": inspection_id},
        )  # fmt: skip


def _details(
    document: PackDocument, counts: MergeCounts, registered: bool, sha256: str
) -> dict[str, object]:
    return {
        "sha256": sha256,
        "exported_at": document.exported_at,
        "origin": document.origin,
        "registered_key": registered,
        "assessments": {
            "in_pack": len(document.assessments) + len(document.held_assessments),
            "added": counts.assessments_added,
            "changed": counts.assessments_changed,
        },
        "referrals": {
            "in_pack": len(document.referrals),
            "added": counts.referrals_added,
            "changed": counts.referrals_changed,
        },
        "referral_responses": {
            "in_pack": len(document.referral_events),
            "added": counts.responses_added,
            "changed": counts.responses_changed,
        },
        "audit_events": {
            "in_pack": len(document.audit),
            "added": counts.audit_events_added,
        },
    }


def _imported_digests(store: Store, inspection_id: str | None) -> set[str]:
    """The SHA-256 of every pack file in the imports log (of the inspection, when given).

    Only a hint to the read-ahead, which then leaves such a file unopened: whether a file
    counts as imported before is decided by ``_same_file_again`` in the import's own
    transaction (the same digest under the sender's registered key)."""
    query = select(ImportLog.details).where(ImportLog.kind == "pack")
    if inspection_id is not None:
        query = query.where(ImportLog.inspection_id == inspection_id)
    found: set[str] = set()
    with store.sessions() as session:
        for details in session.scalars(query):
            with suppress(ValueError, TypeError, AttributeError):
                digest = json.loads(details).get("sha256")
                if isinstance(digest, str):
                    found.add(digest)
    return found


def import_packs(
    store: Store,
    paths: Sequence[str | Path],
    passphrase: str,
    *,
    inspection_id: str | None = None,
    progress: Progress = no_progress,
) -> list[ImportOutcome]:
    """Import each pack in its own transaction; a refused pack leaves the store unchanged.

    A wrong passphrase stops everything at once (``WrongPassphrase``): no pack could be
    opened with it. Any other refusal is reported in that file's outcome.
    """
    if inspection_id is not None:
        with store.sessions() as session:
            inspection_id = get_inspection(session, inspection_id).id
    outcomes: list[ImportOutcome] = []
    private_keys: dict[str, crypto.InspectionPrivate] = {}
    files = [Path(name) for name in paths]
    imported = _imported_digests(store, inspection_id)
    with (
        gc_paused(),  # a merge allocates millions of containers, none in a cycle
        import_sessions(store) as writing,
        opening.prefetch(files, private_keys, imported) as fetched_files,
    ):
        for done, fetched in enumerate(fetched_files):
            name = fetched.path.name
            progress(done, len(files), f"Importing {name} ({done + 1} of {len(files)})…")
            outcome, seen = ImportOutcome(fetched.path), {"expected": inspection_id or ""}
            try:
                outcome.result = _import_one(
                    writing.begin, fetched, private_keys, passphrase, inspection_id, seen
                )
            except crypto.WrongPassphrase:
                raise
            except StoreBusy as exc:  # kept what was merged; the rest would wait as long
                outcomes += [ImportOutcome(path, error=exc) for path in files[done:]]
                break
            except WorkbenchError as exc:
                outcome.error = exc
                with suppress(WorkbenchError):  # a store with no user name records nothing
                    log_refusal(writing.begin, fetched.path, exc, seen)
            outcomes.append(outcome)
            counts = outcome.result.counts if outcome.result is not None else None
            if counts is not None and (counts.added or counts.changed or counts.audit_events_added):
                writing.merged = True
            if outcome.result is not None and fetched.opened is not None:
                imported.add(fetched.opened.sha256)  # the same file later in the list
    progress(len(files), len(files), "Done")
    if any(outcome.result is not None for outcome in outcomes):
        publish(store, *MERGED, inspection_id=inspection_id)
    return outcomes
