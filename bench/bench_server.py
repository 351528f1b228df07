"""Headquarters benchmarks on a local PostgreSQL server, each beside the same work on SQLite.

Every figure's baseline is the same work on SQLite (a store file), alternately in the same
run. The server is ``WORKBENCH_BENCH_PG_URL`` (a URL on which databases can
be created, e.g. ``postgresql+psycopg://postgres@/postgres?host=/tmp/hq&port=54329``), or a
throwaway one started with ``.ci/postgres.sh`` when PostgreSQL is installed; with neither,
it says so and stops.

Goals: push of a 500-case inspection < 5 s (5,000 at 10x: 50 s); merge of 20 packs of 500
cases into the server < 10 s (100 packs at 10x: 50 s); national summary over 100
inspections of 400 cases < 2 s (1x only: the 10x fill would take longer than the run).

Graders (1x and tiny only). Each grader is a process with its own login (an administrator, so
that 20 of them may write one inspection), editing the rationale of its own five
assessments, 40 edits each, each against the revision it has just read (the read is not
timed: the window already holds it). A latency is one ``grading.edit`` call, its audited
transaction whole, as the person waits for it. Each grader is connected and has made one
edit (not counted) before the clock starts, as a window open for a while has.

- ``server.graders_one``: one grader alone, edits back to back: the uncontended latency
  (p95, goal < 50 ms).
- ``server.graders_many_paced``: 20 graders at once, each saving one edit every 200 ms on a
  fixed schedule (a slow edit does not lower the load offered), their phases spread as
  people's are: 100 edits/s offered in all. p95 latency, goal < 50 ms. The pace comes from
  what inspectors do: every answer keystroke in the grading panel (Y/P/N/A, a stage grade) is
  one audited edit, and typed text is saved on a pause, so a quick person at the keyboard
  makes one or two edits a second in a burst and far fewer over a day; five a second each is
  at least twice a person's burst rate, and 100 a second is some ten times what 20 people
  make at once. ``started_late_p95_ms`` says how far behind its schedule an edit started:
  when it grows, the machine's cores (the graders' own Python, the server and the rest of the
  machine's load) are short, not the server's locks.
- ``server.graders_many_flat_out``: the same 20 graders each editing back to back: the most
  edits per second sustained (the figure; no goal), p95 beside it. 20 Python processes
  editing back to back on a machine of two cores measure its CPU saturation, so this is a
  capacity, not the latency a user sees.

Every process runs on this one machine: the graders' client work (SQLAlchemy, Python)
competes with the server for the same cores.
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
# Each paced grader saves one edit every 200 ms: see the module docstring for why.
PACE = 5.0
PUSH_CASES = {"tiny": 30, "1x": 500, "10x": 5_000}
NATIONAL = {"tiny": (5, 20), "1x": (100, 400)}  # inspections, cases each
NAMES = (
    "server.push", "server.merge", "server.national_summary", "server.graders_one",
    "server.graders_many_paced", "server.graders_many_flat_out",
)  # fmt: skip
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


def _grader(target: str, case_ids: list[str], inspector: str, pace: float, phase: float,
            ready, go, results) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """``EDITS_EACH`` edits, each against the revision just read (untimed: the window holds
    it). With ``pace``, one edit every ``1 / pace`` seconds from ``phase`` on (a fixed
    schedule, so a slow edit does not slow the offered load), else back to back."""
    store = open_workbench_store(target)
    # Connected and warm before the clock starts (one edit, not counted), as a window that
    # has been open a while is: a new process compiles each statement on its first use.
    grading.edit(store, case_ids[0], inspector, "rationale", "warming up")
    ready.put(None)
    go.wait()
    latencies, late, refused = [], [], 0
    began = time.perf_counter() + phase
    for n in range(EDITS_EACH):
        if pace:
            due = began + n / pace
            time.sleep(max(0.0, due - time.perf_counter()))
            late.append(max(0.0, time.perf_counter() - due))
        case_id = case_ids[n % len(case_ids)]
        seen = grading.view(store, case_id, inspector).revision
        start = time.perf_counter()
        try:
            grading.edit(store, case_id, inspector, "rationale", f"edit {n}", revision=seen)
        except Exception:  # noqa: BLE001 - counted, the figure says how many
            refused += 1
        latencies.append(time.perf_counter() - start)
    store.close()
    results.put((latencies, late, refused))


def _login(url: str, login: str) -> str:
    """``url`` as ``login``, an administrator on the server (created if new)."""
    add_user(url, login, "administrator")
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def grader_figures(base: str, folder: Path, scale: str) -> Iterator[Figure]:
    runs = iter(range(1000))
    many = GRADERS if scale != "tiny" else 3  # tiny: the harness's own test, kept short

    def both(graders: int, pace: float, value: str):  # type: ignore[no-untyped-def]
        return dict(
            work=lambda: _graders(new_database(base), graders, pace, value),
            baseline=lambda: _graders(folder / f"g{next(runs)}.sqlite", graders, pace, value),
            baseline_is="the same graders on one SQLite store", scale=scale,
            info={"graders": graders, "edits_each": EDITS_EACH},
        )  # fmt: skip

    yield Figure(
        "server.graders_one", "p95 of a grading edit by one grader alone, edits back to back",
        goal=50.0, unit="ms", **both(1, 0.0, "p95"),
    )  # fmt: skip
    yield Figure(
        "server.graders_many_paced", f"p95 of a grading edit with {many} graders at once, "
        f"each saving one edit every {1000 / PACE:g} ms ({many * PACE:g} edits/s offered)",
        goal=50.0, unit="ms", **both(many, PACE, "p95"),
    )  # fmt: skip
    yield Figure(
        "server.graders_many_flat_out", f"edits per second the server sustains with {many} "
        "graders at once, each editing back to back (the most, not a latency)",
        unit="edits/s", **both(many, 0.0, "rate"),
    )  # fmt: skip


def _graders(target, graders: int, pace: float, value: str) -> Sample:  # type: ignore[no-untyped-def]
    """One round of ``graders`` processes editing at once: the p95 of their edits (ms) or
    the edits per second they made in all (``value``), with the other beside it."""
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
    phases = random.Random(graders).sample(range(1000), graders)  # people are not in step
    context = multiprocessing.get_context("fork")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    workers = [
        context.Process(target=_grader, args=(
            targets[g], ids[g * 5 : g * 5 + 5], f"Grader {g:02d}", pace,
            phases[g] / 1000 / pace if pace else 0.0, ready, go, results))
        for g in range(graders)
    ]  # fmt: skip
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=600)
    start = time.perf_counter()
    go.set()
    reports = [results.get(timeout=600) for _ in workers]
    wall = time.perf_counter() - start
    for worker in workers:
        worker.join()
    latencies = [s for lat, _, _ in reports for s in lat]
    late = [s for _, behind, _ in reports for s in behind]
    p95, rate = percentile(latencies, 95) * 1000, len(latencies) / wall
    info = {f"{kind}_p95_ms": round(p95, 1), f"{kind}_edits_per_second": round(rate, 1),
            f"{kind}_refused": sum(r for _, _, r in reports)}  # fmt: skip
    if late:  # how far behind its schedule an edit started (the machine's cores, not the server)
        info[f"{kind}_started_late_p95_ms"] = round(percentile(late, 95) * 1000, 1)
    return Sample(p95 if value == "p95" else rate, info)


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
        if options.wanted(*NAMES[3:]) and scale != "10x":
            yield from (f for f in grader_figures(base, sub, scale) if options.wanted(f.name))


def main() -> int:
    options = parse_options()
    if not options.wanted(*NAMES):  # no server started for none of them
        return 0
    with server() as base, tempfile.TemporaryDirectory() as name:
        return report(figures(base, Path(name), options), options)


if __name__ == "__main__":
    sys.exit(main())
