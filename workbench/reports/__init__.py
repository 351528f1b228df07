"""Print-ready reports: the findings PDF (with its HTML twin), the force's referral schedule,
an inspector's own report and the XLSX data. Each ``write_*`` function gathers what it needs
from the store, writes the file atomically and takes a progress callback.

Every kind of report is registered in ``workbench.reports.registry``. The writers are
imported on first use (``from workbench.reports import write_xlsx`` works as before), so
reading the registry never loads reportlab or pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.reports.files import Written
    from workbench.reports.findings import write_findings_pdf
    from workbench.reports.html import write_findings_html
    from workbench.reports.inspector import write_inspector_pdf
    from workbench.reports.referrals import write_referrals_pdf
    from workbench.reports.xlsx import write_csv, write_xlsx

_HOMES = {
    "Written": "workbench.reports.files",
    "write_csv": "workbench.reports.xlsx",
    "write_findings_html": "workbench.reports.html",
    "write_findings_pdf": "workbench.reports.findings",
    "write_inspector_pdf": "workbench.reports.inspector",
    "write_referrals_pdf": "workbench.reports.referrals",
    "write_xlsx": "workbench.reports.xlsx",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'workbench.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "Written",
    "write_csv",
    "write_findings_html",
    "write_findings_pdf",
    "write_inspector_pdf",
    "write_referrals_pdf",
    "write_xlsx",
]
