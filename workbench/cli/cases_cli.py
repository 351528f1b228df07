"""Fieldwork commands on an inspection's cases: ``cases sample`` and ``cases assign``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    echo,
    opened_store,
    plural,
    resolve_inspection,
    table,
)
from workbench.cli.common import terminal_progress as progress

if TYPE_CHECKING:
    from workbench.services.assignment import AssignResult
    from workbench.services.sampling import DrawRecord, SamplePreview
    from workbench.services.sampling_plan import SamplePlan


def register(cases: Subparsers[argparse.ArgumentParser]) -> None:
    """Add ``sample``, ``assign``, ``balance`` and ``dual`` to the ``cases`` command."""
    _register_sample(cases)
    _register_assign(cases)
    _register_balance(cases)


# --- cases sample --------------------------------------------------------------------------


def _register_sample(actions: Subparsers[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "sample",
        help="draw a stratified random sample from the force's full list of cases",
        description="Draw the case sample from the force's full list (CSV UTF-8 or XLSX with "
        "the case import's columns; other columns are kept as attributes). The list is "
        "split into strata by category and/or unit and cases are drawn at random inside "
        "each, reproducibly from the seed. The draw, its seed, method and the number of "
        "cases listed in each stratum are recorded for the report's methodology annex.",
    )
    add_inspection_option(parser)
    parser.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE")
    parser.add_argument(
        "--by", default="category", metavar="FIELDS", help="category, unit or category,unit"
    )
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--size", type=int, metavar="N", help="N cases in all, in proportion")
    how.add_argument("--per", metavar="K", help="K cases (or a share: 0.2, 20%%) per stratum")
    how.add_argument(
        "--plan", type=Path, metavar="FILE", help="a file of strata with 'count' or 'share'"
    )
    parser.add_argument(
        "--oversample",
        action="append",
        default=[],
        metavar="STRATUM=FACTOR",
        help="draw FACTOR times as many from a stratum (cse=2, or cse/North=2); repeatable",
    )
    parser.add_argument("--seed", required=True, metavar="S", help="the seed, recorded")
    parser.add_argument(
        "--preview", action="store_true", help="show the counts per stratum and save nothing"
    )
    parser.set_defaults(handler=run_sample)


def _plan(args: argparse.Namespace) -> SamplePlan:
    from workbench.errors import WorkbenchError
    from workbench.services.sampling_plan import (
        SamplePlan,
        check_by,
        parse_amount,
        plan_stratum,
        read_plan,
    )

    by = check_by(args.by.split(","))
    oversample: dict[tuple[str, ...], float] = {}
    for item in args.oversample:
        name, _, factor = item.rpartition("=")
        try:
            oversample[plan_stratum(name, by)] = float(factor)
        except ValueError:
            raise WorkbenchError(f"'{item}' is not STRATUM=FACTOR, such as cse=2.") from None
    per = None if args.per is None else parse_amount(args.per)
    targets = None if args.plan is None else read_plan(args.plan, by)
    return SamplePlan(by, args.size, per, targets, oversample)


def run_sample(args: argparse.Namespace) -> int:
    from workbench.services.inspections import inspection_methodology
    from workbench.services.sampling import draw_sample, preview_sample, stratum_names

    plan = _plan(args)
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        method = inspection_methodology(store, inspection_id)
        result: SamplePreview | DrawRecord
        if args.preview:
            result = preview_sample(store, inspection_id, args.source, plan, args.seed)
        else:
            with progress() as show:
                result = draw_sample(store, inspection_id, args.source, plan, args.seed, show)
    names = stratum_names(method, result.strata, plan.by)
    rows = [(n, s.listed, s.drawn) for n, s in zip(names, result.strata, strict=True)]
    echo(table(("Stratum", "Listed", "Drawn"), rows, numeric=(1, 2)))
    totals = f"{result.drawn:,} of the {result.listed:,} cases listed"
    if args.preview:
        echo(f"Preview: the seed {args.seed} would draw {totals}; nothing was saved.")
    else:
        echo(f"Drew {totals} into {title} (seed {args.seed}).")
    return 0


# --- cases assign --------------------------------------------------------------------------


def _register_assign(actions: Subparsers[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "assign",
        help="assign or reassign cases to an inspector, or a second inspector for dual grading",
        description="Assign cases to an inspector (--to) and/or to a second inspector who "
        "grades them blind for moderation (--second). Name the cases with --case (repeatable) "
        "or --from a file of references (one a line, or a 'reference' column).",
    )
    add_inspection_option(parser)
    parser.add_argument("--case", action="append", default=[], metavar="REF")
    parser.add_argument("--from", dest="source", type=Path, metavar="FILE")
    parser.add_argument("--to", metavar="NAME", help="the inspector who grades the cases")
    parser.add_argument("--second", metavar="NAME", help="the second inspector (dual grading)")
    parser.set_defaults(handler=run_assign)


def run_assign(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.services.assignment import assign_cases, read_references

    references = list(args.case)
    if args.source is not None:
        references += read_references(args.source)
    if not references:
        raise WorkbenchError("Name the cases to assign: --case REF (repeatable) or --from FILE.")
    if args.to is None and args.second is None:
        raise WorkbenchError("Say whom to assign them to: --to NAME and/or --second NAME.")
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        result = assign_cases(store, inspection_id, references, to=args.to, second=args.second)
    whom = " and ".join(
        part
        for part in (
            f"to {args.to}" if args.to else "",
            f"for second grading to {args.second}" if args.second else "",
        )
        if part
    )
    echo(f"Assigned {plural(result.changed, 'case')} {whom} in {title}.")
    if result.unchanged:
        echo(f"{plural(result.unchanged, 'case')} already assigned so.")
    for inspector in result.kits_out_of_date:
        echo(f"The kit issued to {inspector} is now out of date; issue an update kit.")
    return 0


# --- cases balance, cases dual ---------------------------------------------------------


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _register_balance(actions: Subparsers[argparse.ArgumentParser]) -> None:
    balance = actions.add_parser(
        "balance",
        help="share the unassigned cases between inspectors",
        description="Share the cases not yet assigned (or those named with --case/--from) "
        "between the inspectors, so each has as nearly as possible the same number in all "
        "(--by count) or of each category (--by category), counting what they already hold.",
    )
    add_inspection_option(balance)
    balance.add_argument("--among", required=True, metavar="NAMES", help="'Ann Able,Bob Baker'")
    balance.add_argument("--by", choices=("count", "category"), default="count")
    balance.add_argument("--case", action="append", default=[], metavar="REF")
    balance.add_argument("--from", dest="source", type=Path, metavar="FILE")
    balance.set_defaults(handler=run_balance)
    dual = actions.add_parser(
        "dual",
        help="choose a share of the cases for blind dual grading",
        description="Draw a share of the assigned cases at random (reproducibly from the "
        "seed) and give each a second inspector from --among (never its first), balanced by "
        "count. The second inspector grades blind.",
    )
    add_inspection_option(dual)
    dual.add_argument("--share", required=True, metavar="SHARE", help="0.1 or 10%%")
    dual.add_argument("--seed", required=True, metavar="S")
    dual.add_argument("--among", required=True, metavar="NAMES", help="'Ann Able,Bob Baker'")
    dual.set_defaults(handler=run_dual)


def _report(result: AssignResult, title: str, what: str) -> None:
    echo(f"{plural(result.changed, 'case')} {what} in {title}.")
    for inspector in result.kits_out_of_date:
        echo(f"The kit issued to {inspector} is now out of date; issue an update kit.")


def run_balance(args: argparse.Namespace) -> int:
    from workbench.services.assignment import balance_cases, read_references

    references = list(args.case) + (read_references(args.source) if args.source else [])
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        result = balance_cases(
            store, inspection_id, _names(args.among), by=args.by, references=references or None
        )
    _report(result, title, f"shared between {' and '.join(_names(args.among))} by {args.by}")
    return 0


def run_dual(args: argparse.Namespace) -> int:
    from workbench.services.assignment import choose_dual
    from workbench.services.sampling_plan import parse_amount

    share = parse_amount(args.share, "the share for dual grading")
    if share >= 1:
        from workbench.errors import WorkbenchError

        raise WorkbenchError("Give the share for dual grading as 0.1 or 10%, not a count.")
    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        result = choose_dual(store, inspection_id, share, args.seed, _names(args.among))
    _report(result, title, "given a second inspector for blind dual grading")
    return 0
