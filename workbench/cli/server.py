"""Headquarters commands: ``server init``, ``server check``, ``server add-user``, and
``inspection push`` (added to the inspection command's actions)."""

from __future__ import annotations

import argparse
import os

from workbench.cli.core_common import echo, group, opened_store, terminal_progress
from workbench.errors import WorkbenchError


def register(subparsers: argparse._SubParsersAction) -> None:
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


def _actions_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001


def _register_push(subparsers: argparse._SubParsersAction) -> None:
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
