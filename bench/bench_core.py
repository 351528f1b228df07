"""Foundation benchmarks: case import, one grading edit, the summary. Prints JSON lines.

Each is measured beside a baseline run in the same process, so the ratio means something
on a noisy machine.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    connect_file,
    emit,
    fill_graded_cases,
    median,
    new_store,
    percentile,
    timed,
    write_case_csv,
)

from db.models import Case
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.summary import summarise

CASES = 10_000


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


def bench_import(folder: Path) -> None:
    csv = write_case_csv(folder / "cases.csv", CASES)
    store, inspection_id = new_store(folder / "import.sqlite")
    schema = case_file_schema(folder / "import.sqlite")
    base_s, _ = timed(lambda: baseline_import(csv, folder / "baseline.sqlite", schema))
    ours_s, result = timed(lambda: import_cases(store, inspection_id, csv))
    emit(
        "case_import",
        cases=result.added,
        seconds=round(ours_s, 3),
        baseline_seconds=round(base_s, 3),
        ratio=round(ours_s / base_s, 2),
        goal="under 2 s and within 4x of pandas + sqlite3.executemany of the same rows",
    )
    store.close()


def bench_edit(folder: Path) -> None:
    store, inspection_id = new_store(folder / "edit.sqlite")
    fill_graded_cases(store, inspection_id, 2_000)
    with store.sessions() as session:
        case_ids = session.scalars(select(Case.id).limit(200)).all()
    samples = []
    for i, case_id in enumerate(case_ids):
        start = time.perf_counter()
        grading.edit(store, case_id, "Alex Inspector", "rationale", f"Edited rationale {i}.")
        samples.append(time.perf_counter() - start)
    emit(
        "grading_edit",
        edits=len(samples),
        p50_ms=round(median(samples) * 1000, 2),
        p95_ms=round(percentile(samples, 95) * 1000, 2),
        goal="p95 under 20 ms",
    )
    store.close()


def bench_summary(folder: Path) -> None:
    store, inspection_id = new_store(folder / "summary.sqlite")
    fill_graded_cases(store, inspection_id, CASES)
    runs, cpu = [], []
    for _ in range(3):
        started = time.process_time()
        runs.append(timed(lambda: summarise(store, inspection_id))[0])
        cpu.append(time.process_time() - started)
    found = summarise(store, inspection_id)["by_prompt"]
    counted = sum(sum(e["all"]["answers"].values()) for e in found.values())
    emit(
        "summary",
        cases=CASES,
        prompt_answers_counted=counted,
        seconds=round(median(runs), 3),
        cpu_seconds=round(median(cpu), 3),
        goal="under 1 s, with by_prompt and by_prompt_grade over every answer",
    )
    store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_import(folder)
        bench_edit(folder)
        bench_summary(folder)


if __name__ == "__main__":
    main()
