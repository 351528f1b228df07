"""Report benchmarks: the findings PDF with its per-case annex for 500 graded cases (goal:
under 10 s), and the XLSX and HTML of the same inspection. Prints JSON lines.

``seconds`` is wall-clock time; ``cpu_seconds`` (this process's CPU time) is printed beside
it because on a busy machine the first says more about the neighbours than about the code.

The cases carry realistic text: a few sentences of evidence notes per stage, a rationale
of several sentences, an answer to every prompt and fact that applies (so the report has its
sections per stage with their prompt and fact tables), one case in ten graded twice and forty
referrals with responses.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import case_row, emit, new_store, random_answers, timed

from db.engine import Store
from db.models import (
    Assessment,
    Case,
    Referral,
    ReferralEvent,
    StageJudgement,
    new_id,
)
from workbench.methodology import load_methodology
from workbench.reports import write_findings_html, write_findings_pdf, write_xlsx

CASES = 500
REFERRALS = 40
GOAL_SECONDS = 10.0
UNITS = ("North borough", "South borough", "East borough", "West borough", "Central borough")
NOTE = (
    "The officer attended within the hour and saw the child alone. Risks to siblings were "
    "considered and recorded, and a referral was made to children's social care the same day."
)
RATIONALE = " ".join(
    [
        "The initial response was prompt and the child was seen and spoken to alone.",
        "The strategy discussion was held within a day but its actions were not all completed,",
        "and supervision did not pick this up for three weeks.",
        "The investigation was thorough; the suspect was arrested and bail conditions set.",
        "The overall grade reflects the delay in completing the safeguarding actions.",
    ]
)


def _assessment(
    case_id: str, inspector: str, grades: list, stages: list, now: datetime, answers: dict
):
    method = load_methodology()
    assessment_id = new_id()
    row = dict(
        id=assessment_id,
        case_id=case_id,
        inspector=inspector,
        status="graded",
        overall_grade=method.worst(grades),
        rationale=RATIONALE,
        methodology_id=method.id,
        methodology_version=method.version,
        revision=12,
        created_at=now,
        updated_at=now,
        graded_at=now,
        answers=answers,
    )
    lines = [
        dict(id=new_id(), assessment_id=assessment_id, stage_id=s.id, grade=g, notes=NOTE)
        for s, g in zip(stages, grades, strict=True)
    ]
    return row, lines


def fill(store: Store, inspection_id: str, seed: int = 5) -> None:
    method = load_methodology()
    rng = random.Random(seed)
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    cases, assessments, stage_rows, referrals, events = [], [], [], [], []
    for i in range(CASES):
        category = rng.choice(method.category_ids)
        stages = method.stages_for(category)
        case_id = new_id()
        cases.append(
            case_row(
                inspection_id,
                now,
                id=case_id,
                reference=f"BR/{i:05d}",
                category=category,
                unit=rng.choice(UNITS),
                opened_on=date(2025, 11, 1) + timedelta(days=rng.randint(0, 90)),
                force_grade=rng.choice((None, *method.grade_ids)),
                assigned_to="Alex Inspector",
            )
        )
        inspectors = ["Alex Inspector"] + (["Jo Marsh"] if i % 10 == 0 else [])
        for inspector in inspectors:
            grades = [rng.choice(method.grade_ids) for _ in stages]
            answers = random_answers(method, category, rng)
            row, lines = _assessment(case_id, inspector, grades, list(stages), now, answers)
            assessments.append(row)
            stage_rows += lines
        if i % (CASES // REFERRALS) == 0:
            referral_id = new_id()
            referrals.append(
                dict(
                    id=referral_id,
                    case_id=case_id,
                    raised_by="Alex Inspector",
                    risk_summary="The child remains in the home with the suspect; no "
                    "protection plan and the strategy discussion never took place.",
                    urgency=rng.choice([u.id for u in method.urgencies]),
                    referred_to="Detective Inspector, public protection",
                    referred_at=now - timedelta(days=3),
                    status="open",
                    revision=2,
                    created_at=now,
                    updated_at=now,
                )
            )
            events.append(
                dict(
                    id=new_id(),
                    referral_id=referral_id,
                    response="acknowledged",
                    note="Passed to the duty detective inspector.",
                    occurred_at=now - timedelta(days=2),
                    recorded_by="Alex Inspector",
                    created_at=now,
                )
            )
    with store.sessions.begin() as session:
        for model, rows in (
            (Case, cases),
            (Assessment, assessments),
            (StageJudgement, stage_rows),
            (Referral, referrals),
            (ReferralEvent, events),
        ):
            session.execute(insert(model), rows)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        store, inspection_id = new_store(
            Path(folder) / "bench.sqlite",
            force="Benchmark Constabulary",
            title="Benchmark inspection",
            start=date(2026, 3, 2),
            end=date(2026, 3, 27),
            fictional=True,
        )
        fill(store, inspection_id)
        out = Path(folder)
        cpu = time.process_time()
        seconds, written = timed(lambda: write_findings_pdf(store, inspection_id, out / "f.pdf"))
        cpu = time.process_time() - cpu
        pages = written.pages
        text = " ".join(p.extract_text() for p in PdfReader(str(out / "f.pdf")).pages[:40])
        emit(
            "report_findings_pdf",
            cases=CASES,
            pages=pages,
            seconds=round(seconds, 2),
            cpu_seconds=round(cpu, 2),
            pages_per_second=round(pages / seconds, 1),
            stage_sections=text.count("What we found: ") - 7,  # less the contents entries
            megabytes=round((out / "f.pdf").stat().st_size / 1e6, 2),
            goal_seconds=GOAL_SECONDS,
            within_goal=seconds < GOAL_SECONDS,
        )
        seconds, _ = timed(lambda: write_xlsx(store, inspection_id, out / "f.xlsx"))
        emit("report_xlsx", cases=CASES, seconds=round(seconds, 2))
        seconds, _ = timed(lambda: write_findings_html(store, inspection_id, out / "f.html"))
        emit("report_html", cases=CASES, seconds=round(seconds, 2))
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
