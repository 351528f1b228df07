"""``workbench report KIND``: print-ready findings and data, one command per kind registered in
``workbench.reports.registry``.

Each writes its file atomically (a failure leaves no half-written report; ``csv`` writes one
file per sheet, each atomically, into an existing folder) and prints where it went. Progress
is shown on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    date_argument,
    echo,
    group,
    opened_store,
    plural,
    resolve_inspection,
)
from workbench.cli.common import terminal_progress as progress
from workbench.reports.registry import REPORTS, report_kind


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add ``report`` and one command for each registered kind."""
    kinds = group(subparsers, "report", "publish findings: " + ", ".join(REPORTS))
    for kind in REPORTS.values():
        parser = kinds.add_parser(
            kind.kind, help=kind.help, description=kind.help[0].upper() + kind.help[1:] + "."
        )
        add_inspection_option(parser)
        for option in kind.options:
            parser.add_argument(
                f"--{option.name}",
                required=option.required,
                metavar=option.metavar,
                help=option.help,
                type=date_argument if option.value == "date" else option.type,
            )
        parser.add_argument(
            "--out",
            required=True,
            metavar="DIR" if kind.folder else "FILE",
            help="the folder to write the files in (it must exist)"
            if kind.folder
            else f"the file to write (e.g. {kind.file_label}{kind.suffix})",
        )
        parser.set_defaults(handler=run_report, kind=kind.kind)


def run_report(args: argparse.Namespace) -> int:
    kind = report_kind(args.kind)
    options = {option.name: getattr(args, option.name) for option in kind.options}
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        with progress() as show:
            written = kind.write(store, inspection_id, args.out, show, **options)
    pages = f" ({plural(written.pages, 'page')})" if written.pages else ""
    echo(f"Wrote {kind.what} of {title} to {written.path}{pages}.")
    return 0
