"""Window benchmarks with a store of 10,000 cases (1x) and 100,000 (10x), offscreen.

- ui.startup_shown and ui.startup_cases_listed: launching a fresh process on the real
  ``ui.app.run`` path, two figures from each run: until the main window's first paint has
  finished, and until its case list holds every case. The baseline of both: a bare
  QApplication + empty QMainWindow started and timed the same way, alternately, in the same
  run. Goals: shown under 1.5 s and within 3x of the bare window; every case listed within
  3x of the bare window at 10,000 cases and under 1.5 s at 100,000.

  The store is encrypted (SQLCipher), its passphrase in ``WORKBENCH_STORE_PASSPHRASE``
  (``_common``), so the child derives its key (PBKDF2-HMAC-SHA512, 256,000 iterations, by
  design; ``store.kdf`` times it) before it can read a row. The window reads its case list
  without SQLAlchemy (``ui.quick_start``): with the passphrase in the environment, on a
  thread from the start of ``ui.app.run``, beside the building of the window, so the
  derivation costs the figure only what of it does not overlap that; the rest of the store
  (SQLAlchemy, checks, the grading panel's case, the lead's dashboard) is attached after the
  list is painted. ``kdf_s`` (the derivation alone, in this process) and
  ``listed_after_shown_s`` (the median wait from the first paint to every case listed) are
  reported beside the figure. The first paint is watched by an event filter on the main
  window alone, installed as it is shown (``QMainWindow.show``), in both children. (It was
  a filter on the whole application: that hands every event of every object to Python, a
  few thousand while the workbench builds its window, and the first event of an object of
  one of Qt's own classes, a scroll area's gesture manager, has PySide6 load every class it
  has, enums and all, to name it: MainWindow() took 33-65 ms with such a filter and 14-18 ms
  without, while the bare window, with no scroll area, paid nothing. A user's process has no
  such filter before the first paint; the workbench's own screen keeper waits for it.) A
  person who types the passphrase waits for the dialog instead: the derivation then
  follows the first paint, about ``kdf_s`` more. The children run from compiled bytecode,
  as an installed workbench does (``PYTHONDONTWRITEBYTECODE`` is not passed on, so the
  warm-up run writes it).
- ui.select_case: p95 of selecting another case in the list and painting its grading
  panel. Goal: under 100 ms (the process's peak memory is reported beside it).
- ui.search_filter: the slowest of typing searches into the search box, list repainted.
  Goal: under 100 ms.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(ROOT))

from _common import (  # noqa: E402
    UNITS,
    case_row,
    fill_graded_cases,
    new_store,
    percentile,
)
from harness import Figure, Options, Sample, emit, parse_options, report  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from db import cipher  # noqa: E402
from db.models import Case, Referral, new_id  # noqa: E402
from workbench.methodology import load_methodology  # noqa: E402
from workbench.store import open_workbench_store  # noqa: E402

CASES, GRADED, REFERRALS = 10_000, 3_000, 120  # the 1x store (bench_store's too)
SCALE_CASES = {"tiny": 300, "1x": CASES, "10x": 100_000}
STARTUP_RUNS = 5
USER = "Alex Inspector"

# Both children print "shown" on the event loop's first turn after their main window's
# first paint (the whole window is painted by then). The workbench child then runs the
# event loop (``QApplication.exec`` is replaced by a loop of ``processEvents``, no sleeps)
# until the case list holds every case, prints "listed" and quits. The paint is watched on
# the main window alone, from its ``show()`` (see the module's docstring for why not on the
# whole application).
FIRST_PAINT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    window = None

    def eventFilter(self, watched, event):
        if self.window is None and event.type() == QEvent.Type.Paint:
            self.window = watched
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: print("shown", flush=True))
        return False

app = QApplication([sys.argv[0]])
first_paint = FirstPaint()
show = QMainWindow.show

def watched_show(window):
    if first_paint.window is None:
        window.installEventFilter(first_paint)
    show(window)

QMainWindow.show = watched_show
"""
BARE_CHILD = (
    FIRST_PAINT
    + """
window = QMainWindow()
window.resize(1280, 760)
window.show()
while first_paint.window is None:
    app.processEvents()
app.processEvents()
"""
)
WORKBENCH_CHILD = (
    FIRST_PAINT
    + """
from PySide6.QtCore import QSettings
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
CASES = int(sys.argv[3])

def until_listed(app):
    while first_paint.window is None or first_paint.window.model.rowCount() < CASES:
        app.processEvents()
    print("listed", flush=True)
    return 0

QApplication.exec = until_listed
from ui.app import run
sys.exit(run(["--db", sys.argv[1]]))
"""
)


def make_store(path: Path, cases: int = CASES) -> str:
    """A store with one inspection of ``cases`` cases: 30% graded, 1.2% referred."""
    graded, referred = cases * GRADED // CASES, cases * REFERRALS // CASES
    store, inspection_id = new_store(path, USER, title="UI benchmark")
    method = load_methodology()
    fill_graded_cases(store, inspection_id, graded)
    rng = random.Random(3)
    now = datetime.now(UTC)
    rows = [
        case_row(
            inspection_id,
            now,
            reference=f"U/{i:06d}",
            category=rng.choice(method.category_ids),
            unit=rng.choice(UNITS),
            opened_on=date(2026, 2, 1),
            assigned_to=f"Inspector {rng.randint(1, 6)}" if i % 3 else USER,
        )
        for i in range(cases - graded)
    ]
    referrals = [
        dict(
            id=new_id(),
            case_id=case["id"],
            raised_by=USER,
            risk_summary="Generated for benchmarking.",
            urgency=rng.choice([u.id for u in method.urgencies]),
            referred_to="Duty inspector",
            referred_at=now,
            status="open",
            revision=1,
            created_at=now,
            updated_at=now,
        )
        for case in rng.sample(rows, referred)
    ]
    with store.sessions.begin() as session:
        session.execute(insert(Case), rows)
        session.execute(insert(Referral), referrals)
    store.close()
    return inspection_id


def time_to_lines(code: str, *args: str) -> dict[str, float]:
    """Seconds from launching a fresh interpreter to each line it prints ("shown", ...)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    # An installed workbench starts from compiled bytecode (pip and PyInstaller write it):
    # the warm-up run writes the project's, which this setting would have every run compile.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    seen = {line.strip(): time.perf_counter() - start for line in child.stdout}
    child.wait(timeout=120)
    if child.returncode != 0 or "shown" not in seen:
        raise RuntimeError(f"the child process never showed its window (exit {child.returncode})")
    return seen


def startup_figures(store_path: Path, scale: str, cases: int) -> Iterator[Figure]:
    settings = str(store_path.parent)  # the window's remembered layout stays in the temp folder
    workbench = (WORKBENCH_CHILD, str(store_path), settings, str(cases))
    time_to_lines(BARE_CHILD)  # warm the file cache for both
    time_to_lines(*workbench)
    listed: list[float] = []
    after_shown: list[float] = []
    bare: list[float] = []

    def shown() -> Sample:
        seen = time_to_lines(*workbench)
        listed.append(seen["listed"])
        after_shown.append(seen["listed"] - seen["shown"])
        return Sample(seen["shown"])

    def bare_window() -> Sample:
        bare.append(time_to_lines(BARE_CHILD)["shown"])
        return Sample(bare[-1])

    baseline = "a bare QApplication + empty QMainWindow in a fresh process, first paint"
    yield Figure(
        "ui.startup_shown", f"a fresh process until the window's first paint ({cases:,} cases)",
        shown, bare_window, baseline, ratio_goal=3.0, goal=1.5, scale=scale,
        repetitions=STARTUP_RUNS, info={"cases": cases},
    )  # fmt: skip
    replay, replay_bare = iter(list(listed)), iter(list(bare))
    waits = {"kdf_s": round(key_derivation(), 4)}
    if after_shown:  # (ui.startup_shown ran: the runs are its)
        waits["listed_after_shown_s"] = round(statistics.median(after_shown), 4)
    yield Figure(
        "ui.startup_cases_listed", f"a fresh process until the case list holds all {cases:,} "
        "cases", lambda: Sample(next(replay)), lambda: Sample(next(replay_bare)), baseline,
        ratio_goal=3.0 if scale != "10x" else None, goal=1.5 if scale == "10x" else None,
        scale=scale, repetitions=STARTUP_RUNS, info={"cases": cases, **waits},
        note="measured in the same runs as ui.startup_shown",
    )  # fmt: skip


def key_derivation() -> float:
    """Seconds to derive a store key as ``db.cipher`` does (the fastest of three)."""
    salt = os.urandom(cipher.SALT_BYTES)
    passphrase = os.environ["WORKBENCH_STORE_PASSPHRASE"].encode()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        hashlib.pbkdf2_hmac("sha512", passphrase, salt, cipher.KDF_ITERATIONS, cipher.KEY_BYTES)
        times.append(time.perf_counter() - start)
    return min(times)


def in_window_figures(store_path: Path, scale: str, options: Options) -> Iterator[Figure]:
    from PySide6.QtCore import QSettings

    from ui.app import application
    from ui.main_window import MainWindow

    app = application()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(store_path.parent))
    store = open_workbench_store(store_path)
    window = MainWindow(store, USER)
    window.show()
    app.processEvents()
    rows = window.model.rowCount()
    rng = random.Random(4)

    def select(row: int) -> float:
        start = time.perf_counter()
        window.table.selectRow(row)
        window.panel.repaint()
        app.processEvents()
        return time.perf_counter() - start

    def selections() -> Sample:
        samples = [select(rng.randrange(rows)) for _ in range(60)]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return Sample(percentile(samples, 95) * 1000,
                      {"median_ms": round(sorted(samples)[30] * 1000, 1),
                       "peak_memory_mb": round(peak)})  # fmt: skip

    select(1)  # the first case of each category builds its form once
    yield Figure("ui.select_case", f"p95 of selecting a case and painting its grading panel, "
                 f"{rows:,} cases listed", selections, goal=100.0, unit="ms", scale=scale,
                 info={"cases": rows, "selections_per_run": 60})  # fmt: skip

    def search(text: str) -> float:
        start = time.perf_counter()
        window.cases.search.setText(text)
        window.table.viewport().repaint()
        app.processEvents()
        return time.perf_counter() - start

    queries = ["U/0001", "G/0042", "central", "inspector 3", "specialist", "U/00", "", "zzz"]

    def searches() -> Sample:
        timings = [(q or "(cleared)", search(q)) for q in queries]
        slowest = max(timings, key=lambda t: t[1])
        return Sample(slowest[1] * 1000, {"slowest_query": slowest[0]})

    search("")
    if options.wanted("ui.search_filter"):
        yield Figure("ui.search_filter", f"the slowest of {len(queries)} searches typed into "
                     f"the search box, {rows:,} cases, list repainted", searches, goal=100.0,
                     unit="ms", scale=scale, info={"cases": rows})  # fmt: skip
    window.close()
    store.close()


def figures(folder: Path, options: Options) -> Iterator[Figure]:
    for scale in options.scales:
        if not options.wanted("ui.startup", "ui.select_case", "ui.search_filter"):
            return
        cases = SCALE_CASES[scale]
        store_path = folder / f"ui-bench-{scale}.sqlite"
        start = time.perf_counter()
        make_store(store_path, cases)
        emit("ui.bench_store", cases=cases, seconds_to_build=round(time.perf_counter() - start, 2))
        if options.wanted("ui.startup"):
            yield from startup_figures(store_path, scale, cases)
        if options.wanted("ui.select_case", "ui.search_filter"):
            yield from in_window_figures(store_path, scale, options)


def main() -> int:
    options = parse_options()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        return report(figures(Path(folder), options), options)


if __name__ == "__main__":
    sys.exit(main())
