"""Report benchmarks: the findings PDF with its per-case annex for 500 graded cases (1x)
and 5,000 (10x), and the XLSX and HTML of the same inspection.

- reports.findings_pdf_render: laying out and writing the PDF of a built document, beside
  the same pages built with bare platypus (``plain_platypus.py``), alternately. Goal: at
  least 60% of plain platypus's throughput, i.e. within 1/0.6 = 1.67x of its time.
- reports.findings_pdf: ``write_findings_pdf`` end to end (reading the store too) in a fresh
  process. Goal: under 10 s for 500 cases (100 s for 5,000; reported).
- reports.findings_pdf_peak_memory: the peak resident memory of those same processes
  (``resource.getrusage``). Goal: under 400 MB at 5,000 cases (enforced).

The cases carry realistic text: a few sentences of evidence notes per stage, a rationale
of several sentences, an answer to every prompt and fact that applies (so the report has its
sections per stage with their prompt and fact tables), one case in ten graded twice and forty
referrals with responses.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import case_row, new_store, random_answers
from harness import Figure, Options, Sample, clock, parse_options, report
from plain_platypus import render as plain_render

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
from workbench.reports import pdf, write_findings_html, write_xlsx
from workbench.reports.data import gather
from workbench.reports.findings import findings_document

CASES = {"tiny": 30, "1x": 500, "10x": 5_000}
RENDER_CASES = {"tiny": 30, "1x": 500, "10x": 2_000}  # in process, beside the baseline
REFERRALS = 40
ROOT = Path(__file__).resolve().parents[1]
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


def fill(store: Store, inspection_id: str, count: int = 500, seed: int = 5) -> None:
    method = load_methodology()
    rng = random.Random(seed)
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    cases, assessments, stage_rows, referrals, events = [], [], [], [], []
    for i in range(count):
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
        if i % max(1, count // REFERRALS) == 0:
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


CHILD = """
import json, resource, sys, time
from pathlib import Path
from workbench.reports import write_findings_pdf
from workbench.store import open_workbench_store
store = open_workbench_store(Path(sys.argv[1]))
start = time.perf_counter()
written = write_findings_pdf(store, sys.argv[2], Path(sys.argv[3]))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "pages": written.pages}))
"""


def _store(folder: Path, cases: int) -> tuple[Store, str]:
    store, inspection_id = new_store(
        folder / f"bench-{cases}.sqlite", force="Benchmark Constabulary",
        title="Benchmark inspection", start=date(2026, 3, 2), end=date(2026, 3, 27),
        fictional=True,
    )  # fmt: skip
    fill(store, inspection_id, cases)
    return store, inspection_id


def render_figure(folder: Path, scale: str) -> Figure:
    cases = RENDER_CASES[scale]
    store, inspection_id = _store(folder, cases)
    data = gather(store, inspection_id)
    document = findings_document(data, None)
    store.close()
    pages: dict[str, int] = {}

    def ours() -> Sample:
        timing = clock(lambda: pages.update(ours=pdf.render(document, data.method,
                                                           folder / "ours.pdf")))  # fmt: skip
        timing.info["pages"] = pages["ours"]
        timing.info["pages_per_second_last_run"] = round(pages["ours"] / timing.value, 1)
        return timing

    def plain() -> Sample:
        timing = clock(lambda: pages.update(plain=plain_render(document, data.method,
                                                               folder / "plain.pdf")))  # fmt: skip
        timing.info["baseline_pages"] = pages["plain"]
        timing.info["baseline_pages_per_second_last_run"] = round(pages["plain"] / timing.value, 1)
        return timing

    return Figure(
        "reports.findings_pdf_render", f"laying out and writing the findings PDF of {cases:,} "
        "cases (the document built beforehand)", ours, plain,
        "the same content as bare platypus (SimpleDocTemplate, Paragraph, Table)",
        ratio_goal=round(1 / 0.6, 2), goal=10.0 * cases / 500, scale=scale,
        note="" if cases == CASES[scale] else f"at {cases:,} cases (5,000 in the end-to-end "
        "figures); the ratio is per page", info={"cases": cases},
    )  # fmt: skip


def end_to_end_figures(folder: Path, scale: str, options: Options) -> Iterator[Figure]:
    cases = CASES[scale]
    store, inspection_id = _store(folder, cases)
    store.close()
    peaks: list[tuple[float, dict]] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def child() -> Sample:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder / f"bench-{cases}.sqlite"), inspection_id,
             str(folder / "child.pdf")], check=True, capture_output=True, text=True, env=env,
            cwd=ROOT, timeout=3600,
        ).stdout  # fmt: skip
        found = json.loads(out.strip().splitlines()[-1])
        info = {"pages": found["pages"], "cases": cases}
        peaks.append((found["peak_mb"], info))
        return Sample(found["seconds"], info)

    yield Figure(
        "reports.findings_pdf", f"write_findings_pdf of {cases:,} graded cases, in a fresh "
        "process (reading the store, building and writing)", child, goal=10.0 * cases / 500,
        scale=scale,
    )  # fmt: skip
    if options.wanted("reports.findings_pdf_peak_memory"):
        recorded = iter(list(peaks))
        yield Figure(
            "reports.findings_pdf_peak_memory", f"peak resident memory of the processes of "
            f"reports.findings_pdf ({cases:,} cases)", lambda: Sample(*next(recorded)),
            goal=400.0, goal_enforced=True, unit="MB", scale=scale,
            note="measured in the same runs as reports.findings_pdf",
        )  # fmt: skip


def other_figures(folder: Path, scale: str) -> Iterator[Figure]:
    cases = CASES[scale] if scale != "10x" else 1_000
    store, inspection_id = _store(folder / "other", cases)
    note = "" if cases == CASES[scale] else f"at {cases:,} cases"
    yield Figure("reports.xlsx", f"the XLSX of {cases:,} graded cases",
                 lambda: write_xlsx(store, inspection_id, folder / "f.xlsx"),
                 goal=5.0 * cases / 500, scale=scale, note=note)  # fmt: skip
    yield Figure("reports.html", f"the findings HTML of {cases:,} graded cases",
                 lambda: write_findings_html(store, inspection_id, folder / "f.html"),
                 goal=5.0 * cases / 500, scale=scale, note=note)  # fmt: skip
    store.close()


def figures(folder: Path, options: Options) -> Iterator[Figure]:
    for scale in options.scales:
        sub = folder / scale
        (sub / "other").mkdir(parents=True)
        if options.wanted("reports.findings_pdf_render"):
            yield render_figure(sub, scale)
        if options.wanted("reports.findings_pdf"):
            yield from end_to_end_figures(sub, scale, options)
        if options.wanted("reports.xlsx", "reports.html"):
            yield from (f for f in other_figures(sub, scale) if options.wanted(f.name))


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory() as folder:
        return report(figures(Path(folder), options), options)


if __name__ == "__main__":
    sys.exit(main())
