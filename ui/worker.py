"""Running long work off the GUI thread, with a progress dialog only when it is slow.

``run_task(parent, title, fn, on_success)`` runs ``fn(progress)`` on a worker ``QThread``
(Anki style): the work itself is a plain ``workbench`` function and never touches a widget;
its progress, result and any error come back to the GUI thread through queued signals, where
the callbacks run. Database work is serialised: tasks run ``fn`` one at a time, in the order
they were started.

A ``QProgressDialog`` appears only if the work is still running after ``DELAY_MS``, so quick
work never flashes a dialog. Cancelling makes the next ``progress`` call raise
``Cancelled`` inside the worker; the service's transaction then rolls back, so nothing is
half-written.

Each running task is kept in ``_running`` until its thread has ended, so neither the task
nor its ``QThread`` is garbage-collected mid-run; ``wait_for_tasks`` (run when the
application quits) cancels and joins whatever is still running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.messages import show_error
from workbench.progress import Progress

DELAY_MS = 500
_PROGRESS_INTERVAL = 0.05  # seconds between progress signals, at most
_running: set[Task] = set()
_quit_hooked = False


class Cancelled(Exception):
    """The user cancelled the work; whatever it had started was rolled back."""


class _Turns:
    """A first-come, first-served lock: tasks run ``fn`` one at a time, in the order given."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._issued = self._serving = 0

    def ticket(self) -> int:
        with self._condition:
            self._issued += 1
            return self._issued - 1

    @contextmanager
    def turn(self, ticket: int) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: self._serving == ticket)
        try:
            yield
        finally:
            with self._condition:
                self._serving += 1
                self._condition.notify_all()


_TURNS = _Turns()


class _Thread(QThread):
    """Runs ``fn(progress)`` once; reports through signals, never touches widgets."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[Progress], Any], cancel: threading.Event) -> None:
        super().__init__()
        self._fn, self._cancel = fn, cancel
        self._ticket = -1
        self._last_emit = 0.0
        self._last_message: str | None = None

    def begin(self) -> None:
        """Take the next turn and start the thread (from the GUI thread)."""
        self._ticket = _TURNS.ticket()
        self.start()

    def run(self) -> None:
        try:
            with _TURNS.turn(self._ticket):
                if self._cancel.is_set():
                    raise Cancelled()
                result = self._fn(self._progress)
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the GUI thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)

    def _progress(self, done: int, total: int, message: str) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        if (
            message != self._last_message
            or done >= total
            or now - self._last_emit >= _PROGRESS_INTERVAL
        ):
            self._last_emit, self._last_message = now, message
            self.progressed.emit(int(done), int(total), str(message))


class Task(QObject):
    """One piece of work in flight; lives in the GUI thread, where its slots run."""

    finished = Signal()  # the callbacks have run and the thread has ended

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[[Progress], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        delay_ms: int,
    ) -> None:
        super().__init__()
        self.title = title
        self.dialog: QProgressDialog | None = None
        self.done = False
        self._parent, self._on_success, self._on_error = parent, on_success, on_error
        self._delay_ms = delay_ms
        self._cancel = threading.Event()
        self._last = (0, 0, title)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        self._thread = _Thread(fn, self._cancel)
        queued = Qt.ConnectionType.QueuedConnection
        self._thread.progressed.connect(self._on_progress, queued)
        self._thread.succeeded.connect(self._on_succeeded, queued)
        self._thread.failed.connect(self._on_failed, queued)
        self._thread.finished.connect(self._on_thread_finished, queued)

    def start(self) -> None:
        _running.add(self)
        self._thread.begin()
        self._timer.start(self._delay_ms)

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    def wait(self) -> None:
        """Block until the worker thread has ended (used at shutdown)."""
        self._thread.wait()

    @Slot()
    def _show_dialog(self) -> None:
        if self.done or not self._parent_alive():
            return
        dialog = QProgressDialog(self._last[2], "Cancel", 0, 0, self._parent)
        dialog.setWindowTitle(self.title)
        dialog.setAccessibleName(f"Progress: {self.title}")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self._on_cancel_clicked)
        self.dialog = dialog
        self._update_dialog()
        dialog.show()

    @Slot()
    def _on_cancel_clicked(self) -> None:
        self.cancel()
        if (dialog := self._live_dialog()) is not None:
            dialog.setLabelText("Cancelling; nothing will be half-written…")

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self._last = (done, total, message or self.title)
        self._update_dialog()

    def _update_dialog(self) -> None:
        dialog = self._live_dialog()
        if dialog is None or self._cancel.is_set():
            return
        done, total, message = self._last
        dialog.setLabelText(message)
        dialog.setMaximum(max(total, 0))
        # Last: on a modal dialog setValue processes events, which may finish this task.
        dialog.setValue(min(done, total) if total > 0 else 0)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._close()
        if self._parent_alive():
            self._on_success(result)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._close()
        if not self._parent_alive():
            return
        if self._on_error is not None:
            self._on_error(exc)
        elif not isinstance(exc, Cancelled):
            show_error(self._parent, exc)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread.wait()
        _running.discard(self)
        self.finished.emit()

    def _close(self) -> None:
        self.done = True
        self._timer.stop()
        if (dialog := self._live_dialog()) is not None:
            dialog.close()
            dialog.deleteLater()
        self.dialog = None

    def _live_dialog(self) -> QProgressDialog | None:
        """The progress dialog, if it is shown and Qt has not deleted it."""
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            return self.dialog
        return None

    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)


def run_task(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    delay_ms: int = DELAY_MS,
) -> Task:
    """Run ``fn(progress)`` on a worker thread; call back on the GUI thread.

    ``on_success(result)`` runs when ``fn`` returns; if it raises, ``on_error(exc)`` runs, or
    when no ``on_error`` is given the error is shown with ``show_error`` (a ``Cancelled``
    error is then silent). Callbacks are skipped if ``parent`` has been deleted meanwhile.
    """
    _hook_quit()
    task = Task(parent, title, fn, on_success, on_error, delay_ms)
    task.start()
    return task


def running_tasks() -> list[Task]:
    return list(_running)


def wait_for_tasks() -> None:
    """Cancel and join every running task (at quit), so no thread outlives the application."""
    for task in list(_running):
        task.cancel()
        task.wait()
    QCoreApplication.processEvents()


def _hook_quit() -> None:
    global _quit_hooked
    app = QCoreApplication.instance()
    if app is not None and not _quit_hooked:
        app.aboutToQuit.connect(wait_for_tasks)
        _quit_hooked = True
