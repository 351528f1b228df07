"""Findings pack benchmarks: export one 500-case pack, merge 20 of them (100 at 10x),
verify the merged trail, import them again.

Twenty inspectors' stores (100 at 10x) are set up from kits and filled with 500 graded
cases each (every applicable stage graded with notes, every prompt answered, one audit event
per recorded field, a referral every 25 cases), then each exports its pack through the real
code. The merge (every check on: authority, values, trail actors) is compared, alternately in
the same run, with the same work done with the least code that could (``same_work_merge``):
plain ``zipfile``, ``cryptography``, ``zlib``, ``json`` and ``sqlite3`` read each pack, verify
its signature, decrypt it, inflate and parse it, check its trail's hash chain and write the
same rows (assessments with their answers, stage judgements, referrals and responses, one
audit segment per pack holding its ~24,000 events as carried) into a copy of the same lead
store.

Goals: export < 1 s; merge within 3x of the same-work baseline, < 5 s for 20 packs and
< 15 s for 100; ``audit verify`` of the merged lead store < 5 s (25 s for 100 packs);
importing the same files again < 0.5 s for 20, and re-exported unchanged packs < 1 s for
20 (scaled for 100), changing nothing.
``--audit-per-case`` audits only each record's creation, for packs without the per-field
audit trail (a store's trail is usually most of its pack).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
import shutil
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import case_row, connect_file, new_store
from harness import Figure, Options, Sample, clock, emit, parse_options, report

from db.models import Assessment as AssessmentRow
from db.models import AuditEvent, Case, Referral, StageJudgement, new_id
from db.types import canonical_json, utcnow
from workbench import audit
from workbench.audit_check import check_audit
from workbench.methodology import load_methodology
from workbench.packs import (
    create_inspection_keys,
    export_kit,
    export_pack,
    import_kit,
    import_packs,
)
from workbench.store import open_workbench_store

PACKS, CASES_PER_PACK = 20, 500  # the 1x sizes (bench_server's too)
PACK_COUNTS = {"tiny": 3, "1x": PACKS, "10x": 100}
PER_PACK = {"tiny": 20, "1x": CASES_PER_PACK, "10x": CASES_PER_PACK}
PASSPHRASE = "benchmark passphrase, long enough"
NOTE = "Strategy discussion held within a day; the child was seen and spoken to alone. " * 2


def lead_store(folder: Path, packs: int = PACKS, per_pack: int = CASES_PER_PACK):
    today = date.today()  # fieldwork under way: the packs' timestamps must fall within it
    store, inspection_id = new_store(
        folder / "lead.sqlite", "Lee Lead", title="Bench",
        start=today - timedelta(days=10), end=today + timedelta(days=20),
    )  # fmt: skip
    create_inspection_keys(store, inspection_id, PASSPHRASE)
    method, rng, now = load_methodology(), random.Random(4), utcnow()
    cases = [
        case_row(
            inspection_id,
            now,
            reference=f"B/{i:06d}",
            category=rng.choice(method.category_ids),
            unit="North",
            assigned_to=f"Inspector {i // per_pack:02d}",
        )
        for i in range(packs * per_pack)
    ]
    with store.sessions.begin() as session:
        session.execute(insert(Case), cases)
        audit.record(  # as the case import records its sample
            session, "Lee Lead", "import", "inspection", inspection_id, "cases", None,
            {"file": "bench", "count": len(cases)},
        )  # fmt: skip
    return store, inspection_id


class _Chain:
    """This store's audit chain, continued in bulk: ``workbench.audit``'s cursor says where the
    chain goes on (origin, sequence numbers, last hash) and ``audit.event_hash`` links each
    event; the rows are inserted with one executemany rather than one ORM object per event."""

    def __init__(self, session, actor: str, every_field: bool) -> None:
        self.cursor, self.actor, self.every_field = audit.chain(session), actor, every_field
        self.rows: list[dict] = []

    def add(self, action: str, entity: str, entity_id: str, field: str, new: str | None) -> None:
        if not self.every_field and action == "update":
            return  # --audit-per-case: only the creation of each record is audited
        cursor = self.cursor
        cursor.origin_seq += 1
        cursor.seq += 1
        values = dict(
            id=new_id(), origin=cursor.origin, origin_seq=cursor.origin_seq, at=utcnow(),
            actor=self.actor, action=action, entity=entity, entity_id=entity_id, field=field,
            old_value=None, new_value=new, prev_hash=cursor.prev_hash,
        )  # fmt: skip
        cursor.prev_hash = audit.event_hash(**values)
        self.rows.append({**values, "hash": cursor.prev_hash, "seq": cursor.seq})


def fill_inspector(store, inspection_id: str, name: str, seed: int, every_field: bool) -> None:
    """500 graded assessments, with stages, answers, referrals and their audit events."""
    method, rng, now = load_methodology(), random.Random(seed), utcnow()
    rows: dict[str, list[dict]] = {"assessment": [], "stage": [], "referral": []}
    with store.sessions.begin() as session:
        chain = _Chain(session, name, every_field)
        cases = session.scalars(select(Case).where(Case.inspection_id == inspection_id)).all()
        for n, case in enumerate(cases):
            assessment_id = new_id()
            grades = {s.id: rng.choice(method.grade_ids) for s in method.stages_for(case.category)}
            overall = method.worst(grades.values())
            answers: dict[str, str] = {}
            assessment = dict(
                id=assessment_id, case_id=case.id, inspector=name, status="graded",
                overall_grade=overall, rationale=NOTE, methodology_id=method.id,
                methodology_version=method.version, revision=len(grades) * 4 + 3,
                created_at=now, updated_at=now, graded_at=now, answers=answers,
            )  # fmt: skip
            rows["assessment"].append(assessment)
            chain.add("create", "assessment", assessment_id, "", None)
            for stage_id, grade in grades.items():
                rows["stage"].append(
                    dict(id=new_id(), assessment_id=assessment_id, stage_id=stage_id,
                         grade=grade, notes=NOTE)
                )  # fmt: skip
                chain.add("update", "assessment", assessment_id, f"stage:{stage_id}:grade", grade)
                chain.add("update", "assessment", assessment_id, f"stage:{stage_id}:notes", NOTE)
                for prompt in method.stage(stage_id).prompts:
                    if not prompt.applies_to(case.category):
                        continue  # as the panel shows them: a pack may answer no other
                    answer = answers[prompt.id] = rng.choice(("yes", "partly", "no"))
                    chain.add("update", "assessment", assessment_id, f"prompt:{prompt.id}", answer)
            for field, value in (("overall_grade", overall), ("rationale", NOTE)):
                chain.add("update", "assessment", assessment_id, field, value)
            chain.add("update", "assessment", assessment_id, "status", "graded")
            if n % 25 == 0:
                referral_id = new_id()
                rows["referral"].append(
                    dict(id=referral_id, case_id=case.id, raised_by=name, risk_summary=NOTE,
                         urgency="urgent", referred_to="Duty DI", referred_at=now,
                         status="open", revision=1, created_at=now, updated_at=now)
                )  # fmt: skip
                created = {"case": case.reference, "urgency": "urgent", "referred_to": "Duty DI",
                           "referred_at": now.isoformat(), "risk_summary": NOTE}  # fmt: skip
                chain.add(
                    "create", "referral", referral_id, "", json.dumps(created, sort_keys=True)
                )
        for model, key in ((AssessmentRow, "assessment"), (StageJudgement, "stage")):
            session.execute(insert(model), rows[key])
        session.execute(insert(Referral), rows["referral"])
        session.execute(insert(AuditEvent), chain.rows)
        chain.cursor.note_head(session)  # where the chain now ends, as audit.record keeps it
        audit.forget_chain(session)  # the events went in by other means (see audit.chain)


def _open_pack(data: bytes, private_x25519) -> tuple[dict, list[bytes], bytes]:
    """Read, verify, decrypt and inflate one pack with plain zipfile, cryptography, zlib and
    json: its document, its trail's lines and the trail's block as carried."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    archive = zipfile.ZipFile(io.BytesIO(data))
    header_bytes = archive.read("workbench.json")
    header = json.loads(header_bytes)
    signature = base64.b64decode(data[-88:])  # "WBSIG1 " and base64 of 64 bytes, last
    signer = Ed25519PublicKey.from_public_bytes(base64.b64decode(header["signer"]["key"]))
    signer.verify(signature, data[: -(7 + 88)])
    sealed = archive.read("payload.bin")
    ephemeral = base64.b64decode(header["encryption"]["ephemeral"])
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    recipient = private_x25519.public_key().public_bytes(*raw)
    shared = private_x25519.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    key = HKDF(hashes.SHA256(), 32, ephemeral + recipient, b"inspectors-workbench pack key v1")
    body = AESGCM(key.derive(shared)).decrypt(sealed[:12], sealed[12:], header_bytes)
    inflater = zlib.decompressobj()
    document = json.loads(inflater.decompress(body))
    block = inflater.unused_data
    lines = zlib.decompress(block).split(b"\n")
    previous = b"0" * 64
    for line in lines:  # the hash chain: each line ends with the hash of the line before
        if line[-66:-2] != previous:
            raise ValueError("broken chain")
        previous = hashlib.sha256(line).hexdigest().encode()
    return document, lines, block


def _private_key(conn, inspection_id: str, passphrase: str):
    """The inspection's X25519 key from the store, unlocked with the passphrase (Argon2id,
    AES-GCM), as the merge does once per import."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    blob, kdf, fingerprint = conn.execute(
        "SELECT private_blob, kdf, fingerprint FROM inspection_key WHERE inspection_id = ?",
        (inspection_id,),
    ).fetchone()
    params = json.loads(kdf)
    secret = Argon2id(
        salt=base64.b64decode(params["salt"]), length=32, iterations=int(params["iterations"]),
        lanes=int(params["lanes"]), memory_cost=int(params["memory_kib"]),
    ).derive(passphrase.encode())  # fmt: skip
    sealed = base64.b64decode(blob)
    aad = f"inspection-key:{inspection_id}:{fingerprint}".encode()
    raw = AESGCM(secret).decrypt(sealed[:12], sealed[12:], aad)
    return X25519PrivateKey.from_private_bytes(raw[32:])


def same_work_merge(target: Path, inspection_id: str, paths: list[Path]) -> int:
    """The merge's work with the least code: every pack read, verified, decrypted, parsed
    and its chain checked; the same rows written with ``sqlite3.executemany`` into
    ``target`` (a copy of the lead store) in one transaction. Returns the rows written."""
    conn = connect_file(target)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-65536")  # as the merge uses
    private = _private_key(conn, inspection_id, PASSPHRASE)
    tables: dict[str, list[dict]] = {
        "assessment": [], "stage_judgement": [], "referral": [], "referral_event": [],
        "audit_segment": [],
    }  # fmt: skip
    for path in paths:
        doc, lines, block = _open_pack(path.read_bytes(), private)
        for a in doc["assessments"]:
            row = {k: v for k, v in a.items() if k not in ("stages", "answers")}
            tables["assessment"].append({**row, "answers": canonical_json(a["answers"])})
            tables["stage_judgement"] += [{**s, "assessment_id": a["id"]} for s in a["stages"]]
        tables["referral"] += doc["referrals"]
        tables["referral_event"] += doc["referral_events"]
        first, last = lines[0], lines[-1]
        tables["audit_segment"].append(
            dict(
                id=new_id(), origin=doc["origin"], first_seq=int(first[79:first.index(b",", 79)]),
                last_seq=int(last[79:last.index(b",", 79)]), events=len(lines),
                last_hash=hashlib.sha256(last).hexdigest(), lines=block,
                received_at=doc["exported_at"],
            )
        )  # fmt: skip
    rows = 0
    with conn:
        for table, records in tables.items():
            if records:
                columns = list(records[0])
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                    f"VALUES ({', '.join('?' * len(columns))})"
                )
                ordered = sorted(records, key=lambda r: r["id"])  # as the merge does
                conn.executemany(sql, [tuple(r[c] for c in columns) for r in ordered])
                rows += len(records)
    conn.close()
    return rows


class _Fieldwork:
    """The lead store (kept closed, as a pristine file to copy) and the inspectors' stores
    with their exported packs."""

    def __init__(self, folder: Path, scale: str, every_field: bool) -> None:
        self.folder, self.scale = folder, scale
        packs, per_pack = PACK_COUNTS[scale], PER_PACK[scale]
        started = time.perf_counter()
        lead, self.inspection_id = lead_store(folder, packs, per_pack)
        self.paths: list[Path] = []
        self.stores = []
        self.export_seconds: list[float] = []
        for n in range(packs):
            inspector = f"Inspector {n:02d}"
            kit = export_kit(lead, self.inspection_id, inspector, folder / f"{n}.wbkit", PASSPHRASE)
            store = open_workbench_store(folder / f"inspector{n}.sqlite")
            import_kit(store, kit.path, kit.code)
            fill_inspector(store, self.inspection_id, inspector, seed=n, every_field=every_field)
            start = time.perf_counter()
            result = export_pack(store, self.inspection_id, folder / f"{n}.wbpack")
            self.export_seconds.append(time.perf_counter() - start)
            self.paths.append(result.path)
            self.stores.append(store)
        lead.close()
        self.pristine = folder / "lead.sqlite"
        self.copies = iter(range(10_000))
        self.merged: Path | None = None
        emit(f"packs.setup[{scale}]", packs=packs, cases_per_pack=per_pack,
             seconds=round(time.perf_counter() - started, 1))  # fmt: skip

    def copy(self) -> Path:
        target = self.folder / f"lead-copy-{next(self.copies)}.sqlite"
        shutil.copy(self.pristine, target)
        return target

    def close(self) -> None:
        for store in self.stores:
            store.close()


def merge_figures(work: _Fieldwork, shape: str, options: Options) -> Iterator[Figure]:
    scale, packs = work.scale, PACK_COUNTS[work.scale]
    counts: dict[str, int] = {}
    if options.wanted("packs.export"):
        store = work.stores[0]
        exports = iter(range(10_000))
        yield Figure(
            "packs.export_500_cases", f"exporting one inspector's pack of {PER_PACK[scale]} "
            "graded cases with their audit trail",
            lambda: export_pack(store, work.inspection_id, work.folder / f"x{next(exports)}.pk"),
            goal=1.0, scale=scale, info={"shape": shape,
            "slowest_of_all_packs": round(max(work.export_seconds), 3)},
        )  # fmt: skip

    def merge() -> Sample:
        target = work.copy()
        lead = open_workbench_store(target)
        try:
            timing = clock(lambda: counts.update(_merged(lead, work.paths)))
        finally:
            lead.close()
        work.merged = target
        timing.info.update(counts)
        return timing

    def baseline() -> Sample:
        target = work.copy()
        rows: list[int] = []
        timing = clock(lambda: rows.append(same_work_merge(target, work.inspection_id, work.paths)))
        timing.info["rows_written"] = rows[0]
        return timing

    if options.wanted("packs.merge", "packs.audit_verify", "packs.import"):
        yield Figure(
            "packs.merge", f"merging {packs} packs of {PER_PACK[scale]} cases into the lead's "
            "store, every check on", merge, baseline,
            "zipfile, cryptography, zlib, json and sqlite3: read, verify, decrypt, parse, "
            "check the chain and write the same rows", ratio_goal=3.0,
            goal=5.0 if packs <= PACKS else 15.0 * packs / 100, scale=scale,
            info={"packs": packs, "shape": shape},
        )  # fmt: skip
    if work.merged is None:
        return
    lead = open_workbench_store(work.merged)
    try:
        yield from _after_merge(work, lead, shape, options)
    finally:
        lead.close()


def _merged(lead, paths: list[Path]) -> dict[str, int]:
    outcomes = import_packs(lead, paths, PASSPHRASE)
    assert all(o.error is None for o in outcomes), [str(o.error) for o in outcomes]
    return {
        "records_added": sum(o.result.counts.added for o in outcomes),
        "audit_events_kept": sum(o.result.counts.audit_events_added for o in outcomes),
    }


def _after_merge(work: _Fieldwork, lead, shape: str, options: Options) -> Iterator[Figure]:
    scale, packs = work.scale, PACK_COUNTS[work.scale]
    per_20 = packs / PACKS
    if options.wanted("packs.audit_verify"):

        def verify() -> None:
            with lead.sessions() as session:
                report = check_audit(session)
            assert report.intact, report.shown()

        yield Figure(
            "packs.audit_verify_merged_lead_store", "audit verify of the merged lead store "
            "(every chain, head and audited value)", verify, goal=5.0 * per_20, scale=scale,
            info={"shape": shape},
        )  # fmt: skip
    if options.wanted("packs.import_again"):
        changed: list[int] = []

        def again(paths: list[Path]) -> None:
            outcomes = import_packs(lead, paths, PASSPHRASE)
            changed.append(sum(o.result.counts.added + o.result.counts.changed for o in outcomes))
            assert changed[-1] == 0, "importing again changed the store"

        yield Figure(
            "packs.import_again_same_files", f"importing the same {packs} files again "
            "(recognised, changing nothing)", lambda: again(work.paths), goal=0.5 * per_20,
            scale=scale, info={"shape": shape},
        )  # fmt: skip
        rounds = iter(range(10_000))

        def reexported() -> Sample:
            n = next(rounds)
            paths = [
                export_pack(store, work.inspection_id, work.folder / f"again{n}-{i}.wbpack").path
                for i, store in enumerate(work.stores)
            ]
            return clock(lambda: again(paths))

        yield Figure(
            "packs.import_again_reexported_unchanged", f"importing {packs} packs exported "
            "afresh with nothing changed (new files, changing nothing)", reexported,
            goal=1.0 * per_20, scale=scale, info={"shape": shape},
        )  # fmt: skip


def figures(folder: Path, options: Options, every_field: bool) -> Iterator[Figure]:
    shape = "audit_every_field" if every_field else "audit_per_case"
    for scale in options.scales:
        if not options.wanted("packs.export", "packs.merge", "packs.audit_verify",
                              "packs.import"):  # fmt: skip
            return
        sub = folder / scale
        sub.mkdir()
        work = _Fieldwork(sub, scale, every_field)
        try:
            yield from merge_figures(work, shape, options)
        finally:
            work.close()


def main() -> int:
    """``--audit-per-case``: audit only each record's creation (smaller packs), to compare."""
    options = parse_options()
    every_field = "--audit-per-case" not in sys.argv[1:]
    with tempfile.TemporaryDirectory() as name:
        return report(figures(Path(name), options, every_field), options)


if __name__ == "__main__":
    sys.exit(main())
