"""Print-ready reports: the findings PDF (with its HTML twin), the force's referral schedule,
an inspector's own report and the XLSX data. Each ``write_*`` function gathers what it needs
from the store, writes the file atomically and takes a progress callback."""

from __future__ import annotations

from workbench.reports.files import Written
from workbench.reports.findings import write_findings_pdf
from workbench.reports.html import write_findings_html
from workbench.reports.inspector import write_inspector_pdf
from workbench.reports.referrals import write_referrals_pdf
from workbench.reports.xlsx import write_csv, write_xlsx

__all__ = [
    "Written",
    "write_csv",
    "write_findings_html",
    "write_findings_pdf",
    "write_inspector_pdf",
    "write_referrals_pdf",
    "write_xlsx",
]
