"""Merge properties over generated sets of packs: idempotent, order-independent, monotone.

Packs are generated as documents (several versions of two inspectors' assessments of four
cases, a referral with responses, a prefix of each inspector's audit chain), written as real
signed and encrypted pack files, and imported through ``import_packs`` into copies of one
lead store. Revisions and times are drawn from small sets so that ties are common.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, dump, make_lead

from db.engine import Store
from workbench import audit, crypto
from workbench.methodology import load_methodology
from workbench.packs import container, import_packs, payload, records
from workbench.packs.keys import inspection_key, public_of
from workbench.packs.pack import SCHEME
from workbench.packs.payload import parse_timestamp
from workbench.store import open_workbench_store

METHOD = load_methodology()
STAGES = [s.id for s in METHOD.stages_for("section_47")]
TIMES = [f"2026-01-0{day}T09:00:00.000000+00:00" for day in (1, 2, 3)]
GRADES = [*METHOD.grade_ids, None]
NAMESPACE = uuid.UUID("6f1c4b52-2d7e-4c35-9a55-0b5b1f0e7d11")
INSPECTORS = {name: crypto.new_signing_key() for name in (ANN, BOB)}
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What may legitimately differ between two stores that merged the same packs (the import
# log records each import as it happened, so it differs too and is compared apart).
VOLATILE = ("audit_event.seq", "inspector_key.id", "inspector_key.registered_at")


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


def canonical_digest(record: dict) -> str:
    """The tie-breaking digest, written out independently of the implementation."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


versions = st.fixed_dictionaries(
    {
        "revision": st.integers(1, 3),
        "updated_at": st.sampled_from(TIMES),
        "overall": st.sampled_from(GRADES),
        "stage": st.sampled_from(GRADES),
        "graded": st.booleans(),
        "variant": st.integers(0, 1),  # two different assessment ids for one case and inspector
    }
)
referrals = st.fixed_dictionaries(
    {
        "revision": st.integers(1, 3),
        "updated_at": st.sampled_from(TIMES),
        "status": st.sampled_from(["open", "closed"]),
        "responses": st.integers(0, 2),
    }
)
pack_specs = st.fixed_dictionaries(
    {
        "inspector": st.sampled_from([ANN, BOB]),
        "assessments": st.dictionaries(st.integers(0, 3), versions, max_size=4),
        "referral": st.none() | referrals,
        "audit": st.integers(0, 4),
    }
)
pack_sets = st.lists(pack_specs, min_size=1, max_size=4)


def assessment(inspector: str, case_id: str, v: dict) -> dict:
    assessment_id = uid("assessment", inspector, case_id, v["variant"])
    return {
        "id": assessment_id,
        "case_id": case_id,
        "inspector": inspector,
        "status": "graded" if v["graded"] else "in_progress",
        "overall_grade": v["overall"],
        "rationale": f"Rationale {v['overall']} r{v['revision']}",
        "methodology_id": METHOD.id,
        "methodology_version": METHOD.version,
        "revision": v["revision"],
        "created_at": TIMES[0],
        "updated_at": v["updated_at"],
        "graded_at": v["updated_at"] if v["graded"] else None,
        "stages": sorted(
            (
                {"id": uid(assessment_id, s), "stage_id": s, "grade": v["stage"], "notes": ""}
                for s in STAGES
            ),
            key=lambda s: s["stage_id"],
        ),
        "answers": [],
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


def audit_chain(inspector: str, length: int = 4) -> list[dict]:
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
            "entity_id": uid("entity", seq),
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
        "audit_events": audit_chain(inspector)[: spec["audit"]],
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
    sealed = crypto.seal(key, payload.encode(doc), container.encode_header(header))
    container.write(path, header, sealed, private)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("merge-template")
    team = make_lead(folder)
    with team.lead.sessions() as session:
        public = public_of(inspection_key(session, team.inspection_id))
    team.lead.close()
    return {
        "path": folder / "lead.sqlite",
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
            shutil.copy(template["path"], folder / f"lead{n}.sqlite")
            stores.append(open_workbench_store(folder / f"lead{n}.sqlite"))
        try:
            yield paths, stores, docs
        finally:
            for store in stores:
                store.close()


def merged(store: Store, paths: list[Path]) -> list:
    outcomes = import_packs(store, paths, PASSPHRASE)
    assert all(o.error is None for o in outcomes), [str(o.error) for o in outcomes]
    return outcomes


@PROPERTY
@given(specs=pack_sets)
def test_importing_the_same_packs_again_changes_nothing(template: dict, specs: list) -> None:
    with scenario(template, specs, 1) as (paths, [store], docs):
        merged(store, paths)
        before = dump(store)
        before.pop("import_log")
        # The same contents in new files (a new pack key each: different bytes) are merged in
        # full; the very same files are recognised and not merged again. Neither changes a row.
        folder = paths[0].parent
        rewritten = [
            write_pack(folder / f"again{i}.wbpack", d, template["public"])
            for i, d in enumerate(docs)
        ]
        for again in (merged(store, rewritten), merged(store, paths)):
            counts = [(o.result.counts.added, o.result.counts.changed) for o in again]
            assert counts == [(0, 0)] * len(paths)
        after = dump(store)
        assert len(after.pop("import_log")) == 3 * len(paths)
        assert after == before


@PROPERTY
@given(specs=pack_sets, data=st.data())
def test_the_order_of_imports_does_not_matter(template: dict, specs: list, data) -> None:
    order = data.draw(st.permutations(range(len(specs))))
    with scenario(template, specs, 2) as (paths, [first, second], _):
        merged(first, paths)
        merged(second, [paths[i] for i in order])
        one, other = dump(first, skip=VOLATILE), dump(second, skip=VOLATILE)
        assert len(one.pop("import_log")) == len(other.pop("import_log")) == len(paths)
        assert one == other
        with first.sessions() as session:
            assert audit.verify(session).intact


@PROPERTY
@given(specs=pack_sets, data=st.data())
def test_the_greatest_version_of_each_record_wins(template: dict, specs: list, data) -> None:
    order = data.draw(st.permutations(range(len(specs))))
    with scenario(template, specs, 1) as (paths, [store], docs):
        merged(store, [paths[i] for i in order])
        best: dict[tuple, dict] = {}
        for doc in docs:
            for record in doc["assessments"]:
                key = (record["case_id"], record["inspector"])
                rank = (record["revision"], record["updated_at"], canonical_digest(record))
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, record)
        with store.engine.connect() as conn:
            stored = records.assessments(conn, [r["id"] for _, r in best.values()])
        assert sorted(stored, key=lambda r: r["id"]) == sorted(
            (r for _, r in best.values()), key=lambda r: r["id"]
        )
        _check_referrals(store, docs)


def _check_referrals(store: Store, docs: list[dict]) -> None:
    """A referral is closed once its closing response is known, else its greatest version."""
    for inspector in (ANN, BOB):
        versions = [r for d in docs for r in d["referrals"] if r["raised_by"] == inspector]
        if not versions:
            continue
        closing = any(
            e["response"] == "closed"
            for d in docs
            for e in d["referral_events"]
            if e["recorded_by"] == inspector
        )
        derived = ("status", "closed_at")
        top = max(
            versions,
            key=lambda r: (
                r["revision"],
                r["updated_at"],
                canonical_digest({k: v for k, v in r.items() if k not in derived}),
                canonical_digest(r),
            ),
        )
        with store.engine.connect() as conn:
            [stored] = records.referrals(conn, [top["id"]])
        expected = ("closed", TIMES[2]) if closing else (top["status"], top["closed_at"])
        assert (stored["status"], stored["closed_at"]) == expected
        assert {k: v for k, v in stored.items() if k not in derived} == {
            k: v for k, v in top.items() if k not in derived
        }


def test_an_older_revision_never_overwrites_a_newer_one(template: dict) -> None:
    newer = {"revision": 3, "updated_at": TIMES[0], "overall": "good", "stage": "good"}
    newer.update(graded=True, variant=0)
    older = {**newer, "revision": 2, "updated_at": TIMES[2], "overall": "inadequate"}
    specs = [
        {"inspector": ANN, "assessments": {0: newer}, "referral": None, "audit": 0},
        {"inspector": ANN, "assessments": {0: older}, "referral": None, "audit": 0},
    ]
    with scenario(template, specs, 1) as (paths, [store], _):
        outcomes = merged(store, paths)
        assert [o.result.counts.changed for o in outcomes] == [0, 0]
        with store.engine.connect() as conn:
            [stored] = records.assessments(
                conn, [uid("assessment", ANN, template["case_ids"][0], 0)]
            )
        assert (stored["revision"], stored["overall_grade"]) == (3, "good")
