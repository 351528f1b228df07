"""Helpers shared by the core commands: opening the store, dates, tables and progress.

Service modules are imported inside the handlers, not here, so that ``workbench --help``
stays quick (pandas and SQLAlchemy load only for the command that needs them).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from workbench.progress import Progress, no_progress

if TYPE_CHECKING:
    from db.engine import Store

Row = Sequence[object]
Subparsers = argparse._SubParsersAction  # noqa: SLF001 - argparse names it so


@contextmanager
def opened_store(args: argparse.Namespace, passphrase: str | None = None) -> Iterator[Store]:
    """The store named by ``--db`` (or the default one), closed afterwards (``passphrase``:
    one already given for it, else the environment's or asked for)."""
    from workbench.store import open_workbench_store

    store = open_workbench_store(args.db, passphrase=passphrase)
    try:
        yield store
    finally:
        store.close()


def resolve_inspection(store: Store, key: str) -> tuple[str, str]:
    """The full id and title of the inspection ``key`` (an id or an unambiguous prefix)."""
    from workbench.services.inspections import get_inspection

    with store.sessions() as session:
        row = get_inspection(session, key)
        return row.id, row.title


def optional_inspection(store: Store, key: str | None) -> str | None:
    """The full id of the inspection ``key``, or None when no ``--inspection`` was given."""
    return resolve_inspection(store, key)[0] if key else None


def group(
    subparsers: Subparsers[argparse.ArgumentParser], name: str, help: str
) -> Subparsers[argparse.ArgumentParser]:
    """A command with actions of its own (``identity set``); the action is required."""
    parser = subparsers.add_parser(name, help=help, description=help)
    actions: Subparsers[argparse.ArgumentParser] = parser.add_subparsers(
        dest="action", metavar="ACTION"
    )
    actions.required = True
    return actions


def add_inspection_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument(
        "--inspection",
        required=required,
        metavar="ID",
        help="the inspection's id, or enough of its start to be unambiguous",
    )


def date_argument(text: str) -> date:
    """An argparse ``type``: a bad date is a usage error (exit 2) naming the format."""
    from workbench.errors import WorkbenchError
    from workbench.services.inspections import parse_date

    try:
        return parse_date(text)
    except WorkbenchError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def table(headers: Row, rows: Sequence[Row], numeric: Sequence[int] = ()) -> list[str]:
    """A plain text table; the columns at the ``numeric`` indexes are right-aligned."""
    cells = [[str(c) for c in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(cells[0]), rule, *(line(row) for row in cells[1:])]


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return str(value)


def echo(lines: str | Sequence[str] = "", stream: TextIO | None = None) -> None:
    text = lines if isinstance(lines, str) else "\n".join(lines)
    print(text, file=stream or sys.stdout)


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[Progress]:
    """Progress on stderr when it is a terminal, cleared afterwards; silent otherwise."""
    out = stream or sys.stderr
    if not out.isatty():
        yield no_progress
        return

    def show(done: int, total: int, message: str) -> None:
        counter = f" {done}/{total}" if total else ""
        out.write(f"\r\033[K{message}{counter}")
        out.flush()

    try:
        yield show
    finally:
        out.write("\r\033[K")
        out.flush()


def add_json_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def dump_json(value: Any) -> None:
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False))
