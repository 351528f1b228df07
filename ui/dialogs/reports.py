"""File ▸ Export findings report… (and the other reports): ask where, then write the report
on a worker thread, with a progress dialog if it takes more than about half a second.

The report is written atomically by the ``workbench.reports`` service, so cancelling or a
failure leaves nothing half-written at the chosen path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from ui.file_places import in_documents, tell_written
from ui.worker import Task, run_task
from workbench.reports.registry import report_kind

if TYPE_CHECKING:
    from db.engine import Store
    from ui.main_window import MainWindow
    from workbench.reports import Written


def suggested_name(store: Store, inspection_id: str, kind: str) -> str:
    """A file name such as ``northshire-police-findings-2026-11-29.pdf``."""
    from workbench.services.inspections import inspection_info

    return report_kind(kind).suggested_name(inspection_info(store, inspection_id).force)


def _notify(parent: QWidget | None, text: str, path: Path | None = None) -> None:
    window = parent.window() if parent is not None else None
    if path is not None and hasattr(window, "tell"):
        tell_written(parent, text, path)  # the main window: with "Show in folder" beside it
    elif isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10_000)
    else:
        QMessageBox.information(parent, "Report written", text)


def export_report(
    parent: QWidget | None,
    store: Store,
    inspection_id: str,
    kind: str = "pdf",
    path: str | Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> Task | None:
    """Ask for a file, or a folder for a report written as several files (unless ``path`` is
    given), and write the report there in the background.

    Returns the running task, or None when the person cancelled the file dialog.
    """
    chosen = report_kind(kind)
    if path is None and chosen.folder:
        picked = QFileDialog.getExistingDirectory(parent, chosen.title, in_documents())
        if not picked:
            return None
        path = picked
    elif path is None:
        start = in_documents(suggested_name(store, inspection_id, kind))
        picked, _ = QFileDialog.getSaveFileName(parent, chosen.title, start, chosen.file_filter)
        if not picked:
            return None
        path = picked if picked.lower().endswith(chosen.suffix) else picked + chosen.suffix
    target = Path(path)

    def done(written: Written) -> None:
        pages = f" ({written.pages} pages)" if written.pages else ""
        verb = "were" if chosen.folder else "was"  # a folder holds several files
        text = f"{chosen.what[0].upper()}{chosen.what[1:]} {verb} written to {written.path}{pages}."
        if notify is not None:
            notify(text)
        else:
            _notify(parent, text, Path(written.path))

    return run_task(
        parent,
        chosen.title,
        lambda progress: chosen.write(store, inspection_id, target, progress),
        done,
    )


def export_findings_report(
    parent: QWidget | None,
    store: Store,
    inspection_id: str,
    path: str | Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> Task | None:
    """File ▸ Export findings report…: the findings PDF, written with progress."""
    return export_report(parent, store, inspection_id, "pdf", path, notify)


def export_report_command(window: MainWindow, kind: str) -> None:
    """The window's File ▸ Export … command for one kind of report."""
    if window.inspection is not None:
        window.panel.flush()  # the text being typed goes into the report too
        export_report(window, window.active_store(), window.inspection.id, kind)
