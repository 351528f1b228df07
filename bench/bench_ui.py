"""Window benchmarks with a 10,000-case store, offscreen. Prints JSON lines.

- ui_startup: from launching a fresh process to the main window first shown (the real
  ``ui.app.run`` path), beside a bare QApplication + empty QMainWindow started the same way
  in the same run. Goal: under 1.5 s and within 3x of the bare window.
- ui_select_case: selecting another case in the list and painting its grading panel.
  Goal: under 100 ms.
- ui_search_filter: typing a search into the search box over 10,000 cases, list repainted.
  Goal: under 100 ms.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(ROOT))

from _common import UNITS, emit, fill_graded_cases, median, percentile  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from db.models import Case, Referral, new_id  # noqa: E402
from workbench.methodology import load_methodology  # noqa: E402
from workbench.services.inspections import create_inspection  # noqa: E402
from workbench.store import open_workbench_store, set_user_name  # noqa: E402

CASES, GRADED, REFERRALS = 10_000, 3_000, 120
STARTUP_RUNS = 5
USER = "Alex Inspector"

# Each child prints "shown" once its first window has been shown and painted, then exits.
BARE_CHILD = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 760)
window.show()
app.processEvents()
print("shown", flush=True)
"""
WORKBENCH_CHILD = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])

def first_show_then_quit(app):
    app.processEvents()
    print("shown", flush=True)
    return 0

QApplication.exec = first_show_then_quit
from ui.app import run
sys.exit(run(["--db", sys.argv[1]]))
"""


def make_store(path: Path) -> str:
    """A store with one inspection of 10,000 cases: 3,000 graded, 120 referred."""
    store = open_workbench_store(path)
    set_user_name(store, USER)
    method = load_methodology()
    inspection = create_inspection(
        store, force="Benchmark Police", title="UI benchmark", start=date(2026, 1, 5),
        end=date(2026, 1, 30),
    )  # fmt: skip
    fill_graded_cases(store, inspection.id, GRADED)
    rng = random.Random(3)
    now = datetime.now(UTC)
    cases = [
        dict(
            id=new_id(),
            inspection_id=inspection.id,
            reference=f"U/{i:06d}",
            category=rng.choice(method.category_ids),
            unit=rng.choice(UNITS),
            opened_on=date(2026, 2, 1),
            assigned_to=f"Inspector {rng.randint(1, 6)}" if i % 3 else USER,
            methodology_version=method.version,
            created_at=now,
        )
        for i in range(CASES - GRADED)
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
        for case in rng.sample(cases, REFERRALS)
    ]
    with store.sessions.begin() as session:
        session.execute(insert(Case), cases)
        session.execute(insert(Referral), referrals)
    store.close()
    return inspection.id


def time_to_first_window(code: str, *args: str) -> float:
    """Seconds from launching a fresh interpreter to its 'shown' line."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    line = child.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    child.wait(timeout=120)
    if line != "shown":
        raise RuntimeError(f"the child process never showed its window (exit {child.returncode})")
    return elapsed


def bench_startup(store_path: Path) -> None:
    bare, ours = [], []
    time_to_first_window(BARE_CHILD)  # warm the file cache for both
    settings = str(store_path.parent)  # the window's remembered layout stays in the temp folder
    time_to_first_window(WORKBENCH_CHILD, str(store_path), settings)
    for _ in range(STARTUP_RUNS):
        bare.append(time_to_first_window(BARE_CHILD))
        ours.append(time_to_first_window(WORKBENCH_CHILD, str(store_path), settings))
    ours_s, bare_s = median(ours), median(bare)
    emit(
        "ui_startup",
        cases=CASES,
        seconds=round(ours_s, 3),
        bare_qt_seconds=round(bare_s, 3),
        ratio=round(ours_s / bare_s, 2),
        runs=STARTUP_RUNS,
        slowest_seconds=round(max(ours), 3),
        goal="under 1.5 s and within 3x of a bare QApplication + empty QMainWindow",
        met=ours_s < 1.5 and ours_s / bare_s <= 3,
    )


def bench_in_window(store_path: Path) -> None:
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

    select(1)  # the first case of each category builds its form once
    samples = [select(rng.randrange(rows)) for _ in range(60)]
    emit(
        "ui_select_case",
        cases=rows,
        median_ms=round(median(samples) * 1000, 1),
        p95_ms=round(percentile(samples, 95) * 1000, 1),
        max_ms=round(max(samples) * 1000, 1),
        samples=len(samples),
        goal="under 100 ms",
        met=percentile(samples, 95) < 0.1,
    )

    def search(text: str) -> float:
        start = time.perf_counter()
        window.cases.search.setText(text)
        window.table.viewport().repaint()
        app.processEvents()
        return time.perf_counter() - start

    queries = ["U/0001", "G/0042", "central", "inspector 3", "specialist", "U/00", "", "zzz"]
    search("")
    timings = [(q or "(cleared)", search(q)) for q in queries * 3]
    samples = [seconds for _, seconds in timings]
    emit(
        "ui_search_filter",
        cases=rows,
        median_ms=round(median(samples) * 1000, 1),
        max_ms=round(max(samples) * 1000, 1),
        slowest_query=max(timings, key=lambda t: t[1])[0],
        goal="under 100 ms",
        met=max(samples) < 0.1,
    )
    window.close()
    store.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        store_path = Path(folder) / "ui-bench.sqlite"
        start = time.perf_counter()
        make_store(store_path)
        emit("ui_bench_store", cases=CASES, seconds_to_build=round(time.perf_counter() - start, 2))
        bench_startup(store_path)
        bench_in_window(store_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
