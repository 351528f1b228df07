"""Commands for the follow-up after publication: ``recommendations list|import|edit|discharge``,
``followup published|baseline|compare``, ``plan export-template|import|list`` and
``quarter assess|evidence|list``.

Service modules are imported inside the handlers so that ``workbench --help`` stays quick.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    date_argument,
    echo,
    group,
    opened_store,
    resolve_inspection,
    table,
)
from workbench.dates import short_date

DATE_HELP = "2026-11-29 or 29/11/2026"


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    _register_recommendations(
        group(subparsers, "recommendations", "an inspection's recommendations")
    )
    _register_followup(group(subparsers, "followup", "publication date, baseline, re-inspection"))
    from workbench.cli import followup_plans, followup_quarters

    followup_plans.register(subparsers)
    followup_quarters.register(subparsers)


# --- recommendations -----------------------------------------------------------------------


def _register_recommendations(actions: Subparsers[argparse.ArgumentParser]) -> None:
    listing = actions.add_parser(
        "list",
        help="one numbered line per recommendation",
        description="The inspection's recommendations, one numbered line each: number, "
        "timeframe, due date, title, and whether it is discharged.",
    )
    add_inspection_option(listing)
    listing.set_defaults(handler=run_list)
    load = actions.add_parser(
        "import",
        help="add or update recommendations from a TOML or spreadsheet file",
        description="Add or update the inspection's recommendations from a TOML file or a "
        "spreadsheet (docs/followup.md describes both). All or nothing: a bad entry is named "
        "with its line and field and nothing is imported.",
    )
    add_inspection_option(load)
    load.add_argument("file", type=Path, help="the .toml, .xlsx or .csv file")
    load.set_defaults(handler=run_import)
    change = actions.add_parser(
        "edit",
        help="change a recommendation's title, text or timeframe",
        description="Change a recommendation's title, text or timeframe (each change is audited).",
    )
    add_inspection_option(change)
    change.add_argument("--number", type=int, required=True, help="the recommendation's number")
    change.add_argument("--title", help="its new title")
    change.add_argument("--text", help="its new text")
    change.add_argument("--timeframe", help="immediately, 'within 3 months' or 'by 2027-06-30'")
    change.set_defaults(handler=run_edit)
    done = actions.add_parser(
        "discharge",
        help="mark a recommendation discharged in a quarter, with the reason",
        description="Mark a recommendation discharged in a quarter, with the reason "
        "(--withdraw undoes it).",
    )
    add_inspection_option(done)
    done.add_argument("--number", type=int, required=True, help="the recommendation's number")
    done.add_argument("--quarter", type=int, help="the quarter it was discharged in")
    done.add_argument("--reason", default="", help="why it is discharged")
    done.add_argument("--withdraw", action="store_true", help="withdraw the discharge")
    done.set_defaults(handler=run_discharge)


def run_list(args: argparse.Namespace) -> int:
    from workbench.followup.recommendations import list_recommendations

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        rows = list_recommendations(store, inspection_id)
    if not rows:
        echo(f"{title} has no recommendations yet; add them with 'recommendations import'.")
        return 0
    for row in rows:
        due = f"due {short_date(row.due)}" if row.due else "due from publication"
        state = (
            f"; discharged in quarter {row.discharged_quarter}" if row.discharged_quarter else ""
        )
        echo(f"{row.number}. [{row.timeframe.words}, {due}{state}] {row.title}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from workbench.followup.recommendations import import_recommendations

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        result = import_recommendations(store, inspection_id, args.file)
    echo(
        f"Recommendations of {title}: {result.added} added, {result.changed} changed, "
        f"{result.unchanged} unchanged."
    )
    if result.published is None:
        echo("No publication date yet: due dates will count from it once it is set with "
             "'workbench followup published'.")  # fmt: skip
    return 0


def run_edit(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.followup.recommendations import edit_recommendation

    changes = [(f, getattr(args, f)) for f in ("title", "text", "timeframe") if getattr(args, f)]
    if not changes:
        raise WorkbenchError("Give --title, --text or --timeframe (or several).")
    with opened_store(args) as store:
        inspection_id, _title = resolve_inspection(store, args.inspection)
        for field, value in changes:
            row = edit_recommendation(store, inspection_id, args.number, field, value)
    due = f", due {short_date(row.due)}" if row.due else ""
    echo(f"{row.number}. [{row.timeframe.words}{due}] {row.title}")
    return 0


def run_discharge(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.followup.recommendations import discharge

    if args.withdraw == (args.quarter is not None):
        raise WorkbenchError("Give either --quarter and --reason, or --withdraw.")
    with opened_store(args) as store:
        inspection_id, _title = resolve_inspection(store, args.inspection)
        row = discharge(store, inspection_id, args.number, args.quarter, args.reason)
    if row.discharged_quarter:
        echo(f"Recommendation {row.number} discharged in quarter {row.discharged_quarter}.")
    else:
        echo(f"Recommendation {row.number} is no longer discharged.")
    return 0


# --- followup ------------------------------------------------------------------------------


def _register_followup(actions: Subparsers[argparse.ArgumentParser]) -> None:
    published = actions.add_parser(
        "published",
        help="record the date the inspection's report was published",
        description="Record the date the inspection's report was published: due dates and "
        "the follow-up quarters count from it.",
    )
    add_inspection_option(published)
    published.add_argument("date", type=date_argument, help=DATE_HELP)
    published.set_defaults(handler=run_published)
    baseline = actions.add_parser(
        "baseline",
        help="name the inspection a re-inspection is compared with",
        description="Name the baseline inspection that this (re-)inspection is compared with.",
    )
    add_inspection_option(baseline)
    baseline.add_argument("--baseline", required=True, metavar="ID", help="the baseline's id")
    baseline.set_defaults(handler=run_baseline)
    compare = actions.add_parser(
        "compare",
        help="a re-inspection against its baseline, by category and stage",
        description="The share of cases requiring improvement or inadequate now and in the "
        "baseline inspection, by category and by stage, with counts, and where it worsened "
        "or improved.",
    )
    add_inspection_option(compare)
    compare.set_defaults(handler=run_compare)


def run_published(args: argparse.Namespace) -> int:
    from workbench.followup.recommendations import set_published

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        set_published(store, inspection_id, args.date)
    echo(f"{title}: published on {short_date(args.date)}.")
    return 0


def run_baseline(args: argparse.Namespace) -> int:
    from workbench.followup.recommendations import set_baseline

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        baseline_id, baseline_title = resolve_inspection(store, args.baseline)
        set_baseline(store, inspection_id, baseline_id)
    echo(f"{title} is compared with its baseline, {baseline_title}.")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from workbench.followup.reinspection import compare

    with opened_store(args) as store:
        inspection_id, _title = resolve_inspection(store, args.inspection)
        result = compare(store, inspection_id)
    echo([f"{result.title} against its baseline, {result.baseline_title}", ""])
    for heading, lines in (("By category", result.by_category), ("By stage", result.by_stage)):
        rows = [
            (line.name, f"{line.baseline_bad}/{line.baseline_total}", _share(line.baseline_share),
             f"{line.now_bad}/{line.now_total}", _share(line.now_share), line.direction)
            for line in lines
        ]  # fmt: skip
        headers = ("", "Baseline", "Share", "Now", "Share", "Change")
        echo([heading, *table(headers, rows, numeric=(1, 2, 3, 4)), ""])
    echo(result.sentences)
    return 0


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"
