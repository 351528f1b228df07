"""Starting the window: the application object, the store, the user's name, the demo offer.

``run(argv)`` is what ``workbench`` does without a subcommand. ``--self-test`` checks that
an installed or frozen build works end to end (store and migrations, methodology, demo
inspection, main window) without touching the user's own store, and prints
"self-test passed".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QSettings,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from db.engine import Store
from ui.dialogs.identity import ask_user_name, current_user_name
from ui.messages import confirm, show_error
from ui.worker import run_task
from workbench.errors import WorkbenchError
from workbench.store import open_workbench_store, set_user_name

ORGANISATION = "InspectorsWorkbench"
APPLICATION = "Workbench"
DISPLAY_NAME = "Inspector's Workbench"
SELF_TEST_USER = "Self-test"
DEMO_QUESTION = (
    "This store has no inspections yet.\n\n"
    "Open the demo inspection? It is a fictional force with sample cases to try the "
    "workbench on; you can set up a real inspection at any time from the File menu."
)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="workbench", description=f"Open the {DISPLAY_NAME}.")
    parser.add_argument("--db", metavar="PATH_OR_URL", help="the store to open")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation in a temporary store, print the result and exit",
    )
    return parser.parse_args(list(argv))


def configure_application(app: QCoreApplication) -> None:
    """Names that decide where QSettings keeps the window layout."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(_version())
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(DISPLAY_NAME)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("inspectors-workbench")
    except PackageNotFoundError:  # a frozen build without the distribution's metadata
        return "0"


def application(argv: Sequence[str] = ()) -> QApplication:
    """The one QApplication, created (and named) if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "workbench", *argv])
    configure_application(app)
    return app  # type: ignore[return-value]


def run(argv: Sequence[str]) -> int:
    """Open the window on the store given by ``--db`` (or the default store)."""
    args = parse_args(argv)
    if args.self_test:
        return self_test()
    app = application()
    try:
        store = open_workbench_store(args.db)
    except WorkbenchError as exc:
        show_error(None, exc, wait=True)
        return 1
    try:
        return _run_window(app, store)
    finally:
        store.close()


def _run_window(app: QApplication, store: Store) -> int:
    window = start(store)
    if window is None:
        return 0  # the user chose not to give a name: nothing could be recorded
    return app.exec()


def start(store: Store) -> QWidget | None:
    """Ask the name on first run, show the main window, then offer the demo if empty."""
    name = current_user_name(store) or ask_user_name(None, store)
    if not name:
        return None
    window = build_main_window(store, name)
    window.show()
    QTimer.singleShot(0, lambda: offer_demo(window, store))
    return window


def build_main_window(store: Store, name: str) -> QWidget:
    from ui.main_window import MainWindow

    return MainWindow(store, name)


def has_inspections(store: Store) -> bool:
    from workbench.services.inspections import list_inspections

    return bool(list_inspections(store))


def offer_demo(window: QWidget, store: Store) -> None:
    """When the store is empty, offer to create the demo inspection (on the worker)."""
    if has_inspections(store) or not confirm(window, "Open the demo inspection?", DEMO_QUESTION):
        return
    from workbench.services.demo import create_demo

    run_task(
        window,
        "Creating the demo inspection",
        lambda progress: create_demo(store, progress),
        window.open_inspection,
    )


# --- Self-test ---------------------------------------------------------------------------


def self_test() -> int:
    """Exercise the whole installation in a temporary store; 0 when everything works."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # never flash a window; works headless
    previous = qInstallMessageHandler(_quiet_offscreen_noise)
    try:
        with tempfile.TemporaryDirectory(prefix="workbench-self-test-") as folder:
            for line in _self_test_steps(Path(folder) / "self-test.sqlite"):
                print(line, flush=True)
    except Exception as exc:  # noqa: BLE001 - any failure is the self-test's answer
        traceback.print_exc(file=sys.stderr)
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        qInstallMessageHandler(previous)
    print("self-test passed", flush=True)
    return 0


def _quiet_offscreen_noise(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages on stderr, less the offscreen platform's note about size hints."""
    if "does not support propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _self_test_steps(path: Path):
    from workbench.methodology import load_methodology
    from workbench.services.demo import create_demo
    from workbench.services.inspections import list_inspections

    store = open_workbench_store(path)
    try:
        yield f"store: {store.describe()} (migrated)"
        # The window remembers its layout; keep that in the temporary folder too.
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(path.parent))
        set_user_name(store, SELF_TEST_USER)
        method = load_methodology()
        yield (
            f"methodology: {method.id} {method.version}, {len(method.stages)} stages, "
            f"{len(method.categories)} categories"
        )
        create_demo(store)
        inspections = list_inspections(store)
        if not inspections or not inspections[0].cases:
            raise RuntimeError("the demo inspection has no cases")
        demo = inspections[0]
        yield f"demo inspection: {demo.force}, {demo.cases} cases"
        yield from _self_test_reports(store, demo.id, path.parent)
        app = application()
        window = build_main_window(store, SELF_TEST_USER)
        window.show()
        app.processEvents()
        if not window.isVisible():
            raise RuntimeError("the main window did not show")
        listed = window.model.rowCount()
        if listed != demo.cases:
            raise RuntimeError(f"the case list shows {listed} of {demo.cases} cases")
        yield (
            f"main window: {window.windowTitle()!r} shown on '{app.platformName()}', "
            f"listing {listed} cases"
        )
        window.close()
        window.deleteLater()
        app.processEvents()
    finally:
        store.close()


def _self_test_reports(store: Store, inspection_id: str, folder: Path):
    """The findings summary (pandas) and the PDF report (reportlab with its fonts)."""
    from workbench.reports.findings import write_findings_pdf
    from workbench.services.summary import summarise

    summary = summarise(store, inspection_id)
    yield f"summary: {summary['graded']} of {summary['cases']} cases graded"
    written = write_findings_pdf(store, inspection_id, folder / "findings.pdf")
    if not written.pages or written.path.stat().st_size == 0:
        raise RuntimeError("the findings report is empty")
    yield f"findings report: {written.pages} pages of PDF"
