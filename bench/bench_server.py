"""Headquarters benchmarks on a local PostgreSQL server, each beside the same work on SQLite.

Every figure's baseline is the same work on SQLite (a store file), alternately in the same
run. The server is ``WORKBENCH_BENCH_PG_URL`` (a URL on which databases can
be created, e.g. ``postgresql+psycopg://postgres@/postgres?host=/tmp/hq&port=54329``), or a
throwaway one started with ``.ci/postgres.sh`` when PostgreSQL is installed; with neither,
it says so and stops.

Goals: push of a 500-case inspection < 5 s (5,000 at 10x: 50 s); merge of 20 packs of 500
cases into the server < 10 s (100 packs at 10x: 50 s); national summary over 100
inspections of 400 cases < 2 s (1x only: the 10x fill would take longer than the run);
1 and 20 concurrent graders, p95 latency (goal < 50 ms) with edits per second beside it,
flat out and each saving five edits a second. Every process runs on this one machine, so
flat out measures the machine's cores as much as the server.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fill_graded_cases, new_store, percentile
from bench_packs import PACK_COUNTS, PASSPHRASE, PER_PACK, _Fieldwork
from harness import Figure, Options, Sample, clock, emit, parse_options, report

from db.models import Case
from workbench.identity import set_user_name
from workbench.packs import import_packs
from workbench.server.national import national_summary
from workbench.server.push import push_inspection
from workbench.server.setup import add_user, init_server
from workbench.services import grading
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

ROOT = Path(__file__).resolve().parents[1]
GRADERS, EDITS_EACH = 20, 40
PUSH_CASES = {"tiny": 30, "1x": 500, "10x": 5_000}
NATIONAL = {"tiny": (5, 20), "1x": (100, 400)}  # inspections, cases each
FORCES = [f"Force {n:02d} Police" for n in range(43)]


@contextmanager
def server():
    """The maintenance URL of a server to create benchmark databases on."""
    given = os.environ.get("WORKBENCH_BENCH_PG_URL")
    if given:
        yield given
        return
    folder = tempfile.mkdtemp(prefix="workbench-bench-pg.")
    started = subprocess.run(
        [str(ROOT / ".ci" / "postgres.sh"), "start", folder], capture_output=True, text=True
    )
    if started.returncode:
        emit("server", skipped=f"no PostgreSQL server: {started.stderr.strip()[-300:]}")
        sys.exit(0)
    try:
        yield started.stdout.strip().replace("/workbench?", "/postgres?")
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres.sh"), "stop", folder], check=False)


def new_database(base: str) -> str:
    """A new database on the server, set up by ``server init``; its URL."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    init_server(url)
    return url


def push_figure(base: str, folder: Path, scale: str) -> Figure:
    cases = PUSH_CASES[scale]
    laptop, inspection_id = new_store(folder / "laptop.sqlite", "Lee Lead")
    fill_graded_cases(laptop, inspection_id, cases)
    runs = iter(range(1000))
    again: list[float] = []

    def push(target) -> Sample:  # type: ignore[no-untyped-def]
        store = open_workbench_store(target)
        try:
            if not isinstance(target, str):
                set_user_name(store, "Lee Lead")
            found: list = []
            timing = clock(lambda: found.append(push_inspection(laptop, inspection_id, store)))
            again.append(clock(lambda: push_inspection(laptop, inspection_id, store)).value)
        finally:
            store.close()
        timing.info.update(records=found[0].added, again_seconds=round(again[-1], 3))
        return timing

    return Figure(
        "server.push", f"pushing an inspection of {cases:,} graded cases to the server",
        lambda: push(new_database(base)), lambda: push(folder / f"sqlite-{next(runs)}.sqlite"),
        "the same push into a SQLite store", goal=5.0 * cases / 500, scale=scale,
        info={"cases": cases},
    )  # fmt: skip


def merge_figure(base: str, folder: Path, scale: str) -> Iterator[Figure]:
    work = _Fieldwork(folder, scale, every_field=True)
    packs = PACK_COUNTS[scale]
    lead = open_workbench_store(work.copy())

    def merge(target) -> Sample:  # type: ignore[no-untyped-def]
        store = open_workbench_store(target)
        try:
            if isinstance(target, str):
                push_inspection(lead, work.inspection_id, store)  # the inspection and its cases
            found: list = []
            timing = clock(lambda: found.append(import_packs(store, work.paths, PASSPHRASE)))
        finally:
            store.close()
        assert all(o.error is None for o in found[0]), [str(o.error) for o in found[0]]
        timing.info["records_added"] = sum(o.result.counts.added for o in found[0])
        return timing

    yield Figure(
        "server.merge", f"merging {packs} packs of {PER_PACK[scale]} cases into the server",
        lambda: merge(new_database(base)), lambda: merge(work.copy()),
        "the same packs merged into a copy of the lead's SQLite store",
        goal=10.0 * packs / 20, scale=scale, info={"packs": packs},
    )  # fmt: skip
    lead.close()
    work.close()


def fill_national(store, inspections: int, cases: int) -> None:
    rng = random.Random(7)
    for n in range(inspections):
        year = 2020 + n % 7
        inspection = create_inspection(
            store, force=FORCES[rng.randrange(len(FORCES))], title=f"Inspection {n}",
            start=date(year, 3, 2), end=date(year, 3, 27),
        )  # fmt: skip
        fill_graded_cases(store, inspection.id, cases, seed=n)


def national_figure(base: str, folder: Path, scale: str) -> Iterator[Figure]:
    inspections, cases = NATIONAL[scale]
    stores = []
    for target in (new_database(base), folder / "n.sqlite"):
        store = open_workbench_store(target)
        if not isinstance(target, str):
            set_user_name(store, "Alex Inspector")
        fill_national(store, inspections, cases)
        national_summary(store)  # warm
        stores.append(store)
    yield Figure(
        "server.national_summary", f"the national summary over {inspections} inspections of "
        f"{cases} cases, warm", lambda: national_summary(stores[0]),
        lambda: national_summary(stores[1]), "the same summary of a SQLite store", goal=2.0,
        scale=scale, info={"inspections": inspections},
    )  # fmt: skip
    for store in stores:
        store.close()


def _grader(target: str, case_ids: list[str], inspector: str, pace: float, results) -> None:
    """``EDITS_EACH`` edits, each against the revision just read; with ``pace``, at most that
    many a second (a person saving as they type), else as fast as they go."""
    store = open_workbench_store(target)
    latencies, refused = [], 0
    began = time.perf_counter()
    for n in range(EDITS_EACH):
        if pace:
            time.sleep(max(0.0, began + n / pace - time.perf_counter()))
        case_id = case_ids[n % len(case_ids)]
        seen = grading.view(store, case_id, inspector).revision
        start = time.perf_counter()
        try:
            grading.edit(store, case_id, inspector, "rationale", f"edit {n}", revision=seen)
        except Exception:  # noqa: BLE001 - counted, the figure says how many
            refused += 1
        latencies.append(time.perf_counter() - start)
    store.close()
    results.put((latencies, refused))


def _login(url: str, login: str) -> str:
    """``url`` as ``login``, an administrator on the server (created if new)."""
    add_user(url, login, "administrator")
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def grader_figures(base: str, folder: Path, scale: str) -> Iterator[Figure]:
    runs = iter(range(1000))
    many = GRADERS if scale != "tiny" else 3  # tiny: the harness's own test, kept short
    for graders, pace in ((1, 0.0), (many, 0.0), (many, 5.0)):
        each = f"{pace:g} edits/s" if pace else "flat out"
        yield Figure(
            f"server.graders_{'one' if graders == 1 else 'many'}_{'paced' if pace else 'flat_out'}",
            f"p95 of a grading edit with {graders} concurrent grader(s), each {each}",
            lambda g=graders, p=pace: _graders(new_database(base), g, p),
            lambda g=graders, p=pace: _graders(folder / f"g{next(runs)}.sqlite", g, p),
            "the same graders on one SQLite store", goal=50.0, unit="ms", scale=scale,
            info={"graders": graders},
        )  # fmt: skip


def _graders(target, graders: int, pace: float) -> Sample:  # type: ignore[no-untyped-def]
    """One round of ``graders`` processes editing at once; p95 of their edits (ms)."""
    kind = "postgresql" if isinstance(target, str) else "sqlite"
    store, inspection_id = new_store(target, "Alex Inspector") if kind == "sqlite" else (
        open_workbench_store(target), None)  # fmt: skip
    if inspection_id is None:
        inspection_id = create_inspection(
            store, force="Benchmark Police", title="Graders", start=date(2026, 1, 5),
            end=date(2026, 1, 30),
        ).id  # fmt: skip
    fill_graded_cases(store, inspection_id, graders * 5)
    with store.sessions() as session:
        ids = list(session.scalars(select(Case.id).where(Case.inspection_id == inspection_id)))
    store.close()
    targets = [str(target)] * graders
    if kind == "postgresql":  # each person under their own login
        targets = [_login(str(target), f"bench.grader{g:02d}") for g in range(graders)]
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_grader, args=(targets[g], ids[g * 5 : g * 5 + 5],
                                              f"Grader {g:02d}", pace, results))
        for g in range(graders)
    ]  # fmt: skip
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=600) for _ in workers]
    wall = time.perf_counter() - start
    for worker in workers:
        worker.join()
    latencies = [s for lat, _ in reports for s in lat]
    return Sample(
        percentile(latencies, 95) * 1000,
        {f"{kind}_edits_per_second": round(len(latencies) / wall, 1),
         f"{kind}_refused": sum(r for _, r in reports)},
    )  # fmt: skip


def figures(base: str, folder: Path, options: Options) -> Iterator[Figure]:
    for scale in options.scales:
        sub = folder / scale
        sub.mkdir()
        if options.wanted("server.push"):
            yield push_figure(base, sub, scale)
        if options.wanted("server.merge"):
            (sub / "merge").mkdir()
            yield from merge_figure(base, sub / "merge", scale)
        if options.wanted("server.national") and scale in NATIONAL:
            yield from national_figure(base, sub, scale)
        if options.wanted("server.graders") and scale != "10x":
            yield from (f for f in grader_figures(base, sub, scale) if options.wanted(f.name))


def main() -> int:
    options = parse_options()
    if not options.wanted("server."):
        return 0
    with server() as base, tempfile.TemporaryDirectory() as name:
        return report(figures(base, Path(name), options), options)


if __name__ == "__main__":
    sys.exit(main())
