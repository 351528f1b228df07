"""The window says, in a message box, that the store is in use by another workbench when a
change meets another workbench's write; the change is not saved."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

import ui.grading_panel
from db.models import Assessment, Case
from ui.main_window import MainWindow
from workbench.identity import set_user_name
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store
from workbench.store_faults import StoreBusy

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys
from workbench.store import open_workbench_store
from workbench import audit
store = open_workbench_store(sys.argv[1])
with store.sessions.begin() as session:
    audit.record(session, "Other Workbench", "update", "identity", "x", "note", None, "held")
    session.flush()
    print("holding", flush=True)
    sys.stdin.readline()
"""


def test_a_grade_set_while_another_workbench_writes_is_refused_in_a_message(
    qtbot, tmp_path: Path, monkeypatch
):
    from datetime import date

    monkeypatch.setenv("WORKBENCH_BUSY_TIMEOUT", "0.3")
    path = tmp_path / "store.sqlite"
    store = open_workbench_store(path)
    set_user_name(store, "Alex Inspector")
    inspection = create_inspection(store, force="Testshire Police", title="T",
                                   start=date(2026, 1, 5), end=date(2026, 1, 9))  # fmt: skip
    with store.sessions.begin() as session:
        session.add(Case(inspection_id=inspection.id, reference="T/1", category="section_47",
                         unit="North", methodology_version="1.0"))  # fmt: skip
    shown = []
    monkeypatch.setattr(ui.grading_panel, "show_error", lambda parent, exc: shown.append(exc))
    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.panel.case_id is not None)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        window.actions["grade.1"].trigger()  # Ctrl+1: the best grade
    finally:
        holder.communicate("done\n", timeout=60)
    [refusal] = shown
    assert isinstance(refusal, StoreBusy)
    assert str(refusal).startswith("The store is in use by another workbench")
    with store.sessions() as session:
        assert session.scalars(select(Assessment)).all() == []
    window.close()
    store.close()
