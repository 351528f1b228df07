"""The store passphrase: from the caller, ``WORKBENCH_STORE_PASSPHRASE``, or asked for.

A SQLite store is encrypted under its passphrase (``db.cipher``). Scripts set the
environment variable; the command line asks on the terminal without echo (twice for a new
store); the window asks over itself and passes an ``ask`` function. A new passphrase must
pass ``workbench.crypto.check_new_passphrase`` (12 characters or more, not weak).
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from workbench.errors import WorkbenchError

STORE_PASSPHRASE_ENV = "WORKBENCH_STORE_PASSPHRASE"

FORGOTTEN = (
    "Keep the store passphrase safe: nothing in an encrypted store can be recovered "
    "without it (packs already sent to the lead are safe with the lead)."
)

# ask(store described, new) -> the passphrase, or None when the user declines
Ask = Callable[[str, bool], "str | None"]


def is_new_store(path: Path) -> bool:
    """Whether the store needs a new passphrase: it does not exist yet, or it is a plaintext
    store from an earlier version, to be encrypted on this open."""
    from db.cipher import is_plaintext

    return not path.exists() or path.stat().st_size == 0 or is_plaintext(path)


def ask_on_terminal(described: str, new: bool) -> str | None:
    """Ask without echo on the terminal; refuses when there is no terminal to ask on."""
    if not sys.stdin or not sys.stdin.isatty():
        raise WorkbenchError(
            f"The store {described} needs its passphrase: set {STORE_PASSPHRASE_ENV}, or run "
            "the command on a terminal to be asked for it."
        )
    if not new:
        return getpass.getpass(f"Store passphrase for {described}: ")
    print(f"The store at {described} will be encrypted. {FORGOTTEN}", file=sys.stderr)
    first = getpass.getpass("New store passphrase (12 characters or more): ")
    if getpass.getpass("The same passphrase again: ") != first:
        raise WorkbenchError("The two passphrases differ; no store was created.")
    return first


def resolve(path: Path, ask: Ask | None = None) -> str:
    """The passphrase for the store at ``path``: the environment, else ``ask`` (the terminal
    by default). A passphrase for a new store is checked for strength first."""
    new = is_new_store(path)
    passphrase = os.environ.get(STORE_PASSPHRASE_ENV)
    if passphrase is None:
        passphrase = (ask or ask_on_terminal)(str(path), new)
        if passphrase is None:
            raise WorkbenchError("No store passphrase was given; the store was not opened.")
    if new:
        from workbench.crypto import check_new_passphrase

        check_new_passphrase(passphrase)
    return passphrase
