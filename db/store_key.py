"""The store key: derived from the passphrase as SQLCipher 4 derives it, and the file header.

Apart from ``db.cipher`` (which re-exports all of it) so that deriving a key needs neither
SQLCipher nor anything else to be loaded first: the window starts the derivation on a
thread while it is still importing its modules (``ui.quick_start``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

KDF_ITERATIONS = 256_000  # SQLCipher 4's default (kdf_iter)
KEY_BYTES = 32
SALT_BYTES = 16
PLAINTEXT_HEADER = b"SQLite format 3\x00"


@dataclass
class StoreKey:
    """The passphrase of one store and the raw keys derived from it (cached per salt)."""

    passphrase: str
    _derived: dict[bytes, bytes] = field(default_factory=dict, repr=False)
    _new_salts: dict[str, bytes] = field(default_factory=dict, repr=False)

    def raw(self, salt: bytes) -> bytes:
        if salt not in self._derived:
            self._derived[salt] = hashlib.pbkdf2_hmac(
                "sha512", self.passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES
            )
        return self._derived[salt]

    def pragma_for(self, path: Path) -> str:
        """The ``PRAGMA key`` statement for the file at ``path`` (a new salt for a new file)."""
        salt = read_salt(path)
        if salt is None:
            import secrets

            # Every connection to a file not yet written must use the same salt.
            salt = self._new_salts.setdefault(str(path), secrets.token_bytes(SALT_BYTES))
            # Key and salt together: SQLCipher writes this salt into the new file's header.
            return f"PRAGMA key = \"x'{(self.raw(salt) + salt).hex()}'\""
        return f"PRAGMA key = \"x'{self.raw(salt).hex()}'\""


_KEYS: dict[str, StoreKey] = {}


def store_key(passphrase: str) -> StoreKey:
    """The (cached) key object for a passphrase, so each process derives a key once."""
    if passphrase not in _KEYS:
        _KEYS[passphrase] = StoreKey(passphrase)
    return _KEYS[passphrase]


def read_header(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(SALT_BYTES)
    except FileNotFoundError:
        return b""


def is_plaintext(path: Path) -> bool:
    """Whether the file is an ordinary (unencrypted) SQLite database."""
    return read_header(path) == PLAINTEXT_HEADER


def read_salt(path: Path) -> bytes | None:
    """The KDF salt in an encrypted file's header; None for a missing or empty file."""
    header = read_header(path)
    if len(header) < SALT_BYTES:
        return None
    return header


def derivation(path: Path, passphrase: str) -> Callable[[], bytes] | None:
    """What derives (and keeps, ``store_key``) the key of the encrypted store file at
    ``path``, to call on a thread: its salt is read here, so that the thread needs nothing
    but ``hashlib``, which releases Python's lock. None for a missing, empty or plaintext
    file."""
    salt = read_salt(path)
    if salt is None or salt == PLAINTEXT_HEADER:
        return None
    key = store_key(passphrase)
    return lambda: key.raw(salt)
