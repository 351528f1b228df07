"""``plan export-template|import|list``: the force's action plans, exchanged by spreadsheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    echo,
    group,
    opened_store,
    plural,
    resolve_inspection,
    table,
)
from workbench.dates import short_date


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "plan", "the force's action plans, exchanged by spreadsheet")
    template = actions.add_parser(
        "export-template",
        help="write the XLSX the force fills in with its actions",
        description="Write the action-plan spreadsheet the force fills in: one row per action "
        "with its id locked, drop-down lists for the status and the recommendation, dates as "
        "dates, and empty rows for new actions.",
    )
    add_inspection_option(template)
    template.add_argument("--out", required=True, type=Path, metavar="FILE", help="the .xlsx")
    template.set_defaults(handler=run_export)
    load = actions.add_parser(
        "import",
        help="read a return from the force: prints the actions added, changed and removed",
        description="Read the spreadsheet the force returned. All or nothing: a bad row is "
        "named with its line and column and nothing changes. The file is kept, dated, as "
        "evidence.",
    )
    add_inspection_option(load)
    load.add_argument("file", type=Path, help="the returned .xlsx")
    load.set_defaults(handler=run_import)
    listing = actions.add_parser("list", help="every action, with overdue ones marked")
    add_inspection_option(listing)
    listing.set_defaults(handler=run_list)


def run_export(args: argparse.Namespace) -> int:
    from workbench.followup.plan_sheet import write_template

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        written = write_template(store, inspection_id, args.out)
    echo(f"Wrote the action-plan template of {title} to {written.path}.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from workbench.followup.plan_sheet import import_return

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        result = import_return(store, inspection_id, args.file)
    echo(
        f"Action plans of {title}: {plural(len(result.added), 'action')} added, "
        f"{len(result.changed)} changed, {len(result.removed)} removed. The return is kept "
        "as evidence."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from workbench.followup.plans import list_actions

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        actions = list_actions(store, inspection_id)
    if not actions:
        echo(f"{title} has no action plans yet.")
        return 0
    rows = [
        (
            a.plan,
            a.recommendation,
            _short(a.action),
            a.owner,
            short_date(a.due_on),
            a.status_words(),
        )
        for a in actions
    ]
    echo(table(("Plan", "Rec", "Action", "Owner", "Due", "Status"), rows, numeric=(1,)))
    overdue = sum(1 for a in actions if a.overdue())
    echo(["", f"{plural(len(actions), 'action')}, {overdue} overdue."])
    return 0


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
