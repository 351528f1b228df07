"""Helpers shared by the benchmarks: timing, JSON-line output and generated data."""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert

from db.engine import Store
from db.models import Assessment, Case, StageJudgement, new_id
from db.types import utcnow
from workbench.identity import set_user_name
from workbench.methodology import load_methodology
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

# Benchmarks run on encrypted stores, as users' are (bench_store compares with plaintext).
os.environ.setdefault("WORKBENCH_STORE_PASSPHRASE", "benchmark lantern orchard 42")

UNITS = ("North", "South", "East", "West", "Central", "Specialist crime")


def connect_file(path: Path):  # type: ignore[no-untyped-def]
    """A DB-API connection to a store file, keyed when it is encrypted."""
    from db import cipher

    key = cipher.store_key(os.environ["WORKBENCH_STORE_PASSPHRASE"])
    return cipher.connect(Path(path), None if cipher.is_plaintext(Path(path)) else key)


def emit(name: str, **figures: object) -> None:
    """Print one benchmark's figures as a JSON line."""
    print(json.dumps({"bench": name, **figures}), flush=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def new_store(path: Path, user: str = "Alex Inspector", **inspection: object) -> tuple[Store, str]:
    """A new store at ``path`` with its user named and one inspection (``inspection`` overrides
    the default force, title and dates). Returns the store and the inspection's id."""
    store = open_workbench_store(path)
    set_user_name(store, user)
    fields = dict(
        force="Benchmark Police", title="Benchmark", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )
    return store, create_inspection(store, **{**fields, **inspection}).id


def case_row(inspection_id: str, now: datetime, **fields: object) -> dict:
    """A case_file row for a bulk insert: a new id (unless ``fields`` has one), the shipped
    methodology's version and ``fields``."""
    return {
        "id": new_id(),
        "inspection_id": inspection_id,
        "methodology_version": load_methodology().version,
        "created_at": now,
        **fields,
    }


def write_case_csv(path: Path, count: int, seed: int = 1) -> Path:
    """A case sample of ``count`` rows in the documented columns."""
    method = load_methodology()
    rng = random.Random(seed)
    lines = ["reference,category,unit,opened_on,closed_on,child_ref,force_grade,assigned_to"]
    for i in range(count):
        category = rng.choice(method.category_ids)
        grade = rng.choice(("", *method.grade_ids))
        opened = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        lines.append(
            f"BN/{i:06d},{category},{rng.choice(UNITS)},{opened},,C{i:06d},{grade},"
            f"Inspector {rng.randint(1, 6)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def random_answers(method, category: str, rng: random.Random) -> dict[str, str]:
    """An answer to every prompt and fact that applies to a case of this category."""
    return {item.id: rng.choice(item.answers).id for item in method.items_for(category)}


def fill_graded_cases(store: Store, inspection_id: str, count: int, seed: int = 2) -> None:
    """Insert ``count`` cases, each with one graded assessment (its stage grades and an
    answer to every prompt and fact that applies)."""
    method = load_methodology()
    rng = random.Random(seed)
    now = utcnow()
    cases, assessments, stages = [], [], []
    for i in range(count):
        category = rng.choice(method.category_ids)
        case_id, assessment_id = new_id(), new_id()
        cases.append(
            case_row(
                inspection_id,
                now,
                id=case_id,
                reference=f"G/{i:06d}",
                category=category,
                unit=rng.choice(UNITS),
                opened_on=date(2026, 3, 1),
                force_grade=rng.choice((None, *method.grade_ids)),
                assigned_to="Alex Inspector",
            )
        )
        grades = [rng.choice(method.grade_ids) for _ in method.stages_for(category)]
        assessments.append(
            dict(
                id=assessment_id,
                case_id=case_id,
                inspector="Alex Inspector",
                status="graded",
                overall_grade=method.worst(grades),
                rationale="Generated for benchmarking.",
                methodology_id=method.id,
                methodology_version=method.version,
                revision=10,
                created_at=now,
                updated_at=now,
                graded_at=now,
                answers=random_answers(method, category, rng),
            )
        )
        for stage, grade in zip(method.stages_for(category), grades, strict=True):
            stages.append(
                dict(
                    id=new_id(),
                    assessment_id=assessment_id,
                    stage_id=stage.id,
                    grade=grade,
                    notes="Evidence noted.",
                )
            )
    with store.sessions.begin() as session:
        session.execute(insert(Case), cases)
        session.execute(insert(Assessment), assessments)
        session.execute(insert(StageJudgement), stages)
