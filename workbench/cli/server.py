"""Headquarters commands: ``server init``, ``server check``, ``server add-user``, and
``inspection push`` (added to the inspection command's actions)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from workbench.cli.common import (
    Subparsers,
    add_json_flag,
    dump_json,
    echo,
    group,
    opened_store,
    plural,
    table,
    terminal_progress,
)
from workbench.errors import WorkbenchError


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "server", "set up and check a PostgreSQL headquarters store")
    init = actions.add_parser(
        "init",
        help="create or upgrade the schema and the roles on a server",
        description="Create or upgrade the schema (the same migrations as every store) and the "
        "analyst, lead and administrator roles with their grants. Run it as the database's "
        "owner; running it again is harmless.",
    )
    init.set_defaults(handler=run_init)
    _db_option(init)
    check = actions.add_parser(
        "check",
        help="say what is in place on a server and what is missing",
        description="Say what is in place on a server store and what is missing; exits 1 "
        "when something is missing.",
    )
    check.set_defaults(handler=run_check)
    _db_option(check)
    add = actions.add_parser(
        "add-user",
        help="create a login and give it a role",
        description="Create a login (if new) and give it one role: analyst (reads "
        "everything, writes nothing), lead (writes the inspections they lead) or "
        "administrator. The password, if any, is read from WORKBENCH_NEW_PASSWORD.",
    )
    add.add_argument("login", help="the database login, e.g. alex.inspector")
    add.add_argument("--role", required=True, choices=("analyst", "lead", "administrator"))
    add.set_defaults(handler=run_add_user)
    _db_option(add)
    _register_push(subparsers)
    register_national(subparsers)


def _actions_of(parser: argparse.ArgumentParser) -> Subparsers[argparse.ArgumentParser]:
    return next(a for a in parser._actions if isinstance(a, Subparsers))  # noqa: SLF001


def _register_push(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    push = _actions_of(subparsers.choices["inspection"]).add_parser(
        "push",
        help="copy one inspection whole from this store to a server",
        description="Copy one inspection whole (cases, assessments, referrals, moderation, "
        "the audit trails and the import log) from this store (--db) to a headquarters "
        "server, verifying the audit trail at both ends. Pushing again changes only what "
        "changed here since.",
    )
    push.add_argument("--inspection", required=True, help="the inspection id (or its start)")
    push.add_argument("--to", required=True, metavar="URL", help="the server, as a URL")
    push.set_defaults(handler=run_push)


def _db_option(parser: argparse.ArgumentParser) -> None:
    """``--db`` after the command too (``workbench server init --db URL``)."""
    parser.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help="the server, as a SQLAlchemy URL"
    )


def _url(args: argparse.Namespace) -> str:
    target = args.db or os.environ.get("WORKBENCH_DB")
    if not target:
        raise WorkbenchError("Name the server with --db postgresql+psycopg://user@host/database.")
    return target


def run_init(args: argparse.Namespace) -> int:
    from workbench.server.setup import init_server

    echo(init_server(_url(args)))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from workbench.server.setup import check_server

    found = check_server(_url(args))
    if found.login:
        echo(f"Logged in as {found.login}" + (f" ({found.role})." if found.role else "."))
    for item in found.found:
        echo(f"  in place: {item}")
    for item in found.missing:
        echo(f"  missing:  {item}")
    if found.ready:
        echo("The server is ready.")
        return 0
    echo("The server is not ready: run 'workbench server init --db URL' as its owner.")
    return 1


def run_add_user(args: argparse.Namespace) -> int:
    from workbench.server.setup import add_user

    password = os.environ.get("WORKBENCH_NEW_PASSWORD")
    echo(add_user(_url(args), args.login, args.role, password))
    return 0


def run_push(args: argparse.Namespace) -> int:
    from workbench.server.push import push_inspection
    from workbench.store import open_workbench_store

    with opened_store(args) as source:
        target = open_workbench_store(args.to)
        try:
            with terminal_progress() as show:
                result = push_inspection(source, args.inspection, target, progress=show)
        finally:
            target.close()
    echo(result.describe())
    return 0


def register_national(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    actions = group(subparsers, "national", "figures across every inspection in the store")
    summary = actions.add_parser(
        "summary",
        help="by force, year and category: grades, referrals, agreement, change",
        description="By force, year and category: the share of graded cases requiring "
        "improvement or inadequate, referrals and how quickly forces responded, agreement "
        "between forces' own grades and ours, and the change from each force's baseline "
        "inspection to its re-inspection.",
    )
    summary.add_argument("--since", type=int, metavar="YEAR", help="inspections from YEAR on")
    summary.add_argument("--force", help="one force only")
    summary.add_argument("--xlsx", metavar="PATH", help="also write the tables to a workbook")
    add_json_flag(summary, "the figures")
    summary.set_defaults(handler=run_national_summary)


def _share(value: Any) -> str:
    """A share as a whole percentage, halves rounded up (as the inspection summary does)."""
    return "–" if value is None or value != value else f"{int(float(value) * 100 + 0.5)}%"


def run_national_summary(args: argparse.Namespace) -> int:
    from workbench.server.national import national_summary, write_national_xlsx

    with opened_store(args) as store:
        found = national_summary(store, since=args.since, force=args.force)
    if args.xlsx:
        written = write_national_xlsx(found, args.xlsx)
    if args.json:
        dump_json(found.to_json())
        return 0
    marking = " / ".join(found.markings)
    lines = [marking, f"National summary: {plural(found.inspections, 'inspection')}"]
    if found.fictional_left_out:
        lines.append(f"{plural(found.fictional_left_out, 'fictional inspection')} left out.")
    lines.append("")
    rows = [
        (r["force"], r["year"], r["inspections"], r["graded"],
         r["requires_improvement_or_inadequate"], _share(r["share"]),
         int(r["referrals"]) if r["referrals"] == r["referrals"] else 0,
         _days(r["median_days_to_first_response"]), _share(r["agreement"]))
        for r in found.by_force_year.to_dict("records")
    ]  # fmt: skip
    headers = ("Force", "Year", "Inspections", "Graded", "RI or inadequate", "Share",
               "Referrals", "Days to response", "Agreement")  # fmt: skip
    lines += table(headers, rows, numeric=range(1, 9))
    if not found.baseline_changes.empty:
        lines += ["", "Baseline to re-inspection (the recorded baseline, else each force's "
                  "earliest and latest inspection)"]  # fmt: skip
        changes = [
            (r["force"], r["baseline_year"], _share(r["baseline_share"]), r["reinspection_year"],
             _share(r["reinspection_share"]), _points(r["change_points"]), r["pairing"])
            for r in found.baseline_changes.to_dict("records")
        ]  # fmt: skip
        lines += table(("Force", "Baseline", "Share", "Re-inspection", "Share", "Change",
                        "Paired by"), changes, numeric=range(1, 6))  # fmt: skip
    if args.xlsx:
        lines += ["", f"Workbook written to {written}"]
    lines += ["", marking]
    echo(lines)
    return 0


def _days(value: Any) -> str:
    return "–" if value is None or value != value else f"{float(value):.1f}"


def _points(value: Any) -> str:
    return "–" if value is None or value != value else f"{float(value):+.1f} points"
