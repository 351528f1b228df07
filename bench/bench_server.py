"""Headquarters benchmarks on a local PostgreSQL server, each beside the same work on SQLite.

Prints JSON lines. The server is ``WORKBENCH_BENCH_PG_URL`` (a URL on which databases can
be created, e.g. ``postgresql+psycopg://postgres@/postgres?host=/tmp/hq&port=54329``), or a
throwaway one started with ``.ci/postgres.sh`` when PostgreSQL is installed; with neither,
it says so and stops.

Goals: push of a 500-case inspection < 5 s; merge of 20 packs of 500 cases into the server
< 10 s; national summary over 100 inspections of 400 cases < 2 s; 20 concurrent graders,
edits per second and p95 latency (goal p95 < 50 ms), once flat out and once each saving
five edits a second. Every process runs on this one machine, so flat out measures the
machine's cores as much as the server.
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
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import emit, fill_graded_cases, new_store, percentile, timed
from bench_packs import PACKS, PASSPHRASE, fill_inspector, lead_store

from db.backups import copy_store
from db.models import Case
from workbench.identity import set_user_name
from workbench.packs import export_kit, export_pack, import_kit, import_packs
from workbench.server.national import national_summary
from workbench.server.push import push_inspection
from workbench.server.setup import add_user, init_server
from workbench.services import grading
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

ROOT = Path(__file__).resolve().parents[1]
GRADERS, EDITS_EACH = 20, 40
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


def bench_push(base: str, folder: Path) -> None:
    laptop, inspection_id = new_store(folder / "laptop.sqlite", "Lee Lead")
    fill_graded_cases(laptop, inspection_id, 500)
    targets = {"postgresql": new_database(base), "sqlite": folder / "other.sqlite"}
    figures = {}
    for kind, target in targets.items():
        store = open_workbench_store(target)
        if kind == "sqlite":
            set_user_name(store, "Lee Lead")
        seconds, result = timed(lambda s=store: push_inspection(laptop, inspection_id, s))
        again, _ = timed(lambda s=store: push_inspection(laptop, inspection_id, s))
        figures[kind] = (round(seconds, 3), round(again, 3), result.added)
        store.close()
    emit(
        "server.push_500_cases", seconds=figures["postgresql"][0], goal_seconds=5.0,
        again_seconds=figures["postgresql"][1], records=figures["postgresql"][2],
        sqlite_seconds=figures["sqlite"][0], sqlite_again_seconds=figures["sqlite"][1],
    )  # fmt: skip
    laptop.close()


def bench_merge(base: str, folder: Path) -> None:
    lead, inspection_id = lead_store(folder)
    paths = []
    for n in range(PACKS):
        inspector = f"Inspector {n:02d}"
        kit = export_kit(lead, inspection_id, inspector, folder / f"{n}.wbkit", PASSPHRASE)
        store = open_workbench_store(folder / f"inspector{n}.sqlite")
        import_kit(store, kit.path, kit.code)
        fill_inspector(store, inspection_id, inspector, seed=n, every_field=True)
        paths.append(export_pack(store, inspection_id, folder / f"{n}.wbpack").path)
        store.close()
    hq = open_workbench_store(new_database(base))
    push_inspection(lead, inspection_id, hq)  # the inspection and its 10,000 cases
    copy_store(lead, folder / "lead-copy.sqlite")  # with what is still in its WAL (the kits)
    copy = open_workbench_store(folder / "lead-copy.sqlite")
    figures = {}
    for kind, store in (("postgresql", hq), ("sqlite", copy)):
        seconds, outcomes = timed(lambda s=store: import_packs(s, paths, PASSPHRASE))
        assert all(o.error is None for o in outcomes), [str(o.error) for o in outcomes]
        figures[kind] = (round(seconds, 3), sum(o.result.counts.added for o in outcomes))
    emit(
        "server.merge_20_packs_of_500", seconds=figures["postgresql"][0], goal_seconds=10.0,
        records_added=figures["postgresql"][1], sqlite_seconds=figures["sqlite"][0],
    )  # fmt: skip
    for store in (hq, copy, lead):
        store.close()


def fill_national(store) -> None:
    rng = random.Random(7)
    for n in range(100):
        year = 2020 + n % 7
        inspection = create_inspection(
            store, force=FORCES[rng.randrange(len(FORCES))], title=f"Inspection {n}",
            start=date(year, 3, 2), end=date(year, 3, 27),
        )  # fmt: skip
        fill_graded_cases(store, inspection.id, 400, seed=n)


def bench_national(base: str, folder: Path) -> None:
    figures = {}
    for kind, target in (("postgresql", new_database(base)), ("sqlite", folder / "n.sqlite")):
        store = open_workbench_store(target)
        if kind == "sqlite":
            set_user_name(store, "Alex Inspector")
        fill_national(store)
        national_summary(store)  # warm
        seconds, found = timed(lambda s=store: national_summary(s))
        figures[kind] = (round(seconds, 3), found.inspections)
        store.close()
    emit(
        "server.national_summary_100x400", seconds=figures["postgresql"][0], goal_seconds=2.0,
        inspections=figures["postgresql"][1], sqlite_seconds=figures["sqlite"][0],
    )  # fmt: skip


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


def bench_graders(base: str, folder: Path) -> None:
    for graders, pace in ((1, 0.0), (GRADERS, 0.0), (GRADERS, 5.0)):
        _graders(base, folder, pace, graders)


def _graders(base: str, folder: Path, pace: float, graders: int) -> None:
    figures = {}
    sqlite = folder / f"g{graders}-{int(pace)}.sqlite"
    for kind, target in (("postgresql", new_database(base)), ("sqlite", sqlite)):
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
        if kind == "postgresql":  # twenty people, each under their own login
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
        figures[kind] = (
            round(len(latencies) / wall, 1),
            round(percentile(latencies, 95) * 1000, 1),
            sum(r for _, r in reports),
        )
    emit(
        f"server.{graders}_concurrent_graders",
        each_grader=f"{pace:g} edits/s" if pace else "flat out",
        edits_per_second=figures["postgresql"][0],
        p95_ms=figures["postgresql"][1], goal_p95_ms=50.0, refused=figures["postgresql"][2],
        sqlite_edits_per_second=figures["sqlite"][0], sqlite_p95_ms=figures["sqlite"][1],
        sqlite_refused=figures["sqlite"][2],
    )  # fmt: skip


def main() -> None:
    only = set(sys.argv[1:])
    with server() as base, tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for label, bench in (("push", bench_push), ("merge", bench_merge),
                             ("national", bench_national), ("graders", bench_graders)):  # fmt: skip
            if not only or label in only:
                sub = folder / label
                sub.mkdir()
                bench(base, sub)


if __name__ == "__main__":
    main()
