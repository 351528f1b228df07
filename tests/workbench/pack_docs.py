"""Generated findings packs for the merge tests: documents written as real pack files.

Several versions of two inspectors' assessments of four cases, a referral with responses
and a prefix of each inspector's audit chain, signed with the inspector's key and encrypted
to the inspection's, as ``export_pack`` writes them. Revisions and times come from small
sets so that ties are common.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import backends
from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, make_lead

from db.engine import Store
from workbench import audit, crypto
from workbench.methodology import load_methodology
from workbench.packs import container, export_kit, import_packs, payload
from workbench.packs.keys import inspection_key, public_of
from workbench.packs.pack import SCHEME
from workbench.packs.payload import parse_timestamp
from workbench.store import open_workbench_store

METHOD = load_methodology()
STAGES = [s.id for s in METHOD.stages_for("section_47")]
# Three days of the fieldwork under way (``packs_helpers.FIELDWORK``), all in the past.
TIMES = [f"{date.today() - timedelta(days=days)}T09:00:00.000000+00:00" for days in (3, 2, 1)]
GRADES = [*METHOD.grade_ids, None]
NAMESPACE = uuid.UUID("6f1c4b52-2d7e-4c35-9a55-0b5b1f0e7d11")
INSPECTORS = {name: crypto.new_signing_key() for name in (ANN, BOB)}


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def assessment(inspector: str, case_id: str, v: dict) -> dict:
    assessment_id = uid("assessment", inspector, case_id, v["variant"])
    # Marked graded only when complete, as grading requires.
    graded = v["graded"] and v["overall"] is not None and v["stage"] is not None
    return {
        "id": assessment_id,
        "case_id": case_id,
        "inspector": inspector,
        "status": "graded" if graded else "in_progress",
        "overall_grade": v["overall"],
        "rationale": f"Rationale {v['overall']} r{v['revision']}",
        "methodology_id": METHOD.id,
        "methodology_version": METHOD.version,
        "revision": v["revision"],
        "created_at": TIMES[0],
        "updated_at": v["updated_at"],
        "graded_at": v["updated_at"] if graded else None,
        "stages": sorted(
            (
                {"id": uid(assessment_id, s), "stage_id": s, "grade": v["stage"], "notes": ""}
                for s in STAGES
            ),
            key=lambda s: s["stage_id"],
        ),
        "answers": {METHOD.stage(STAGES[0]).prompts[0].id: ("yes", "no")[v["variant"] % 2]},
    }


def referral_parts(inspector: str, case_id: str, r: dict) -> tuple[dict, list[dict]]:
    referral_id = uid("referral", inspector)
    referral = {
        "id": referral_id,
        "case_id": case_id,
        "raised_by": inspector,
        "risk_summary": "Risk to a sibling.",
        "urgency": "urgent",
        "referred_to": "Duty DI",
        "referred_at": TIMES[0],
        "status": r["status"],
        "closed_at": TIMES[2] if r["status"] == "closed" else None,
        "revision": r["revision"],
        "created_at": TIMES[0],
        "updated_at": r["updated_at"],
    }
    responses = [
        {
            "id": uid("response", inspector, n),
            "referral_id": referral_id,
            "response": response,
            "note": "",
            "occurred_at": TIMES[n + 1],
            "recorded_by": inspector,
            "created_at": TIMES[n + 1],
        }
        for n, response in enumerate(["acknowledged", "closed"])
    ]
    return referral, responses[: r["responses"]]


def record_ids(inspector: str, case_ids: list[str]) -> list[str]:
    """The id of every record ``document`` can give the inspector, for their audit trail."""
    assessments = [uid("assessment", inspector, c, v) for c in case_ids for v in (0, 1)]
    responses = [uid("response", inspector, n) for n in (0, 1)]
    return [*assessments, uid("referral", inspector), *responses]


def audit_chain(inspector: str, length: int = 4, case_ids: list[str] = ()) -> list[dict]:
    """The inspector's chain: first an event naming each record they can have (when
    ``case_ids`` are given: a pack's records must be in its trail), then others."""
    named = record_ids(inspector, list(case_ids)) if case_ids else []
    events, previous = [], audit.GENESIS
    for seq in range(1, length + 1):
        values = {
            "id": uid("audit", inspector, seq),
            "origin": uid("origin", inspector),
            "origin_seq": seq,
            "at": TIMES[0],
            "actor": inspector,
            "action": "update",
            "entity": "assessment",
            "entity_id": named[seq - 1] if seq <= len(named) else uid("entity", seq),
            "field": "overall_grade",
            "old_value": None,
            "new_value": f"step {seq}",
            "prev_hash": previous,
        }
        digest = audit.event_hash(**{**values, "at": parse_timestamp(values["at"])})
        events.append({**values, "hash": digest})
        previous = digest
    return events


def document(spec: dict, case_ids: list[str], inspection_id: str) -> dict:
    inspector = spec["inspector"]
    referral, responses = ([], [])
    if spec["referral"] is not None:
        one, responses = referral_parts(inspector, case_ids[0], spec["referral"])
        referral = [one]
    return {
        "inspection_id": inspection_id,
        "inspector": inspector,
        "origin": uid("origin", inspector),
        "exported_at": TIMES[2],
        "methodology_id": METHOD.id,
        "methodology_version": METHOD.version,
        "assessments": [
            assessment(inspector, case_ids[i], v) for i, v in sorted(spec["assessments"].items())
        ],
        "referrals": referral,
        "referral_events": responses,
        "audit": [
            audit.event_line(e)
            for e in audit_chain(
                inspector, len(record_ids(inspector, case_ids)) + spec["audit"], case_ids
            )
        ],
    }


def write_pack(path: Path, doc: dict, recipient: crypto.InspectionPublic) -> Path:
    """A real pack file, as ``export_pack`` writes one, from a generated document."""
    private, public = INSPECTORS[doc["inspector"]]
    ephemeral, key = crypto.new_pack_key(recipient.encrypt)
    header = {
        "magic": container.MAGIC,
        "format": container.FORMAT,
        "kind": "pack",
        "inspection_id": doc["inspection_id"],
        "created_at": doc["exported_at"],
        "signer": {"key": crypto.b64(public), "fingerprint": crypto.fingerprint(public)},
        "encryption": {
            "scheme": SCHEME,
            "recipient": recipient.fingerprint,
            "ephemeral": crypto.b64(ephemeral),
        },
    }
    body = {k: v for k, v in doc.items() if k != "audit"}
    lines = [line.encode() for line in doc["audit"]]
    sealed = crypto.seal(key, payload.encode_pack(body, lines), container.encode_header(header))
    container.write(path, header, sealed, private)
    return path


def make_template(folder: Path) -> dict:
    """A lead store with a keyed inspection and four cases, to copy for each scenario."""
    team = make_lead(folder)
    for name in INSPECTORS:
        kit = folder / f"{name.split()[0].lower()}.wbkit"
        export_kit(team.lead, team.inspection_id, name, kit, PASSPHRASE, all_cases=True)
    with team.lead.sessions() as session:
        public = public_of(inspection_key(session, team.inspection_id))
    team.lead.close()
    return {
        "path": team.lead.url if backends.on_server() else folder / "lead.sqlite",
        "inspection_id": team.inspection_id,
        "case_ids": [team.cases[r] for r in REFERENCES],
        "public": public,
    }


@contextmanager
def scenario(template: dict, specs: list[dict], copies: int) -> Iterator[tuple[list, list]]:
    """Pack files for ``specs`` and ``copies`` fresh copies of the lead's store."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        docs = [document(s, template["case_ids"], template["inspection_id"]) for s in specs]
        paths = [
            write_pack(folder / f"{i}.wbpack", d, template["public"]) for i, d in enumerate(docs)
        ]
        stores: list[Store] = []
        for n in range(copies):
            copy = backends.copy_store(template["path"], folder / f"lead{n}.sqlite")
            stores.append(open_workbench_store(copy))
        try:
            yield paths, stores, docs
        finally:
            for store in stores:
                store.close()


def merged(store: Store, paths: list[Path]) -> list:
    outcomes = import_packs(store, paths, PASSPHRASE)
    assert all(o.error is None for o in outcomes), [str(o.error) for o in outcomes]
    return outcomes
