"""A store's key derived ahead of opening it, on a thread, with everything it needs read first.

The window starts this as it starts (``ui.quick_start``): PBKDF2 (about 0.09 s) runs
without Python's lock while the window imports and builds its own modules. All that needs
Python (this module's imports, the file's salt) is done by ``key_ahead`` on the caller's
thread before the thread starts: a thread that wants Python's lock back while the window's
thread is busy waits for it (up to the interpreter's switch interval, 5 ms, each time), so
a thread that had to import or read a file first would start the derivation late.
``db.store_key`` keeps the key for the process: the quick case list and the normal opening
that follow do not derive it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from db.store_key import derivation


def key_ahead(target: str, passphrase: str) -> Callable[[], bytes] | None:
    """What derives the key of the encrypted store file at ``target`` (a path), to call on a
    thread (``db.store_key.derivation``); None for a URL, a missing or plaintext file: the
    opening that follows deals with those as ever."""
    if "://" in target:
        return None
    return derivation(Path(target).expanduser().resolve(), passphrase)
