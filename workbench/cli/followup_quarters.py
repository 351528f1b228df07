"""``quarter assess|evidence|list``: the quarterly assessment of progress per recommendation."""

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
)
from workbench.dates import short_date
from workbench.errors import WorkbenchError


def _where(parser: argparse.ArgumentParser) -> None:
    add_inspection_option(parser)
    parser.add_argument("--quarter", type=int, required=True, help="the quarter: 1, 2, ...")
    parser.add_argument("--recommendation", type=int, required=True, metavar="N", help="its number")


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "quarter", "quarterly assessments of progress")
    assess = actions.add_parser(
        "assess",
        help="judge the progress on a recommendation in a quarter",
        description="Record your judgement of the force's progress on a recommendation in a "
        "quarter (on the scale in resources/followup/progress-scale.toml), the finding and "
        "the concerns to carry forward. Only the options given are changed.",
    )
    _where(assess)
    assess.add_argument("--judgement", help="e.g. 'some progress' or some_progress")
    assess.add_argument("--finding", help="the narrative finding")
    assess.add_argument("--concerns", help="concerns to carry forward to the next quarter")
    assess.set_defaults(handler=run_assess)
    evidence = actions.add_parser(
        "evidence",
        help="add evidence: a document, the force's audit figures, an interview or a meeting",
        description="Add what the assessment rests on. A document's file is read to record "
        "its SHA-256; the force's own audit figures are given as --figure NAME=NUMBER.",
    )
    _where(evidence)
    evidence.add_argument(
        "--kind", required=True, choices=("document", "audit", "interview", "meeting")
    )
    evidence.add_argument("--title", required=True, help="what it is")
    evidence.add_argument("--date", type=date_argument, help="when it was dated or held")
    evidence.add_argument("--file", type=Path, help="the document's file (its digest is kept)")
    evidence.add_argument(
        "--figure", action="append", default=[], metavar="NAME=NUMBER", help="an audit figure"
    )
    evidence.add_argument("--note", default="", help="a note")
    evidence.set_defaults(handler=run_evidence)
    listing = actions.add_parser("list", help="the judgements of every quarter so far")
    add_inspection_option(listing)
    listing.set_defaults(handler=run_list)


def run_assess(args: argparse.Namespace) -> int:
    from workbench.followup.quarters import assess
    from workbench.followup.scale import load_scale

    if args.judgement is None and args.finding is None and args.concerns is None:
        raise WorkbenchError("Give --judgement, --finding or --concerns (or several).")
    with opened_store(args) as store:
        inspection_id, _title = resolve_inspection(store, args.inspection)
        view = assess(
            store, inspection_id, args.quarter, args.recommendation,
            judgement=args.judgement, finding=args.finding, concerns=args.concerns,
        )  # fmt: skip
    judged = load_scale().name_of(view.judgement)
    echo(f"Recommendation {view.number}, quarter {view.quarter}: {judged}.")
    return 0


def _figures(items: list[str]) -> dict[str, object]:
    figures: dict[str, object] = {}
    for item in items:
        name, sep, number = item.rpartition("=")
        try:
            value = float(number)
        except ValueError:
            value = None
        if not sep or not name.strip() or value is None:
            raise WorkbenchError(f"'{item}' is not NAME=NUMBER (for example 'cases audited=170').")
        figures[name.strip()] = int(value) if value.is_integer() else value
    return figures


def run_evidence(args: argparse.Namespace) -> int:
    from workbench.followup.quarters import add_evidence

    with opened_store(args) as store:
        inspection_id, _title = resolve_inspection(store, args.inspection)
        item = add_evidence(
            store, inspection_id, args.quarter, args.recommendation, args.kind, args.title,
            on_date=args.date, document=args.file, figures=_figures(args.figure), note=args.note,
        )  # fmt: skip
    digest = f" (SHA-256 {item.sha256})" if item.sha256 else ""
    echo(f"Added {item.kind} '{item.title}'{digest}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from workbench.followup.quarters import all_assessments
    from workbench.followup.scale import load_scale

    scale = load_scale()
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        views = all_assessments(store, inspection_id)
    if not views:
        echo(f"{title} has no quarterly assessments yet.")
    for view in views:
        dated = [e.on_date for e in view.evidence if e.on_date]
        latest = f", latest {short_date(max(dated))}" if dated else ""
        count = len(view.evidence)
        evidence = f"; {count} piece{'s' if count != 1 else ''} of evidence{latest}"
        echo(f"Quarter {view.quarter}, recommendation {view.number} ({view.author}): "
             f"{scale.name_of(view.judgement)}{evidence if view.evidence else ''}")  # fmt: skip
    return 0
