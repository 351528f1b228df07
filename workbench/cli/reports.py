"""``workbench report pdf|referrals|inspector|xlsx|html``: print-ready findings and data.

Each writes one file atomically (a failure leaves no half-written report) and prints where
it went. Progress is shown on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from workbench.cli.core_common import (
    add_inspection_option,
    date_argument,
    echo,
    group,
    opened_store,
    plural,
    resolve_inspection,
)
from workbench.cli.core_common import terminal_progress as progress

if TYPE_CHECKING:
    from db.engine import Store
    from workbench.progress import Progress
    from workbench.reports import Written

KINDS = {  # kind: (help, what the file is, suggested suffix)
    "pdf": (
        "the findings report as a print-ready PDF, with an annex of case sheets",
        "the findings report",
        ".pdf",
    ),
    "referrals": (
        "the referral schedule for the force (PDF): only the referred cases",
        "the referral schedule",
        ".pdf",
    ),
    "inspector": (
        "an inspector's own report (PDF): the cases they assessed",
        "the inspector's report",
        ".pdf",
    ),
    "xlsx": ("the inspection's data as an XLSX workbook", "the data", ".xlsx"),
    "html": ("the accessible HTML twin of the findings report", "the HTML findings", ".html"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report`` and its kinds."""
    kinds = group(subparsers, "report", "publish findings: PDF, referral schedule, XLSX, HTML")
    for kind, (help_text, _what, suffix) in KINDS.items():
        parser = kinds.add_parser(
            kind, help=help_text, description=help_text[0].upper() + help_text[1:] + "."
        )
        add_inspection_option(parser)
        if kind == "inspector":
            parser.add_argument(
                "--inspector", required=True, metavar="NAME", help="whose assessments, by name"
            )
        parser.add_argument(
            "--out",
            required=True,
            metavar="FILE",
            help=f"the file to write (e.g. findings{suffix})",
        )
        if kind in ("pdf", "html"):
            add_publication_options(parser)
        parser.set_defaults(handler=run_report, kind=kind)


def add_publication_options(parser: argparse.ArgumentParser) -> None:
    """The optional publication block on the cover (``workbench.reports.publication``)."""
    parser.add_argument("--isbn", metavar="ISBN", help="the published report's ISBN")
    parser.add_argument("--published", metavar="DATE", type=date_argument,
                        help="the publication date")  # fmt: skip
    parser.add_argument(
        "--copyright", metavar="TEXT", help="the copyright notice, or 'ogl' for the Open "
        "Government Licence v3.0 notice",
    )  # fmt: skip


def _publication(args: argparse.Namespace):
    from workbench.reports.publication import Publication, checked_isbn

    isbn, published = getattr(args, "isbn", None), getattr(args, "published", None)
    notice = getattr(args, "copyright", None)
    if not (isbn or published or notice):
        return None
    return Publication(checked_isbn(isbn) if isbn else "", notice or "", published)


def _writer(args: argparse.Namespace) -> Callable[[Store, str, Progress], Written]:
    from workbench import reports

    out = args.out
    if args.kind == "inspector":
        return lambda store, ident, show: reports.write_inspector_pdf(
            store, ident, args.inspector, out, show
        )
    chosen = {
        "pdf": reports.write_findings_pdf,
        "referrals": reports.write_referrals_pdf,
        "xlsx": reports.write_xlsx,
        "html": reports.write_findings_html,
    }[args.kind]
    if args.kind in ("pdf", "html"):
        publication = _publication(args)
        return lambda store, ident, show: chosen(store, ident, out, show, publication)
    return lambda store, ident, show: chosen(store, ident, out, show)


def run_report(args: argparse.Namespace) -> int:
    write = _writer(args)
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        with progress() as show:
            written = write(store, inspection_id, show)
    pages = f" ({plural(written.pages, 'page')})" if written.pages else ""
    echo(f"Wrote {KINDS[args.kind][1]} of {title} to {written.path}{pages}.")
    return 0
