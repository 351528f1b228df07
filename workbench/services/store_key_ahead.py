"""A store's key derived ahead of opening it, with nothing else of the store loaded first.

The window starts this on a thread as it starts (``ui.quick_start``): PBKDF2 (about 0.09 s)
runs without Python's lock while the window imports and builds its own modules, and it
needs no more than ``hashlib`` (``db.store_key``), not SQLCipher nor the quick reader, whose
imports would otherwise take turns with the window's for Python's lock before the
derivation could start. ``db.store_key`` keeps the key for the process: the quick case list
and the normal opening that follow do not derive it again.
"""

from __future__ import annotations

from pathlib import Path

from db.store_key import is_plaintext, read_salt, store_key


def derive_ahead(target: str, passphrase: str) -> None:
    """Derive the key of the encrypted store file at ``target`` (a path). Nothing for a URL,
    a missing or plaintext file: the opening that follows deals with those as ever."""
    if "://" in target:
        return
    path = Path(target).expanduser().resolve()
    salt = read_salt(path)
    if salt is not None and not is_plaintext(path):
        store_key(passphrase).raw(salt)
