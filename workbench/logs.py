"""The support log, internal errors, and consoles that take any name.

Every run (command or window) logs to ``workbench.log`` in the user log folder
(``~/.local/state/InspectorsWorkbench/log`` on Linux, ``~/Library/Logs/InspectorsWorkbench``
on macOS, ``%LOCALAPPDATA%\\InspectorsWorkbench\\Logs`` on Windows; ``WORKBENCH_LOG_DIR``
names another folder). The file is rotated at 1 MB, three old files kept, so it is small
enough to attach to an email to support.

An exception that is not a ``WorkbenchError`` is a fault in the workbench, not the user's:
``internal_error`` logs it with its traceback and gives the one line a person sees,
"an internal error: <what>; details in <log path>", and the program exits with
``INTERNAL_ERROR`` (70, EX_SOFTWARE), distinct from a refusal (1).
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

INTERNAL_ERROR = 70  # sysexits.h EX_SOFTWARE: a fault of the program, not of its input
LOG_NAME = "workbench.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
LOGGER = "workbench"
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"

log = logging.getLogger(LOGGER)
_configured: Path | None = None


def log_folder() -> Path:
    """Where the log is kept: ``WORKBENCH_LOG_DIR`` or the user log folder (platformdirs)."""
    named = os.environ.get("WORKBENCH_LOG_DIR")
    if named:
        return Path(named).expanduser()
    from platformdirs import user_log_path

    return user_log_path("InspectorsWorkbench", appauthor=False)


def log_path() -> Path:
    return log_folder() / LOG_NAME


def configure_logging(verbose: bool = False) -> Path | None:
    """Log to the rotating file, and to stderr: warnings, or everything with ``verbose``.

    Returns the log file, or None when its folder cannot be written (the program still
    runs; it says so on stderr). Calling it again only changes the stderr level.
    """
    global _configured
    root = logging.getLogger(LOGGER)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    for handler in list(root.handlers):
        if getattr(handler, "_workbench_console", False):
            root.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("workbench: %(message)s"))
    console._workbench_console = True  # type: ignore[attr-defined]
    if not verbose:  # the one line already says it; the traceback is for the log
        console.addFilter(lambda record: not record.exc_info)
    root.addHandler(console)
    if _configured is not None:
        return _configured
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
    except OSError as exc:
        print(f"workbench: no log is kept: {path.parent}: {exc}", file=sys.stderr)
        return None
    handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    _configured = path
    return path


def current_log() -> Path | None:
    """The log file being written, if ``configure_logging`` found a folder for it."""
    return _configured


def internal_error(exc: BaseException, during: str = "") -> str:
    """Log ``exc`` with its traceback; the one line that tells the user what happened."""
    from workbench.about import installed_version

    log.error(
        "internal error in version %s%s on %s, Python %s",
        installed_version(),
        f" during {during}" if during else "",
        sys.platform,
        sys.version.split()[0],
        exc_info=exc,
    )
    for handler in logging.getLogger(LOGGER).handlers:
        handler.flush()
    what = one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    where = current_log()
    details = f"details in {where}" if where else "no log could be written"
    return f"an internal error: {what}; {details}"


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line, shortened to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def utf8_console() -> None:
    """Write UTF-8 to stdout and stderr whatever the console's code page.

    A name such as "Zoë Ćwikła" must print on a cp1252 or ASCII console (a Windows console
    redirected to a file, ``PYTHONIOENCODING``, a C locale) instead of ending the command
    in ``UnicodeEncodeError``.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="backslashreplace")
            except (OSError, ValueError):  # a stream that cannot change: leave it as it is
                continue
