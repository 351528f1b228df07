"""The ``workbench`` entry point: a subcommand runs the CLI (no Qt); none opens the window.

Before the window's Qt is loaded, ``ui.display_check`` makes sure there is a display and that
the libraries Qt's platform plugin needs are installed; if not, it says which package to
install and exits 1. ``workbench-window`` (``gui_main``, the windowed entry) does the same.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

WINDOW_FLAGS = {"--self-test", "--verbose"}


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
    return window_main(argv)


def window_main(argv: Sequence[str]) -> int:
    """Open the window, or say in words why it cannot; 70 after an internal error."""
    from workbench.logs import INTERNAL_ERROR, configure_logging, internal_error, log, utf8_console

    utf8_console()
    configure_logging("--verbose" in argv)
    if "--self-test" not in argv:  # the self-test runs offscreen, with no display needed
        from ui.display_check import problem

        reason = problem()
        if reason is not None:
            log.error("%s", reason)  # on stderr and in the log
            return 1
    try:
        from ui.app import run  # Qt is imported only here

        return run(argv)
    except Exception as exc:  # noqa: BLE001 - a fault of the workbench: logged, one line shown
        print(f"workbench: {internal_error(exc, 'the window')}", file=sys.stderr)
        return INTERNAL_ERROR


def gui_main() -> int:
    """The windowed entry (``gui-scripts``): the same command line, no console of its own."""
    return main()


if __name__ == "__main__":
    sys.exit(main())
