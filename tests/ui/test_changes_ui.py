"""The window's one change signal: a change a service commits, wherever it was made, reaches
the case list and every open view; a change in another store does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from db.engine import Store
from ui.case_model import REFERRAL
from ui.main_window import MainWindow
from ui.worker import run_task
from workbench.changes import Changes, Topic
from workbench.identity import set_user_name
from workbench.services.caselist import case_rows
from workbench.services.demo import create_demo
from workbench.services.referrals import raise_referral
from workbench.store import open_workbench_store

USER = "Alex Inspector"


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.open_inspection(create_demo(store))
    return main


def _unreferred_row(window: MainWindow) -> int:
    model = window.model
    return next(r for r in range(model.rowCount()) if not model.row_at(r).referred)


def test_a_referral_raised_elsewhere_flags_the_case_and_fills_the_register(
    qtbot, window: MainWindow
) -> None:
    window.actions["view.referrals"].trigger()
    register = window.docks["referrals"].widget()
    before = register.model.rowCount()
    row = _unreferred_row(window)
    case = window.model.row_at(row)
    heard: list[Changes] = []
    window.changes.changed.connect(heard.append)

    raise_referral(window.store, case.id, risk_summary="Still at risk", urgency="urgent")

    assert [c.topics for c in heard] == [{Topic.REFERRALS}]
    shown = next(r for r in range(window.model.rowCount()) if window.model.row_at(r).id == case.id)
    assert window.model.data(window.model.index(shown, REFERRAL)) == "Open"
    assert register.model.rowCount() == before + 1


def test_a_change_on_a_worker_thread_reaches_the_window(qtbot, window: MainWindow) -> None:
    case = window.model.row_at(_unreferred_row(window))
    threads: list[QThread] = []
    window.changes.changed.connect(lambda _changes: threads.append(QThread.currentThread()))
    with qtbot.waitSignal(window.changes.changed, timeout=10_000) as caught:
        task = run_task(
            window,
            "Referring",
            lambda _progress: raise_referral(
                window.store, case.id, risk_summary="Still at risk", urgency="routine"
            ),
            lambda _referral_id: None,
        )
    assert caught.args[0].case_id == case.id
    assert threads == [QApplication.instance().thread()]  # the views run in the GUI thread
    qtbot.waitUntil(lambda: task.done)
    qtbot.waitUntil(lambda: window.cases.index.get(case.id).referred)


def test_a_change_in_another_store_is_not_shown(qtbot, window: MainWindow, tmp_path: Path) -> None:
    other = open_workbench_store(tmp_path / "other.sqlite")
    try:
        set_user_name(other, USER)
        heard: list[Changes] = []
        window.changes.changed.connect(heard.append)
        inspection_id = create_demo(other)
        case = case_rows(other, inspection_id)[0]
        raise_referral(other, case.id, risk_summary="Elsewhere", urgency="urgent")
        assert heard == []
        assert window.inspection_combo.count() == 1
    finally:
        other.close()
