"""Foundation benchmarks: case import, one grading edit, the summary in process.

Each figure runs beside a baseline doing the same work with plain ``sqlite3`` (and pandas
to read the file), alternately in the same run, so the ratio means something on a noisy
machine. Sizes: 10,000 cases (1x) and 100,000 (10x); the grading edit on a store of 2,000
and 20,000 graded cases.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import connect_file, fill_graded_cases, new_store, percentile, write_case_csv
from harness import Figure, Options, Sample, clock, parse_options, report

from db.models import Case
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.summary import summarise
from workbench.store import open_workbench_store

CASES = {"tiny": 200, "1x": 10_000, "10x": 100_000}
EDIT_STORE = {"tiny": 100, "1x": 2_000, "10x": 20_000}
EDITS = {"tiny": 20, "1x": 200, "10x": 200}


def baseline_import(csv: Path, db: Path, schema: list[str]) -> None:
    """The floor: pandas reads the file, sqlite3.executemany writes the same rows (with
    their ids and inspection) into a table of the same schema and indexes."""
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    now = datetime.now(UTC).isoformat()
    rows = [
        (str(uuid.uuid4()), "inspection", *values, "1.0", now)
        for values in frame.itertuples(index=False, name=None)
    ]
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        for statement in schema:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO case_file (id, inspection_id, reference, category, unit, opened_on, "
            "closed_on, child_ref, force_grade, assigned_to, methodology_version, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )


def case_file_schema(store_path: Path) -> list[str]:
    """The case table's CREATE statements (table and indexes). The baseline leaves foreign
    keys off, as sqlite3 does by default, so the inspection table is not needed."""
    with connect_file(store_path) as conn:
        found = conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'case_file' AND sql IS NOT NULL "
            "ORDER BY type DESC"
        ).fetchall()
    return [row[0] for row in found]


def import_figure(folder: Path, scale: str) -> Figure:
    csv = write_case_csv(folder / f"cases-{scale}.csv", CASES[scale])
    runs = iter(range(1000))
    new_store(folder / "schema.sqlite")[0].close()
    schema = case_file_schema(folder / "schema.sqlite")

    def work() -> Sample:
        store, inspection_id = new_store(folder / f"import-{scale}-{next(runs)}.sqlite")
        try:
            return clock(lambda: import_cases(store, inspection_id, csv))
        finally:
            store.close()

    def baseline() -> Sample:
        target = folder / f"baseline-{scale}-{next(runs)}.sqlite"
        return clock(lambda: baseline_import(csv, target, schema))

    return Figure(
        "core.case_import", f"importing a CSV of {CASES[scale]:,} cases into a new store",
        work, baseline, "pandas.read_csv and sqlite3.executemany of the same rows and indexes",
        ratio_goal=4.0, goal=2.0 * CASES[scale] / 10_000, scale=scale, info={"cases": CASES[scale]},
    )  # fmt: skip


def _edit_latencies(edit, case_ids: list[str], tag: str) -> Sample:
    samples = []
    for i, case_id in enumerate(case_ids):
        start = time.perf_counter()
        edit(case_id, f"Edited rationale {tag} {i}.")
        samples.append(time.perf_counter() - start)
    return Sample(percentile(samples, 95) * 1000, {"edits": len(samples)})


def _raw_edit(conn: sqlite3.Connection, case_id: str, text: str) -> None:
    """One audited edit with the least code: read the assessment, update it and append an
    audit event chained by its SHA-256, in one transaction."""
    with conn:
        aid, old, revision = conn.execute(
            "SELECT id, rationale, revision FROM assessment WHERE case_id = ? AND inspector = ?",
            (case_id, "Alex Inspector"),
        ).fetchone()
        now = datetime.now(UTC).isoformat()
        conn.execute(
            "UPDATE assessment SET rationale = ?, revision = ?, updated_at = ? WHERE id = ?",
            (text, revision + 1, now, aid),
        )
        seq, origin_seq, prev = conn.execute(
            "SELECT seq, origin_seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        line = json.dumps(["Alex Inspector", "update", "assessment", aid, "rationale", old, text,
                           now, prev], sort_keys=True)  # fmt: skip
        conn.execute(
            "INSERT INTO audit_event (id, seq, origin, origin_seq, at, actor, action, entity, "
            "entity_id, field, old_value, new_value, prev_hash, hash) "
            "VALUES (?, ?, 'bench', ?, ?, 'Alex Inspector', 'update', 'assessment', ?, "
            "'rationale', ?, ?, ?, ?)",
            (str(uuid.uuid4()), seq + 1, origin_seq + 1, now, aid, old, text, prev,
             hashlib.sha256(line.encode()).hexdigest()),
        )  # fmt: skip


def edit_figure(folder: Path, scale: str) -> Iterator[Figure]:
    path = folder / f"edit-{scale}.sqlite"
    store, inspection_id = new_store(path)
    fill_graded_cases(store, inspection_id, EDIT_STORE[scale])
    with store.sessions() as session:
        case_ids = list(session.scalars(select(Case.id).limit(EDITS[scale])))
    store.close()
    shutil.copy(path, folder / f"edit-raw-{scale}.sqlite")
    store = open_workbench_store(path)
    conn = connect_file(folder / f"edit-raw-{scale}.sqlite")
    tags = iter(range(1000))

    def work() -> Sample:
        tag = next(tags)
        return _edit_latencies(
            lambda c, t: grading.edit(store, c, "Alex Inspector", "rationale", t), case_ids, tag
        )

    def baseline() -> Sample:
        return _edit_latencies(lambda c, t: _raw_edit(conn, c, t), case_ids, next(tags))

    yield Figure(
        "core.grading_edit", "p95 of one audited grading edit (its own transaction)", work,
        baseline, "sqlite3: read, update the assessment, append a SHA-256-chained audit row",
        goal=20.0, unit="ms", scale=scale,
        info={"store_cases": EDIT_STORE[scale]},
    )  # fmt: skip
    conn.close()
    store.close()


def _raw_summary(conn: sqlite3.Connection, inspection_id: str) -> dict:
    """The floor of the summary: every case's category and grade, every answer counted per
    prompt and answer, per overall grade and category, in one pass over plain rows."""
    rows = conn.execute(
        "SELECT c.id, c.category, c.force_grade, a.status, a.overall_grade, a.answers "
        "FROM case_file c LEFT JOIN assessment a ON a.case_id = c.id WHERE c.inspection_id = ?",
        (inspection_id,),
    ).fetchall()
    overall, by_category, prompts = Counter(), Counter(), Counter()
    for _, category, _, status, grade, answers in rows:
        if status == "graded":
            overall[grade] += 1
            by_category[category, grade] += 1
            for prompt, answer in json.loads(answers or "{}").items():
                prompts[prompt, answer, grade] += 1
    return {"overall": overall, "by_category": by_category, "prompts": prompts}


def summary_figure(folder: Path, scale: str) -> Iterator[Figure]:
    path = folder / f"summary-{scale}.sqlite"
    store, inspection_id = new_store(path)
    fill_graded_cases(store, inspection_id, CASES[scale])
    conn = connect_file(path)
    found = summarise(store, inspection_id)["by_prompt"]
    counted = sum(sum(e["all"]["answers"].values()) for e in found.values())
    yield Figure(
        "core.summary_in_process", f"summarise() of {CASES[scale]:,} graded cases, warm, in "
        "process (by_prompt and by_prompt_grade over every answer)",
        lambda: summarise(store, inspection_id), lambda: _raw_summary(conn, inspection_id),
        "sqlite3 rows and Counters of grades and answers per prompt",
        goal=1.0 * CASES[scale] / 10_000, scale=scale,
        info={"cases": CASES[scale], "prompt_answers_counted": counted},
    )  # fmt: skip
    conn.close()
    store.close()


def figures(folder: Path, options: Options) -> Iterator[Figure]:
    for scale in options.scales:
        if options.wanted("core.case_import"):
            yield import_figure(folder, scale)
        if options.wanted("core.grading_edit"):
            yield from edit_figure(folder, scale)
        if options.wanted("core.summary_in_process"):
            yield from summary_figure(folder, scale)


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory() as tmp:
        return report(figures(Path(tmp), options), options)


if __name__ == "__main__":
    sys.exit(main())
