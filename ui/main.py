"""The ``workbench`` entry point: a subcommand runs the CLI (no Qt); none opens the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

WINDOW_FLAGS = {"--self-test"}


def wants_window(argv: Sequence[str]) -> bool:
    """True when no subcommand (nor help) is given: only window flags and ``--db``."""
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--db" and args:
            args.pop(0)
        elif arg.startswith("--db=") or arg in WINDOW_FLAGS:
            continue
        else:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not wants_window(argv):
        from workbench.cli import main as cli_main

        return cli_main(argv)
    from ui.app import run  # Qt is imported only here

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
