"""The headless command line: ``workbench <command> ...`` (also ``python -m workbench``).

Never imports Qt. Exit codes: 0 success, 1 refused input (reason on stderr), 2 usage,
70 an internal error (one line on stderr, the traceback in the log: ``workbench.logs``).
Each command group lives in its own module with ``register(subparsers)``; a command's
handler takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from workbench.cli import core, followup, packs, reports
from workbench.cli import store as store_commands
from workbench.errors import WorkbenchError
from workbench.logs import INTERNAL_ERROR, configure_logging, internal_error, log, utf8_console

COMMAND_MODULES = (core, packs, reports, followup, store_commands)


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
    add_support_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: read from the package metadata only when asked (it takes a moment)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from workbench.about import installed_version

        print(f"{parser.prog} {installed_version()}")
        parser.exit()


def add_support_options(parser: argparse.ArgumentParser) -> None:
    """``--version`` and ``--verbose``, for the command line and the window alike."""
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--verbose", action="store_true", help="say on stderr what is being done (also logged)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    utf8_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    log.info("command: %s", " ".join(filter(None, [args.command, getattr(args, "action", "")])))
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
    except Exception as exc:  # noqa: BLE001 - a fault of the workbench: logged, one line shown
        print(f"workbench: {internal_error(exc, args.command or '')}", file=sys.stderr)
        return INTERNAL_ERROR
