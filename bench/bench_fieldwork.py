"""Fieldwork benchmarks: drawing the sample from the force's full list (100,000 listed at 1x;
at 10x 200,000, the most rows a spreadsheet may hold, see ``workbench.tabular_limits``: a
list of 500,000 is refused in words), and refreshing the lead's dashboard (10,000 and
100,000 cases, 20 inspectors, 12 audit events a case).

The draw runs beside the same draw with the least code (pandas reads the list, a
proportional sample per stratum, sqlite3 writes the drawn rows); the dashboard has no
same-work baseline (the summary's time is printed beside it)."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datetime import timedelta

import pandas as pd
from _common import connect_file, new_store, timed, write_case_csv
from harness import Figure, Options, Sample, clock, parse_options, report
from sqlalchemy import bindparam, func, insert, select

from db.models import Assessment, AuditEvent, Case, new_id
from db.types import utcnow
from workbench.services import dashboard_figures, grading
from workbench.services.dashboard import dashboard
from workbench.services.sampling import draw_sample
from workbench.services.sampling_plan import SamplePlan
from workbench.services.summary import summarise

LISTED = {"tiny": 2_000, "1x": 100_000, "10x": 200_000}  # 10x: the row limit
DASHBOARD_CASES = {"tiny": 200, "1x": 10_000, "10x": 100_000}
INSPECTORS, EVENTS_PER_CASE = 20, 12


def _plain_draw(listing: Path, target: Path, schema: list[str], size: int, seed: int) -> int:
    """The floor of a stratified draw: pandas reads the list, draws from each stratum
    (category and unit) in proportion to its size, and sqlite3 writes the drawn rows."""
    frame = pd.read_csv(listing, dtype=str, keep_default_na=False)
    share = size / len(frame)
    drawn = frame.groupby(["category", "unit"]).sample(frac=share, random_state=seed)
    rows = [(str(uuid.uuid4()), "inspection", *values, "1.1", "2026-01-05T00:00:00+00:00")
            for values in drawn.itertuples(index=False, name=None)]  # fmt: skip
    with sqlite3.connect(target) as conn:
        for statement in schema:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO case_file (id, inspection_id, reference, category, unit, opened_on, "
            "closed_on, child_ref, force_grade, assigned_to, methodology_version, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    return len(rows)


def sampling_figure(folder: Path, scale: str) -> Figure:
    """A stratified draw of 400 cases (by category and unit) from the force's full list."""
    listed = LISTED[scale]
    listing = write_case_csv(folder / f"force-list-{scale}.csv", listed)
    plan = SamplePlan(by=("category", "unit"), size=400)
    runs = iter(range(1000))
    store, _ = new_store(folder / f"schema-{scale}.sqlite")
    store.close()
    with connect_file(folder / f"schema-{scale}.sqlite") as conn:
        schema = [row[0] for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'case_file' AND sql IS NOT NULL "
            "ORDER BY type DESC")]  # fmt: skip

    def draw() -> Sample:
        run = next(runs)
        store, inspection_id = new_store(folder / f"sample-{scale}-{run}.sqlite")
        try:
            found: list = []
            timing = clock(lambda: found.append(draw_sample(store, inspection_id, listing,
                                                            plan, run)))  # fmt: skip
        finally:
            store.close()
        record = found[0]
        timing.info.update(listed=record.listed, drawn=record.drawn, strata=len(record.strata))
        return timing

    def plain() -> Sample:
        run = next(runs)
        return clock(lambda: _plain_draw(listing, folder / f"plain-{scale}-{run}.sqlite",
                                         schema, 400, run))  # fmt: skip

    return Figure(
        "fieldwork.sampling", f"a stratified draw of 400 cases from {listed:,} listed",
        draw, plain, "pandas read_csv, groupby sample and sqlite3.executemany of the drawn rows",
        goal=2.0 * listed / 100_000, scale=scale,
        note="10x at 200,000 listed: the most rows a spreadsheet holds" if scale == "10x" else "",
    )  # fmt: skip


def _fieldwork_store(folder: Path, cases: int):
    """Graded cases shared by 20 inspectors, each assessment with its audit events."""
    from _common import fill_graded_cases

    store, inspection_id = new_store(folder / f"dashboard-{cases}.sqlite")
    fill_graded_cases(store, inspection_id, cases)
    names = [f"Inspector {n:02d}" for n in range(1, INSPECTORS + 1)]
    start = utcnow() - timedelta(days=15)
    with store.sessions.begin() as session:
        conn = session.connection()
        ids = session.execute(select(Assessment.id, Assessment.case_id)).all()
        owners = [
            {"cid": c, "aid": a, "name": names[n % INSPECTORS]} for n, (a, c) in enumerate(ids)
        ]
        cases, assessments = Case.__table__, Assessment.__table__
        conn.execute(
            cases.update()
            .where(cases.c.id == bindparam("cid"))
            .values(assigned_to=bindparam("name")),
            owners,
        )
        conn.execute(
            assessments.update().where(assessments.c.id == bindparam("aid"))
            .values(inspector=bindparam("name")),
            owners,
        )  # fmt: skip
        seq = session.scalar(select(func.max(AuditEvent.seq))) or 0
        events = []
        for n, owner in enumerate(owners):
            moment = start + timedelta(minutes=7 * n)
            for k in range(EVENTS_PER_CASE):
                seq += 1
                events.append(dict(
                    id=new_id(), seq=seq, origin="bench", origin_seq=seq,
                    at=moment + timedelta(seconds=40 * k), actor=owner["name"],
                    action="update", entity="assessment", entity_id=owner["aid"],
                    field="rationale", old_value=None, new_value="x", prev_hash="0" * 64,
                    hash="0" * 64,
                ))  # fmt: skip
        session.execute(insert(AuditEvent), events)
    return store, inspection_id


def dashboard_bench_figures(folder: Path, scale: str) -> Iterator[Figure]:
    cases = DASHBOARD_CASES[scale]
    store, inspection_id = _fieldwork_store(folder, cases)
    dashboard(store, inspection_id)  # the first read warms SQLite's page cache
    with store.sessions() as session:
        case_ids = list(session.scalars(select(Case.id).limit(10)))
    edits = iter(range(10_000))

    def after_a_change() -> Sample:
        # A grade changes (an audited edit), then the view refreshes.
        n = next(edits)
        grading.edit(store, case_ids[n % len(case_ids)], "Inspector 01", "rationale", f"E{n}.")
        return clock(lambda: dashboard(store, inspection_id))

    summary_s = timed(lambda: summarise(store, inspection_id))[0]
    board = dashboard(store, inspection_id)
    info = {
        "cases": board.summary["cases"],
        "inspectors": len(board.inspectors),
        "audit_events": cases * EVENTS_PER_CASE,
        "summary_seconds": round(summary_s, 3),
    }
    goal = 0.3 * cases / 10_000
    yield Figure("fieldwork.dashboard_after_a_change", f"the dashboard refreshed after a grade "
                 f"changes, {cases:,} cases and {INSPECTORS} inspectors", after_a_change,
                 goal=goal, scale=scale, repetitions=5, info=info)  # fmt: skip
    yield Figure("fieldwork.dashboard_unchanged", "the dashboard refreshed with nothing "
                 "changed since the last refresh", lambda: dashboard(store, inspection_id),
                 goal=goal, scale=scale, repetitions=5, info=info)  # fmt: skip

    def after_another_change() -> Sample:
        # Any change but grading (a pack merged, a moderation, a case assigned) reads all:
        # a change made, then what the dashboard knew of grading edits forgotten.
        n = next(edits)
        grading.edit(store, case_ids[n % len(case_ids)], "Inspector 01", "rationale", f"O{n}.")
        dashboard_figures._LAST_READ.clear()
        return clock(lambda: dashboard(store, inspection_id))

    yield Figure("fieldwork.dashboard_after_other_changes", "the dashboard read again whole, "
                 "as after a change that is not a grading edit", after_another_change,
                 goal=goal, scale=scale, repetitions=5, info=info)  # fmt: skip

    store.close()


def figures(folder: Path, options: Options) -> Iterator[Figure]:
    for scale in options.scales:
        sub = folder / scale
        sub.mkdir()
        if options.wanted("fieldwork.sampling"):
            yield sampling_figure(sub, scale)
        if options.wanted("fieldwork.dashboard"):
            yield from (f for f in dashboard_bench_figures(sub, scale) if options.wanted(f.name))


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory() as tmp:
        return report(figures(Path(tmp), options), options)


if __name__ == "__main__":
    sys.exit(main())
