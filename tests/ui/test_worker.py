"""The worker thread: results and errors come back to the GUI thread; the progress dialog
appears only for slow work. Slow work is held open by a threading.Event, never a sleep."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget

from ui.worker import DELAY_MS, Cancelled, run_task
from workbench.errors import WorkbenchError

WAIT_MS = DELAY_MS * 10


@pytest.fixture
def release():
    """An event the slow work waits on; always set at the end so no thread is left blocked."""
    event = threading.Event()
    yield event
    event.set()


def visible_progress(widget: QWidget) -> QProgressDialog | None:
    found = [d for d in widget.findChildren(QProgressDialog) if d.isVisible()]
    return found[0] if found else None


def test_fast_work_returns_its_result_without_a_progress_dialog(qtbot, bare_window):
    results, threads = [], []

    def work(progress):
        threads.append(QThread.currentThread())
        progress(1, 1, "Counting")
        return 42

    task = run_task(bare_window, "Counting", work, results.append)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert results == [42]
    assert threads and threads[0] is not bare_window.thread()
    assert task.dialog is None
    assert bare_window.findChildren(QProgressDialog) == []


def test_slow_work_shows_progress_then_closes_it(qtbot, bare_window, release):
    results = []

    def work(progress):
        progress(3, 10, "Reading row 3 of 10")
        release.wait(timeout=30)
        return "imported"

    task = run_task(bare_window, "Importing cases", work, results.append)
    qtbot.waitUntil(lambda: visible_progress(bare_window) is not None, timeout=WAIT_MS)
    dialog = visible_progress(bare_window)
    assert dialog.windowTitle() == "Importing cases"
    assert dialog.labelText() == "Reading row 3 of 10"
    assert (dialog.value(), dialog.maximum()) == (3, 10)
    assert results == []

    release.set()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert results == ["imported"]
    assert visible_progress(bare_window) is None


def test_error_reaches_the_gui_thread_and_on_error(qtbot, bare_window, qapp):
    errors = []

    def work(progress):
        raise WorkbenchError("The file 'cases.csv' is not there.")

    def on_error(exc):
        errors.append((exc, QThread.currentThread() is qapp.thread()))

    task = run_task(bare_window, "Importing", work, lambda result: None, on_error)
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert len(errors) == 1
    exc, on_gui_thread = errors[0]
    assert str(exc) == "The file 'cases.csv' is not there."
    assert on_gui_thread


def test_error_without_on_error_is_shown_in_a_message_box(qtbot, bare_window):
    def work(progress):
        raise WorkbenchError("The store is read-only; copy it to a folder you can write to.")

    task = run_task(bare_window, "Saving", work, lambda result: pytest.fail("no result expected"))
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    boxes = [box for box in bare_window.findChildren(QMessageBox) if box.isVisible()]
    assert [box.text() for box in boxes] == [
        "The store is read-only; copy it to a folder you can write to."
    ]
    boxes[0].close()


def test_cancel_stops_the_work_at_its_next_progress_report(qtbot, bare_window, release):
    errors, reached_the_end = [], []

    def work(progress):
        progress(0, 2, "Waiting")
        release.wait(timeout=30)
        progress(1, 2, "Still going")  # raises Cancelled
        reached_the_end.append(True)

    task = run_task(bare_window, "Merging", work, lambda result: None, errors.append)
    qtbot.waitUntil(lambda: visible_progress(bare_window) is not None, timeout=WAIT_MS)
    cancel_button = visible_progress(bare_window).findChild(QPushButton)
    assert cancel_button.text() == "Cancel"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    assert [type(e) for e in errors] == [Cancelled]
    assert reached_the_end == []
    assert visible_progress(bare_window) is None


def test_database_work_is_serialised(qtbot, bare_window, release):
    order, lock = [], threading.Lock()

    def first(progress):
        with lock:
            order.append("first starts")
        release.wait(timeout=30)
        with lock:
            order.append("first ends")

    def second(progress):
        with lock:
            order.append("second runs")

    one = run_task(bare_window, "One", first, lambda result: None)
    two = run_task(bare_window, "Two", second, lambda result: None)
    qtbot.waitUntil(lambda: order == ["first starts"], timeout=WAIT_MS)
    assert two._thread.isRunning()
    release.set()
    with qtbot.waitSignals([one.finished, two.finished], timeout=WAIT_MS):
        pass
    assert order == ["first starts", "first ends", "second runs"]
