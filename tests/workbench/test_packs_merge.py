"""Merge properties over generated sets of packs: idempotent, order-independent, monotone.

Packs are generated as documents (``pack_docs``), written as real signed and encrypted pack
files, and imported through ``import_packs`` into copies of one lead store.
"""

from __future__ import annotations

import hashlib
import json

import backends
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pack_docs import GRADES, TIMES, merged, scenario, uid, write_pack
from packs_helpers import ANN, BOB, dump

from db.engine import Store
from workbench import audit
from workbench.packs import records

PROPERTY = settings(
    max_examples=6 if backends.on_server() else 25,  # a server database per store copy
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What may legitimately differ between two stores that merged the same packs (the import
# log records each import as it happened, so it differs too and is compared apart).
VOLATILE = ("audit_event.seq", "inspector_key.id", "inspector_key.registered_at")


def pack_imports(store: Store) -> list[str]:
    """The import log's entries for packs (the lead's store also logs its case sample)."""
    return [row for row in dump(store)["import_log"] if '"kind": "pack"' in row]


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


@PROPERTY
@given(specs=pack_sets)
def test_importing_the_same_packs_again_changes_nothing(template: dict, specs: list) -> None:
    with scenario(template, specs, 1) as (paths, [store], docs):
        merged(store, paths)
        before = dump(store, but_imports=True)  # the records of each import differ, of course
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
        assert dump(store, but_imports=True) == before
        assert len(pack_imports(store)) == 3 * len(paths)


@PROPERTY
@given(specs=pack_sets, data=st.data())
def test_the_order_of_imports_does_not_matter(template: dict, specs: list, data) -> None:
    order = data.draw(st.permutations(range(len(specs))))
    with scenario(template, specs, 2) as (paths, [first, second], _):
        merged(first, paths)
        merged(second, [paths[i] for i in order])
        one = dump(first, skip=VOLATILE, but_imports=True)
        other = dump(second, skip=VOLATILE, but_imports=True)
        for store in (first, second):
            assert len(pack_imports(store)) == len(paths)
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
