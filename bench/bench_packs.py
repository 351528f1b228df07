"""Findings pack benchmarks: export one 500-case pack, merge 20 of them, import them again.

Prints JSON lines. Twenty inspectors' stores are set up from kits and filled with 500 graded
cases each (every applicable stage graded with notes, every prompt answered, one audit event
per recorded field, a referral every 25 cases), then each exports its pack through the real
code. The merge is compared with a raw ``sqlite3.executemany`` of the same rows into a copy of
the same lead store, in the same run.

Goals: export < 1 s; merge of 20 packs < 5 s with every check on (authority, values, trail
actors); ``audit verify`` of the merged lead store (every chain, head and audited value)
< 5 s; importing all 20 again < 2 s, changing nothing.
The rows the merge writes are assessments (answers inside), stage judgements, referrals and
one audit segment per pack holding its ~24,000 events as the pack carried them; the raw
baseline inserts exactly those rows.
Importing again is measured twice: the very same files (recognised, not merged again) and
the same contents exported afresh (new files, merged in full, changing nothing).
``--audit-per-case`` audits only each record's creation, for packs without the per-field
audit trail (a store's trail is usually most of its pack).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import case_row, connect_file, emit, new_store, timed

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
from workbench.packs.pack import collect
from workbench.services.inspections import get_inspection
from workbench.store import open_workbench_store

PACKS, CASES_PER_PACK = 20, 500
PASSPHRASE = "benchmark passphrase, long enough"
NOTE = "Strategy discussion held within a day; the child was seen and spoken to alone. " * 2


def lead_store(folder: Path):
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
            assigned_to=f"Inspector {i // CASES_PER_PACK:02d}",
        )
        for i in range(PACKS * CASES_PER_PACK)
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


def raw_baseline(lead_path: Path, folder: Path, documents: list) -> tuple[float, int]:
    """``sqlite3.executemany`` of the same rows into a copy of the lead store.

    The same rows the merge writes: assessments (answers as their canonical JSON), stage
    judgements, referrals and their responses, and each pack's audit trail as one segment
    row holding the block the pack carries."""
    target = folder / "raw.sqlite"
    shutil.copy(lead_path, target)
    conn = connect_file(target)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-65536")  # as the merge uses
    tables = {"assessment": [], "stage_judgement": [], "referral": []}
    tables.update(referral_event=[], audit_segment=[])
    for doc in documents:
        for a in doc.assessments:
            row = {k: v for k, v in a.items() if k not in ("stages", "answers")}
            tables["assessment"].append({**row, "answers": canonical_json(a["answers"])})
            tables["stage_judgement"] += [{**s, "assessment_id": a["id"]} for s in a["stages"]]
        tables["referral"] += doc.referrals
        tables["referral_event"] += doc.referral_events
        trail = doc.audit
        tables["audit_segment"].append(
            dict(
                id=new_id(), origin=doc.origin, first_seq=trail.seqs[0], last_seq=trail.seqs[-1],
                events=len(trail), last_hash=trail.digests(len(trail) - 1)[0].hex(),
                lines=zlib.compress(b"\n".join(trail.lines), 6), received_at=doc.exported_at,
            )
        )  # fmt: skip
    rows = sum(len(v) for v in tables.values())
    start = time.perf_counter()
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
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, rows


def import_again(lead, paths: list[Path], name: str, shape: str) -> None:
    """Import packs the lead already holds: timed, and how many records it added or changed."""
    seconds, outcomes = timed(lambda: import_packs(lead, paths, PASSPHRASE))
    emit(
        name,
        seconds=round(seconds, 3),
        goal_seconds=2.0,
        shape=shape,
        added_or_changed=sum(o.result.counts.added + o.result.counts.changed for o in outcomes),
    )


def main() -> None:
    """``--audit-per-case``: audit only each record's creation (smaller packs), to compare."""
    every_field = "--audit-per-case" not in sys.argv[1:]
    shape = "audit_every_field" if every_field else "audit_per_case"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        lead, inspection_id = lead_store(folder)
        paths, exports, documents, stores = [], [], [], []
        for n in range(PACKS):
            inspector = f"Inspector {n:02d}"
            kit = export_kit(lead, inspection_id, inspector, folder / f"{n}.wbkit", PASSPHRASE)
            store = open_workbench_store(folder / f"inspector{n}.sqlite")
            import_kit(store, kit.path, kit.code)
            fill_inspector(store, inspection_id, inspector, seed=n, every_field=every_field)
            seconds, result = timed(
                lambda s=store, n=n: export_pack(s, inspection_id, folder / f"{n}.wbpack")
            )
            exports.append((seconds, result))
            with store.sessions() as session:
                documents.append(
                    collect(session, get_inspection(session, inspection_id), inspector)
                )
            paths.append(result.path)
            stores.append(store)
        seconds, result = exports[0]
        emit(
            "packs.export_500_cases",
            seconds=round(seconds, 3),
            slowest_of_20=round(max(s for s, _ in exports), 3),
            goal_seconds=1.0,
            assessments=result.assessments,
            audit_events=result.audit_events,
            pack_bytes=result.size,
            shape=shape,
        )
        raw_seconds, rows = raw_baseline(lead.path, folder, documents)
        seconds, outcomes = timed(lambda: import_packs(lead, paths, PASSPHRASE))
        assert all(o.error is None for o in outcomes), [str(o.error) for o in outcomes]
        emit(
            "packs.merge_20_packs_of_500",
            seconds=round(seconds, 3),
            goal_seconds=5.0,
            rows_written=rows,
            records_added=sum(o.result.counts.added for o in outcomes),
            audit_events_kept=sum(o.result.counts.audit_events_added for o in outcomes),
            raw_executemany_seconds=round(raw_seconds, 3),
            ratio_to_raw=round(seconds / raw_seconds, 1),
            shape=shape,
        )
        with lead.sessions() as session:
            seconds, report = timed(lambda: check_audit(session))
        assert report.intact, report.shown()
        emit(
            "packs.audit_verify_merged_lead_store",
            seconds=round(seconds, 3),
            goal_seconds=5.0,
            events=report.events,
            records=report.records,
            shape=shape,
        )
        import_again(lead, paths, "packs.import_20_again_same_files", shape)
        again = [
            export_pack(store, inspection_id, folder / f"again{n}.wbpack").path
            for n, store in enumerate(stores)
        ]
        import_again(lead, again, "packs.import_20_reexported_unchanged", shape)
        for store in (*stores, lead):
            store.close()


if __name__ == "__main__":
    main()
