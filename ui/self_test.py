"""``workbench --self-test``: is this installation (or frozen build) working end to end?

In a temporary store, never the user's own: the store and its migrations, the methodology,
the demo inspection, the findings summary (pandas) and PDF report (reportlab with its fonts),
and the main window listing the demo's cases. Prints one line per step, then
"self-test passed" (exit 0), or the failure on stderr (exit 1).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMessageLogContext, QSettings, QtMsgType, qInstallMessageHandler

from ui.app import application, build_main_window, set_version

if TYPE_CHECKING:
    from db.engine import Store

SELF_TEST_USER = "Self-test"


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


def _self_test_steps(path: Path) -> Iterator[str]:
    from workbench.identity import set_user_name
    from workbench.methodology import load_methodology
    from workbench.services.demo import create_demo
    from workbench.services.inspections import list_inspections
    from workbench.store import open_workbench_store

    set_version()
    # A throwaway store, encrypted as every store is, under a passphrase of its own.
    store = open_workbench_store(path, passphrase="self-test lantern orchard 42")
    try:
        yield f"store: {store.describe()} (migrated, encrypted: {store.encrypted})"
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


def _self_test_reports(store: Store, inspection_id: str, folder: Path) -> Iterator[str]:
    """The findings summary (pandas) and the PDF report (reportlab with its fonts)."""
    from workbench.reports.findings import write_findings_pdf
    from workbench.services.summary import summarise

    summary = summarise(store, inspection_id)
    yield f"summary: {summary['graded']} of {summary['cases']} cases graded"
    written = write_findings_pdf(store, inspection_id, folder / "findings.pdf")
    if not written.pages or written.path.stat().st_size == 0:
        raise RuntimeError("the findings report is empty")
    yield f"findings report: {written.pages} pages of PDF"
