"""The headless command line: ``workbench <command> ...`` (also ``python -m workbench``).

Never imports Qt. Exit codes: 0 success, 1 refused input (reason on stderr), 2 usage.
Each command group lives in its own module with ``register(subparsers)``; a command's
handler takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from workbench.cli import core, followup, packs, reports, server
from workbench.errors import WorkbenchError

COMMAND_MODULES = (core, packs, reports, followup, server)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Inspector's Workbench: grade child protection case files, record "
        "referrals, merge findings packs and publish findings. Run without a command to "
        "open the window.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="the store: a SQLite file path or a SQLAlchemy URL (default: WORKBENCH_DB or "
        "the user data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2 if args.command is None and argv else 0
    try:
        return int(args.handler(args) or 0)
    except WorkbenchError as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader stopped early (``workbench summary --json | head``): not our error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("workbench: interrupted; nothing was half-written.", file=sys.stderr)
        return 130
