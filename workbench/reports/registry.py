"""Every kind of report, registered once: the CLI's ``report`` commands and the window's
File menu, export dialog and suggested file names all read this table.

A kind names its writer as ``"module:function"`` so that reading the table (for
``workbench --help`` or to build the window's menus) never imports reportlab or pandas; the
writer is imported when a report is written. A writer is called as
``writer(store, inspection_id, **options, out=path, progress=callback)`` and returns a
``Written``.

To add a report: write its ``write_*`` function in its own module here, then add one
``register(ReportKind(...))`` below. The CLI gains ``workbench report KIND`` and the window
a File ▸ Export entry (unless the report needs options the window does not ask for).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pathlib import Path

    from db.engine import Store
    from workbench.progress import Progress
    from workbench.reports.files import Written


@dataclass(frozen=True)
class ReportOption:
    """An extra value a report needs (``--inspector NAME``) or may take (``--isbn ISBN``).

    An option that is not ``required`` reaches the writer as None when not given.
    """

    name: str  # the writer's keyword argument and the CLI option (``--name``)
    metavar: str
    help: str
    type: Callable[[str], Any] = str  # how the CLI reads the value (``int`` for ``--quarter``)
    required: bool = True
    value: Literal["text", "date"] = "text"  # a date is read as the CLI reads every date


@dataclass(frozen=True)
class ReportKind:
    """One kind of report.

    ``kind`` is its one name: the CLI command (``workbench report pdf``), the window's action
    (``report.pdf``) and the key of this table.
    """

    kind: str
    title: str  # the window's dialog and progress title: "Export findings report"
    menu_text: str  # the File menu entry, with its mnemonic: "Export findings &report…"
    what: str  # what the file is, in a sentence: "the findings report"
    help: str  # the CLI's help for the command
    file_label: str  # in the suggested file name: northshire-police-<label>-2026-11-29.pdf
    suffix: str  # ".pdf" ("" for a report written into a folder)
    file_filter: str  # the save dialog's filter: "PDF documents (*.pdf)"
    writer: str  # "module:function"
    options: tuple[ReportOption, ...] = ()
    folder: bool = False  # ``out`` is an existing folder the report writes its files in

    @property
    def in_window(self) -> bool:
        """The window's File menu offers the reports that need nothing but the inspection."""
        return not any(option.required for option in self.options)

    def write(
        self,
        store: Store,
        inspection_id: str,
        out: str | Path,
        progress: Progress,
        **options: Any,
    ) -> Written:
        """Write the report (importing its writer now)."""
        module, _, name = self.writer.partition(":")
        function: Callable[..., Written] = getattr(importlib.import_module(module), name)
        return function(store, inspection_id, **options, out=out, progress=progress)

    def suggested_name(self, force: str, today: date | None = None) -> str:
        """A file name such as ``northshire-police-findings-2026-11-29.pdf``."""
        slug = re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-") or "inspection"
        return f"{slug}-{self.file_label}-{(today or date.today()).isoformat()}{self.suffix}"


REPORTS: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> ReportKind:
    """Add a kind of report (its ``kind`` must be new)."""
    if kind.kind in REPORTS:
        raise ValueError(f"a report kind {kind.kind!r} is already registered")
    REPORTS[kind.kind] = kind
    return kind


def unregister(kind: str) -> None:
    """Remove a kind of report (for tests that register one of their own)."""
    REPORTS.pop(kind, None)


def report_kind(kind: str) -> ReportKind:
    return REPORTS[kind]


def window_reports() -> list[ReportKind]:
    """The reports the window's File menu offers, in registration order."""
    return [kind for kind in REPORTS.values() if kind.in_window]


PDF = "PDF documents (*.pdf)"

# The optional publication block on the findings report's cover (workbench.reports.publication).
PUBLICATION = (
    ReportOption("isbn", "ISBN", "the published report's ISBN", required=False),
    ReportOption("published", "DATE", "the publication date", required=False, value="date"),
    ReportOption(
        "copyright",
        "TEXT",
        "the copyright notice, or 'ogl' for the Open Government Licence v3.0 notice",
        required=False,
    ),
)

register(
    ReportKind(
        kind="pdf",
        title="Export findings report",
        menu_text="Export findings &report…",
        what="the findings report",
        help="the findings report as a print-ready PDF, with an annex of case sheets",
        file_label="findings",
        suffix=".pdf",
        file_filter=PDF,
        writer="workbench.reports.findings:write_findings_pdf",
        options=PUBLICATION,
    )
)
register(
    ReportKind(
        kind="referrals",
        title="Export referral schedule",
        menu_text="Export referral &schedule…",
        what="the referral schedule for the force",
        help="the referral schedule for the force (PDF): only the referred cases",
        file_label="referral-schedule",
        suffix=".pdf",
        file_filter=PDF,
        writer="workbench.reports.referrals:write_referrals_pdf",
    )
)
register(
    ReportKind(
        kind="inspector",
        title="Export an inspector's report",
        menu_text="Export an &inspector's report…",
        what="the inspector's report",
        help="an inspector's own report (PDF): the cases they assessed",
        file_label="inspector-report",
        suffix=".pdf",
        file_filter=PDF,
        writer="workbench.reports.inspector:write_inspector_pdf",
        options=(ReportOption("inspector", "NAME", "whose assessments, by name"),),
    )
)
register(
    ReportKind(
        kind="xlsx",
        title="Export findings data",
        menu_text="Export findings &data (XLSX)…",
        what="the findings data",
        help="the inspection's data as an XLSX workbook",
        file_label="findings",
        suffix=".xlsx",
        file_filter="Excel workbooks (*.xlsx)",
        writer="workbench.reports.xlsx:write_xlsx",
    )
)
register(
    ReportKind(
        kind="html",
        title="Export accessible findings (HTML)",
        menu_text="Export accessible findings (&HTML)…",
        what="the accessible HTML findings",
        help="the accessible HTML twin of the findings report",
        file_label="findings",
        suffix=".html",
        file_filter="Web pages (*.html)",
        writer="workbench.reports.html:write_findings_html",
        options=PUBLICATION,
    )
)
register(
    ReportKind(
        kind="csv",
        title="Export findings data as CSV files",
        menu_text="Export findings data as CS&V files…",
        what="the CSV files",
        help="every sheet of the XLSX data as CSV files in a folder",
        file_label="findings",
        suffix="",
        file_filter="",
        writer="workbench.reports.xlsx:write_csv",
        folder=True,
    )
)
register(
    ReportKind(
        kind="update",
        title="Write the quarterly update report",
        menu_text="Write the quarterly &update report…",
        what="the quarterly update report",
        help="the post-inspection quarterly update report (PDF, with its HTML twin beside it)",
        file_label="update",
        suffix=".pdf",
        file_filter=PDF,
        writer="workbench.reports.update:write_update_report",
        options=(ReportOption("quarter", "N", "the quarter: 1, 2…", int),),
    )
)
