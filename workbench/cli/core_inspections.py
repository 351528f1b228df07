"""Commands for inspections and their spreadsheets: ``inspection create|list``,
``cases import`` and ``grades import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli import cases_cli, inspection_cli
from workbench.cli.common import (
    Subparsers,
    add_inspection_option,
    add_json_flag,
    date_argument,
    dump_json,
    echo,
    group,
    opened_store,
    plural,
    resolve_inspection,
    table,
)
from workbench.cli.common import terminal_progress as progress
from workbench.dates import short_date

if TYPE_CHECKING:
    from workbench.services.grades_import import GradesImportResult
    from workbench.services.inspections import InspectionInfo

DATE_HELP = "2026-11-29 or 29/11/2026"


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    _register_inspection(group(subparsers, "inspection", "create and list inspections"))
    cases = group(subparsers, "cases", "the sampled case files of an inspection")
    _register_cases_import(cases)
    cases_cli.register(cases)  # cases sample, cases assign
    grades = group(subparsers, "grades", "grades recorded outside the workbench")
    _register_grades_import(grades)


# --- inspection ----------------------------------------------------------------------------


def _register_inspection(actions: Subparsers[argparse.ArgumentParser]) -> None:
    create = actions.add_parser(
        "create",
        help="create an inspection and print its id",
        description="Create an inspection and print its id (only the id, so that scripts "
        "can capture it).",
    )
    create.add_argument("--force", required=True, help="the police force inspected")
    create.add_argument("--title", required=True, help="the inspection's title")
    create.add_argument(
        "--start", required=True, type=date_argument, help=f"first day of fieldwork: {DATE_HELP}"
    )
    create.add_argument(
        "--end", required=True, type=date_argument, help=f"last day of fieldwork: {DATE_HELP}"
    )
    create.add_argument(
        "--methodology", metavar="ID", help="methodology id (default: ncpi-child-protection)"
    )
    create.add_argument(
        "--marking", metavar="TEXT", help="protective marking (default: OFFICIAL-SENSITIVE)"
    )
    create.set_defaults(handler=run_inspection_create)
    listing = actions.add_parser(
        "list", help="list the inspections in the store", description="List the inspections."
    )
    add_json_flag(listing, "the list")
    listing.set_defaults(handler=run_inspection_list)
    inspection_cli.register(actions)  # inspection archive, inspection delete


def run_inspection_create(args: argparse.Namespace) -> int:
    from workbench.cli.packs import read_passphrase
    from workbench.methodology import DEFAULT_METHODOLOGY
    from workbench.packs import key_report
    from workbench.services.inspections import DEFAULT_MARKING, create_inspection

    passphrase = read_passphrase(new=True)  # asked and checked before anything is created
    with opened_store(args) as store:
        row = create_inspection(
            store,
            force=args.force,
            title=args.title,
            start=args.start,
            end=args.end,
            methodology_id=args.methodology or DEFAULT_METHODOLOGY,
            marking=DEFAULT_MARKING if args.marking is None else args.marking,
            passphrase=passphrase,  # the keys in the same transaction
        )
        fingerprint = key_report(store, row.id).inspection_fingerprint
    echo(row.id)  # stdout holds the id only, for scripts
    echo(f"Inspection key fingerprint: {fingerprint}", sys.stderr)
    return 0


def run_inspection_list(args: argparse.Namespace) -> int:
    from workbench.services.inspections import list_inspections

    with opened_store(args) as store:
        found = list_inspections(store)
    if args.json:
        dump_json([_inspection_json(info) for info in found])
        return 0
    if not found:
        echo(
            "No inspections yet. Create one with 'workbench inspection create' or try "
            "'workbench demo'."
        )
        return 0
    width = short_id_length([info.id for info in found])
    rows = [
        (
            info.id[:width],
            _title(info),
            info.force,
            f"{short_date(info.start_date)} to {short_date(info.end_date)}",
            info.cases,
            info.graded,
        )
        for info in found
    ]
    echo(table(("ID", "Title", "Force", "Fieldwork", "Cases", "Graded"), rows, numeric=(4, 5)))
    echo("(IDs shortened: any start of an id that matches one inspection will do.)")
    return 0


def _title(info: InspectionInfo) -> str:
    """The title, marked "(fictional)" for the demonstration unless it already says so."""
    if info.fictional and "fictional" not in info.title.lower():
        return f"{info.title} (fictional)"
    return info.title


def short_id_length(ids: list[str], least: int = 8) -> int:
    """The shortest prefix length, at least ``least``, that tells these ids apart."""
    width = least
    while width < max(map(len, ids), default=least) and len({i[:width] for i in ids}) < len(ids):
        width += 1
    return width


def _inspection_json(info: InspectionInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "force": info.force,
        "title": info.title,
        "start_date": info.start_date.isoformat(),
        "end_date": info.end_date.isoformat(),
        "methodology_id": info.methodology_id,
        "methodology_version": info.methodology_version,
        "marking": info.marking,
        "fictional": info.fictional,
        "cases": info.cases,
        "graded": info.graded,
    }


# --- cases import --------------------------------------------------------------------------


def _register_cases_import(actions: Subparsers[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "import",
        help="import the case sample from a spreadsheet",
        description="Import an inspection's case sample from a CSV (UTF-8) or XLSX file. "
        "All or nothing: one bad row refuses the file, and every bad row is listed. "
        "The columns are described in docs/spreadsheets.md.",
    )
    add_inspection_option(parser)
    parser.add_argument("file", metavar="FILE", type=Path, help="a .csv or .xlsx file")
    parser.set_defaults(handler=run_cases_import)


def run_cases_import(args: argparse.Namespace) -> int:
    from workbench.services.case_import import import_cases

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        with progress() as show:
            result = import_cases(store, inspection_id, args.file, progress=show)
    echo(f"Imported {plural(result.added, 'case')} into {title}.")
    return 0


# --- grades import -------------------------------------------------------------------------


def _register_grades_import(actions: Subparsers[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "import",
        help="import grades recorded in a spreadsheet",
        description="Import one inspector's grades from a CSV (UTF-8) or XLSX file with "
        "case_ref and overall_grade columns (and optionally rationale, stage:<stage id>, "
        "referred, referral_summary). All or nothing; every bad row is listed.",
    )
    add_inspection_option(parser)
    parser.add_argument("--inspector", required=True, metavar="NAME", help="whose grades these are")
    parser.add_argument("file", metavar="FILE", type=Path, help="a .csv or .xlsx file")
    parser.set_defaults(handler=run_grades_import)


def run_grades_import(args: argparse.Namespace) -> int:
    from workbench.services.grades_import import import_grades

    with opened_store(args) as store:
        inspection_id, title = resolve_inspection(store, args.inspection)
        with progress() as show:
            result = import_grades(store, inspection_id, args.inspector, args.file, progress=show)
    echo(grades_report(result, args.inspector, title))
    return 0


def grades_report(result: GradesImportResult, inspector: str, title: str) -> list[str]:
    """What a grades import did, in sentences, then its warnings."""
    lines = [
        f"Imported {inspector}'s grades for {plural(result.assessments, 'case')} into {title}: "
        f"{result.graded} graded, {result.in_progress} still in progress.",
        f"{plural(result.referrals, 'referral')} raised.",
    ]
    if result.warnings:
        lines += ["Warnings:", *(f"  - {warning}" for warning in result.warnings)]
    return lines
