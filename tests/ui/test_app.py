"""Starting the application: the window first, then the store, the first-run name, the demo
offer; a store that cannot be opened; the self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

import workbench.identity
import workbench.store
from db.engine import Store
from db.models import Case
from ui import app
from ui.after_paint import AfterPaint
from ui.dialogs.identity import IdentityDialog
from ui.main_window import MainWindow
from ui.window_fit import ScreenKeeper, room
from workbench.methodology import load_methodology
from workbench.services.inspections import create_inspection, list_inspections
from workbench.store import open_workbench_store

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 60_000  # creating the demo inspection takes a few seconds
NOT_A_STORE = "these are my notes, not a database\n"


@pytest.fixture
def first_run(tmp_path: Path) -> Path:
    """Where the store will be on first run: nothing there yet."""
    return tmp_path / "first-run.sqlite"


def make_cases(store: Store, references: list[str]) -> str:
    method = load_methodology()
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 1, 5), end=date(2026, 1, 9)
    )
    with store.sessions.begin() as session:
        session.add_all(
            Case(
                inspection_id=inspection.id,
                reference=reference,
                category="section_47",
                methodology_version=method.version,
            )
            for reference in references
        )
    return inspection.id


class PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget: QObject) -> None:
        super().__init__(widget)
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


class ListPaints(QObject):
    """The most cases the window's case list held when it was painted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window, self.rows_painted = window, 0
        window.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rows_painted = max(self.rows_painted, self.window.model.rowCount())
        return False


def paints_before_opening(monkeypatch) -> list[dict[str, int]]:
    """What the window had done each time the store was opened (through the real function):
    its paints, the cases listed, and the most cases its list had painted."""
    seen: list[dict[str, int]] = []
    real_open = workbench.store.open_workbench_store

    def watched_open(target, **options):
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.append(
            {
                "paints": sum(c.paints for c in window.findChildren(PaintCounter)),
                "rows": window.model.rowCount(),
                "rows_painted": window.findChild(ListPaints).rows_painted,
            }
        )
        return real_open(target, **options)

    monkeypatch.setattr(workbench.store, "open_workbench_store", watched_open)
    monkeypatch.setattr(app, "build_main_window", counted_window)
    return seen


def counted_window(store: Store | None, name: str) -> MainWindow:
    window = MainWindow(store, name)
    PaintCounter(window)
    ListPaints(window)
    return window


def fill_in_name(monkeypatch, name: str | None) -> list[tuple]:
    """Answer the first-run name dialog as a user would: type ``name`` and save, or cancel.

    Returns what the dialog was shown over: (parent, the parent was visible).
    """
    shown: list[tuple] = []

    def exec_(dialog: IdentityDialog) -> int:
        shown.append((dialog.parentWidget(), dialog.parentWidget().isVisible()))
        if name is None:
            dialog.reject()
        else:
            dialog.name_edit.setText(name)
            dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(IdentityDialog, "exec", exec_)
    return shown


def run_app(qapp: QApplication, argv: list[str]) -> int:
    """``app.run`` with its real event loop; a stuck start-up fails with 99 instead of hanging."""
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: qapp.exit(99))
    guard.start(WAIT_MS)
    try:
        return app.run(argv)
    finally:
        guard.stop()


# --- The window comes first -----------------------------------------------------------------


def test_the_window_is_shown_before_the_store_is_opened(qtbot, store, store_path, monkeypatch):
    inspection_id = make_cases(store, ["T/1", "T/2", "T/3"])
    opened_after = paints_before_opening(monkeypatch)
    ended: list[int] = []

    startup = app.start(str(store_path), ended.append)
    window = startup.window
    qtbot.addWidget(window)

    assert window.isVisible() and startup.store is None and opened_after == []
    assert window.store_label.text() == f"Opening the store at {store_path.resolve()}…"
    assert window.inspection_combo.currentText() == "Opening the store…"
    assert not window.inspection_combo.isEnabled() and not window.cases.isEnabled()
    assert window.model.rowCount() == 0 and not window.progress_bar.isVisible()
    for name in ("file.new_inspection", "file.open_kit", "file.import_cases", "case.referral"):
        assert not window.actions[name].isEnabled(), name

    qtbot.waitUntil(lambda: window.inspection is not None)
    # Painted, then every case listed (read the quick way) and painted, then the store opened.
    assert opened_after == [{"paints": opened_after[0]["paints"], "rows": 3, "rows_painted": 3}]
    assert opened_after[0]["paints"] > 0
    assert window.store_label.text() == f"Store: {store_path.resolve()}"
    assert window.inspection is not None and window.inspection.id == inspection_id
    assert window.user_name == "Alex Inspector" and window.cases.isEnabled()
    assert window.actions["file.new_inspection"].isEnabled()
    assert window.panel.case_id is not None  # the first case is open to grade
    assert window.progress_bar.isVisible() and window.progress_text.text() == "0 of 3 graded"
    assert ended == []
    startup.close()
    assert not window.isVisible()


def test_a_dialog_shown_once_the_window_has_started_still_fits_the_screen(qtbot, store, store_path):
    """The screen keeper is installed only once the main window is painted (it slows the
    window's building): every dialog shown from then on is still made to fit the screen."""
    make_cases(store, ["T/1"])
    qapp = QApplication.instance()
    keeper = qapp.findChild(ScreenKeeper)  # the one the test fixtures installed
    qapp.removeEventFilter(keeper)
    keeper.setParent(None)
    startup = app.start(str(store_path), lambda code: pytest.fail(f"ended with {code}"))
    qtbot.addWidget(startup.window)
    assert qapp.findChild(ScreenKeeper) is None  # not while the window is being built
    qtbot.waitUntil(lambda: startup.window.inspection is not None)

    dialog = QDialog(startup.window)
    qtbot.addWidget(dialog)
    dialog.resize(5000, 5000)
    dialog.show()
    qtbot.waitExposed(dialog)
    most = room(dialog)
    assert dialog.width() <= most.width() and dialog.height() <= most.height()
    dialog.close()
    startup.close()


def test_a_window_never_painted_still_opens_its_store_once(qtbot):
    hidden = QWidget()  # as a window started minimised: never asked to paint
    qtbot.addWidget(hidden)
    called: list[str] = []
    AfterPaint(hidden, lambda: called.append("opened"))
    qtbot.waitUntil(lambda: called == ["opened"])
    hidden.show()
    qtbot.waitExposed(hidden)
    hidden.repaint()
    QApplication.processEvents()
    assert called == ["opened"]


def test_the_window_modules_load_without_the_database_layer():
    code = (
        "import sys, ui.app, ui.main_window\n"
        "heavy = ('sqlalchemy', 'db', 'pandas', 'alembic')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "sqlalchemy" not in done.stdout.split(), f"imported with the window: {done.stdout}"
    assert done.stdout.split() == [], f"imported with the window: {done.stdout}"


def test_a_whole_session_through_run_ends_when_the_window_is_closed(qapp, store, store_path):
    make_cases(store, ["T/1", "T/2"])
    listed: list[int] = []

    def quit_once_listed() -> None:
        [window] = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        if window.store is None:  # not opened yet: look again on the next turn
            QTimer.singleShot(0, quit_once_listed)
            return
        listed.append(window.model.rowCount())
        window.actions["file.quit"].trigger()

    QTimer.singleShot(0, quit_once_listed)
    assert run_app(qapp, ["--db", str(store_path)]) == 0
    assert listed == [2]
    assert not [w for w in qapp.topLevelWidgets() if w.isVisible()]


# --- A store that cannot be opened ----------------------------------------------------------


def test_a_file_that_is_not_a_store_is_refused_with_a_message(qapp, tmp_path, monkeypatch):
    shown = []

    def show_error(parent, exc, wait=False):
        shown.append((str(exc), parent, parent.isVisible(), wait))

    monkeypatch.setattr(app, "show_error", show_error)
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text(NOT_A_STORE)

    assert run_app(qapp, ["--db", str(not_a_store)]) == 1
    [(message, parent, visible, waited)] = shown
    assert "is not a workbench store" in message
    assert isinstance(parent, MainWindow) and visible and waited  # over the window, read first
    assert not parent.isVisible()  # and the application has ended
    assert not_a_store.read_text() == NOT_A_STORE


def test_a_store_that_cannot_be_opened_ends_start_up_with_1(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(app, "show_error", lambda parent, exc, wait=False: shown.append(str(exc)))
    missing = tmp_path / "no such folder" / "store.sqlite"
    ended: list[int] = []

    startup = app.start(str(missing), ended.append)
    qtbot.addWidget(startup.window)
    qtbot.waitUntil(lambda: ended == [1])
    assert startup.exit_code == 1 and startup.store is None
    assert len(shown) == 1 and "does not exist" in shown[0]
    assert startup.window.model.rowCount() == 0
    startup.close()


def test_a_fault_while_opening_is_shown_as_one_and_ends_start_up(qtbot, store_path, monkeypatch):
    shown = []
    monkeypatch.setattr(app, "show_error", lambda parent, exc, wait=False: shown.append(exc))

    def broken(target, **options):
        raise RuntimeError("the disk controller caught fire")

    monkeypatch.setattr(workbench.store, "open_workbench_store", broken)
    ended: list[int] = []
    startup = app.start(str(store_path), ended.append)
    qtbot.addWidget(startup.window)
    qtbot.waitUntil(lambda: ended == [70])  # an internal error, not a refusal (1)
    [fault] = shown
    assert isinstance(fault, RuntimeError)  # shown as a fault, with its details, not swallowed
    startup.close()


def test_an_internal_error_is_shown_in_one_line_naming_the_log(qapp, tmp_path, monkeypatch):
    from ui.messages import error_text
    from workbench import logs

    monkeypatch.setattr(logs, "_configured", None)
    monkeypatch.setenv("WORKBENCH_LOG_DIR", str(tmp_path))
    before = list(logs.log.handlers)
    logs.configure_logging()
    try:
        raise RuntimeError("the disk controller caught fire")
    except RuntimeError as exc:
        text, details = error_text(exc)
    finally:
        for handler in set(logs.log.handlers) - set(before):
            logs.log.removeHandler(handler)
            handler.close()
    log_file = tmp_path / "workbench.log"
    assert text.endswith(
        f"An internal error: RuntimeError: the disk controller caught fire; details in {log_file}."
    )
    assert "Traceback" in details and "Traceback" in log_file.read_text(encoding="utf-8")


# --- First run: the name, then the demo -----------------------------------------------------


def test_first_run_asks_the_name_over_the_window_then_opens_the_demo(qtbot, first_run, monkeypatch):
    asked = fill_in_name(monkeypatch, "Sam Inspector")
    offered = []
    monkeypatch.setattr(app, "confirm", lambda parent, title, text: offered.append(text) or True)

    startup = app.start(str(first_run), lambda code: pytest.fail(f"ended with {code}"))
    window = startup.window
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.inspection is not None, timeout=WAIT_MS)

    assert asked == [(window, True)]
    assert window.user_name == "Sam Inspector"
    with startup.store.sessions() as session:
        assert workbench.identity.user_name(session) == "Sam Inspector"
    [demo] = list_inspections(startup.store)
    assert offered and offered[0].startswith("This store has no inspections yet.")
    assert demo.fictional and demo.cases > 0
    assert window.inspection.id == demo.id
    assert window.model.rowCount() == demo.cases
    startup.close()


def test_declining_the_demo_leaves_the_store_empty(qtbot, store, store_path, monkeypatch):
    monkeypatch.setattr(IdentityDialog, "exec", lambda dialog: pytest.fail("asked the name again"))
    offered = []
    monkeypatch.setattr(app, "confirm", lambda parent, title, text: offered.append(title) and False)

    startup = app.start(str(store_path), lambda code: pytest.fail(f"ended with {code}"))
    qtbot.addWidget(startup.window)
    qtbot.waitUntil(lambda: offered == ["Open the demo inspection?"])
    assert list_inspections(store) == []
    assert startup.window.inspection is None
    assert startup.window.user_name == "Alex Inspector"
    assert startup.window.panel.placeholder.text().startswith("No inspections yet.")
    startup.close()


def test_no_name_given_ends_the_application_with_0(qapp, first_run, monkeypatch):
    asked = fill_in_name(monkeypatch, None)
    monkeypatch.setattr(app, "confirm", lambda *args: pytest.fail("offered the demo"))

    assert run_app(qapp, ["--db", str(first_run)]) == 0
    assert len(asked) == 1 and isinstance(asked[0][0], MainWindow)
    opened = open_workbench_store(first_run)
    try:
        with opened.sessions() as session:
            assert workbench.identity.user_name(session) is None
        assert list_inspections(opened) == []
    finally:
        opened.close()


# --- Self-test ------------------------------------------------------------------------------


def test_self_test_in_process(capsys):
    assert app.run(["--self-test"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "self-test passed"
    assert any(line.startswith("demo inspection: ") for line in out)


@pytest.mark.slow
def test_self_test_through_the_entry_point(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env.pop("WORKBENCH_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "ui.main", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "self-test passed"


def test_shown_place_hides_a_password():
    assert app.shown_place(None) is None
    assert app.shown_place("postgresql+psycopg://lead:s3cret@db.example/wb") == (
        "postgresql+psycopg://lead:***@db.example/wb"
    )
    assert app.shown_place("store.sqlite") == str(Path("store.sqlite").resolve())
