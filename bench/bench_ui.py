"""Window benchmarks with a 10,000-case store, offscreen. Prints JSON lines.

- ui_startup: launching a fresh process on the real ``ui.app.run`` path, two figures per
  run: ``shown``, until the main window's first paint has finished, and ``cases_listed``,
  until its case list holds all 10,000 cases. Beside them, a bare QApplication + empty
  QMainWindow started and timed the same way in the same run. Goal (for ``shown``): under
  1.5 s and within 3x of the bare window.
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

from _common import (  # noqa: E402
    UNITS,
    case_row,
    emit,
    fill_graded_cases,
    median,
    new_store,
    percentile,
)
from sqlalchemy import insert  # noqa: E402

from db.models import Case, Referral, new_id  # noqa: E402
from workbench.methodology import load_methodology  # noqa: E402
from workbench.store import open_workbench_store  # noqa: E402

CASES, GRADED, REFERRALS = 10_000, 3_000, 120
STARTUP_RUNS = 5
USER = "Alex Inspector"

# Both children print "shown" on the event loop's first turn after their main window's
# first paint (the whole window is painted by then). The workbench child then runs the
# event loop (``QApplication.exec`` is replaced by a loop of ``processEvents``, no sleeps)
# until the case list holds every case, prints "listed" and quits.
FIRST_PAINT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    window = None

    def eventFilter(self, watched, event):
        if (self.window is None and event.type() == QEvent.Type.Paint
                and isinstance(watched, QMainWindow)):
            self.window = watched
            QTimer.singleShot(0, lambda: print("shown", flush=True))
        return False

app = QApplication([sys.argv[0]])
first_paint = FirstPaint()
app.installEventFilter(first_paint)
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


def make_store(path: Path) -> str:
    """A store with one inspection of 10,000 cases: 3,000 graded, 120 referred."""
    store, inspection_id = new_store(path, USER, title="UI benchmark")
    method = load_methodology()
    fill_graded_cases(store, inspection_id, GRADED)
    rng = random.Random(3)
    now = datetime.now(UTC)
    cases = [
        case_row(
            inspection_id,
            now,
            reference=f"U/{i:06d}",
            category=rng.choice(method.category_ids),
            unit=rng.choice(UNITS),
            opened_on=date(2026, 2, 1),
            assigned_to=f"Inspector {rng.randint(1, 6)}" if i % 3 else USER,
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
    return inspection_id


def time_to_lines(code: str, *args: str) -> dict[str, float]:
    """Seconds from launching a fresh interpreter to each line it prints ("shown", ...)."""
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
    seen = {line.strip(): time.perf_counter() - start for line in child.stdout}
    child.wait(timeout=120)
    if child.returncode != 0 or "shown" not in seen:
        raise RuntimeError(f"the child process never showed its window (exit {child.returncode})")
    return seen


def bench_startup(store_path: Path) -> None:
    settings = str(store_path.parent)  # the window's remembered layout stays in the temp folder
    workbench = (WORKBENCH_CHILD, str(store_path), settings, str(CASES))
    time_to_lines(BARE_CHILD)  # warm the file cache for both
    time_to_lines(*workbench)
    bare, shown, listed = [], [], []
    for _ in range(STARTUP_RUNS):
        bare.append(time_to_lines(BARE_CHILD)["shown"])
        seen = time_to_lines(*workbench)
        shown.append(seen["shown"])
        listed.append(seen["listed"])
    shown_s, listed_s, bare_s = median(shown), median(listed), median(bare)
    emit(
        "ui_startup",
        cases=CASES,
        shown_seconds=round(shown_s, 3),
        cases_listed_seconds=round(listed_s, 3),
        bare_qt_seconds=round(bare_s, 3),
        ratio=round(shown_s / bare_s, 2),
        cases_listed_ratio=round(listed_s / bare_s, 2),
        runs=STARTUP_RUNS,
        slowest_shown_seconds=round(max(shown), 3),
        slowest_cases_listed_seconds=round(max(listed), 3),
        goal="shown under 1.5 s and within 3x of a bare QApplication + empty QMainWindow",
        met=shown_s < 1.5 and shown_s / bare_s <= 3,
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
