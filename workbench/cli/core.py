"""The core commands: demo, identity, methodology and audit here; inspections, imports and
the summary in ``core_inspections`` and ``core_summary``.

Every handler returns an exit code. Refusals raise ``WorkbenchError`` (printed to stderr by
``workbench.cli.main``, exit 1); argparse rejects a malformed command line, including a
date that is not a date, with exit 2.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workbench.cli import core_inspections, core_summary
from workbench.cli.common import (
    Subparsers,
    add_json_flag,
    dump_json,
    echo,
    group,
    opened_store,
    table,
)
from workbench.cli.common import terminal_progress as progress

if TYPE_CHECKING:
    from workbench.methodology import Methodology

FICTIONAL_NOTE = (
    "This inspection is fictional: the force, cases, grades and referrals are made up "
    "for demonstration."
)


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add the core commands."""
    _register_demo(subparsers)
    _register_identity(subparsers)
    _register_methodology(subparsers)
    core_inspections.register(subparsers)
    core_summary.register(subparsers)
    _register_audit(subparsers)


# --- demo ----------------------------------------------------------------------------------


def _register_demo(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="create a fictional demonstration inspection",
        description="Create a fictional demonstration inspection (about 60 cases across the "
        "categories, some graded, a few referrals) and print its id.",
    )
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from workbench.identity import require_user_name
    from workbench.services.demo import create_demo

    with opened_store(args) as store:
        with store.sessions.begin() as session:
            require_user_name(session)
        with progress() as show:
            inspection_id = create_demo(store, progress=show)
    from workbench.services.demo import PASSPHRASE_NOTE

    echo([inspection_id, FICTIONAL_NOTE, PASSPHRASE_NOTE])
    echo(f"Read its findings with: workbench summary --inspection {inspection_id[:8]}")
    return 0


# --- identity ------------------------------------------------------------------------------


def _register_identity(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "identity", "who uses this store (recorded in the audit trail)")
    set_parser = actions.add_parser(
        "set", help="set your name", description="Set the name of the person using this store."
    )
    set_parser.add_argument("--name", required=True, help='your name, e.g. "Alex Inspector"')
    set_parser.set_defaults(handler=run_identity_set)
    show = actions.add_parser(
        "show", help="show your name and the store", description="Show the store's identity."
    )
    show.set_defaults(handler=run_identity_show)


def run_identity_set(args: argparse.Namespace) -> int:
    from workbench.identity import set_user_name

    with opened_store(args) as store:
        row = set_user_name(store, args.name)
    echo(f"Name set to {row.user_name}.")
    return 0


def run_identity_show(args: argparse.Namespace) -> int:
    from workbench.identity import identity

    with opened_store(args) as store:
        with store.sessions.begin() as session:
            row = identity(session)
            name, store_id = row.user_name, row.id
        where = store.describe()
    unset = '(not set: run workbench identity set --name "Your Name")'
    echo([f"Name:     {name or unset}", f"Store id: {store_id}", f"Store:    {where}"])
    return 0


# --- methodology ---------------------------------------------------------------------------


def _register_methodology(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "methodology", "the inspection methodologies shipped")
    listing = actions.add_parser(
        "list", help="list the methodologies", description="List the methodologies shipped."
    )
    listing.set_defaults(handler=run_methodology_list)
    show = actions.add_parser(
        "show",
        help="show a methodology's grades, stages and categories",
        description="Show a methodology's grades, stages and categories with their ids.",
    )
    show.add_argument("id", nargs="?", metavar="ID", help="default: ncpi-child-protection")
    show.add_argument(
        "--version", dest="methodology_version", metavar="VERSION", help="default: the newest"
    )
    add_json_flag(show, "the whole methodology, prompts and facts included,")
    show.set_defaults(handler=run_methodology_show)


def run_methodology_list(args: argparse.Namespace) -> int:
    from workbench.methodology import available_methodologies

    rows = [(m.id, m.version, m.name) for m in available_methodologies()]
    echo(table(("ID", "Version", "Name"), rows))
    return 0


def run_methodology_show(args: argparse.Namespace) -> int:
    from workbench.methodology import load_methodology

    method = load_methodology(args.id, args.methodology_version)
    if args.json:
        dump_json(method.to_dict())
        return 0
    grades = ", ".join(f"{g.id} ({g.name})" for g in method.grades)
    lines = [
        f"{method.name}: {method.id} version {method.version}",
        f"Grades, best first: {grades}; {method.not_assessed.id} ({method.not_assessed.name})",
        "",
        "Stages:",
        *_indent(table(("ID", "Name", "Prompts", "Facts"), _stage_rows(method), numeric=(2, 3))),
        "",
        "Categories:",
        *_indent(_category_lines(method)),
    ]
    echo(lines)
    return 0


def _stage_rows(method: Methodology) -> list[tuple[str, str, int, int]]:
    return [(s.id, s.name, len(s.prompts), len(s.facts)) for s in method.stages]


def _category_lines(method: Methodology) -> list[str]:
    """Each category with its id, then the stages that apply (too wide for one table row)."""
    width = max(len(c.id) for c in method.categories)
    lines = []
    for c in method.categories:
        lines += [
            f"{c.id.ljust(width)}  {c.name}",
            f"{'':{width}}  stages: {', '.join(c.stage_ids)}",
        ]
    return lines


def _indent(lines: list[str]) -> list[str]:
    return ["  " + line for line in lines]


# --- audit ---------------------------------------------------------------------------------


def _register_audit(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    from workbench.cli import audit

    audit.register(subparsers)
