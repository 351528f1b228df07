"""File ▸ Export findings report… (and the other reports): ask where, then write the report
on a worker thread, with a progress dialog if it takes more than about half a second.

The report is written atomically by the ``workbench.reports`` service, so cancelling or a
failure leaves nothing half-written at the chosen path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from db.engine import Store
from ui.worker import Task, run_task
from workbench.services.inspections import inspection_info

if TYPE_CHECKING:
    from workbench.reports import Written


@dataclass(frozen=True)
class ReportKind:
    title: str  # the dialog and progress title
    what: str  # what the file is, for the message afterwards
    suffix: str
    file_filter: str
    writer: str  # the name of the function in ``workbench.reports`` that writes it

    def write(self, *args: object) -> Written:
        """Run the writer; ``workbench.reports`` (reportlab, pandas) loads on first use."""
        from workbench import reports

        return getattr(reports, self.writer)(*args)


KINDS = {
    "findings": ReportKind(
        "Export findings report",
        "The findings report",
        ".pdf",
        "PDF documents (*.pdf)",
        "write_findings_pdf",
    ),
    "referrals": ReportKind(
        "Export referral schedule",
        "The referral schedule for the force",
        ".pdf",
        "PDF documents (*.pdf)",
        "write_referrals_pdf",
    ),
    "xlsx": ReportKind(
        "Export findings data",
        "The findings data",
        ".xlsx",
        "Excel workbooks (*.xlsx)",
        "write_xlsx",
    ),
    "html": ReportKind(
        "Export accessible findings (HTML)",
        "The accessible HTML findings",
        ".html",
        "Web pages (*.html)",
        "write_findings_html",
    ),
}


def suggested_name(store: Store, inspection_id: str, kind: str) -> str:
    """A file name such as ``northshire-police-findings-2026-11-29.pdf``."""
    force = inspection_info(store, inspection_id).force
    slug = re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-") or "inspection"
    label = {"findings": "findings", "referrals": "referral-schedule"}.get(kind, "findings")
    return f"{slug}-{label}-{date.today().isoformat()}{KINDS[kind].suffix}"


def _notify(parent: QWidget | None, text: str) -> None:
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 10_000)
    else:
        QMessageBox.information(parent, "Report written", text)


def export_report(
    parent: QWidget | None,
    store: Store,
    inspection_id: str,
    kind: str = "findings",
    path: str | Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> Task | None:
    """Ask for a file (unless ``path`` is given) and write the report there in the background.

    Returns the running task, or None when the person cancelled the file dialog.
    """
    chosen = KINDS[kind]
    if path is None:
        start = str(Path.home() / suggested_name(store, inspection_id, kind))
        picked, _ = QFileDialog.getSaveFileName(parent, chosen.title, start, chosen.file_filter)
        if not picked:
            return None
        path = picked if picked.lower().endswith(chosen.suffix) else picked + chosen.suffix
    target = Path(path)
    tell = notify or (lambda text: _notify(parent, text))

    def done(written: Written) -> None:
        pages = f" ({written.pages} pages)" if written.pages else ""
        tell(f"{chosen.what} was written to {written.path}{pages}.")

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
    return export_report(parent, store, inspection_id, "findings", path, notify)
