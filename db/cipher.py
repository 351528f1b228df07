"""SQLCipher encryption of a SQLite store: keys, connections and encrypting a plaintext file.

The store is encrypted with SQLCipher 4's defaults: AES-256 in CBC mode per 4096-byte page,
an HMAC-SHA512 over each page, and the page key derived from the passphrase with
PBKDF2-HMAC-SHA512 over 256,000 iterations and a random 16-byte salt kept in the file's
first 16 bytes. The derivation is done in ``db.store_key`` (with ``hashlib``, exactly as
SQLCipher does it, re-exported here) once per process and passphrase, and each connection
of the pool is given the raw key (``PRAGMA key = "x'...'"``), so that opening a second
connection costs nothing. A file made this way opens with any SQLCipher 4 tool and
``PRAGMA key = 'the passphrase'``.
"""

from __future__ import annotations

import os
import secrets
from contextlib import closing
from pathlib import Path
from typing import Any

import sqlcipher3

from db.files import owner_only, shred
from db.store_key import KDF_ITERATIONS as KDF_ITERATIONS
from db.store_key import KEY_BYTES as KEY_BYTES
from db.store_key import PLAINTEXT_HEADER as PLAINTEXT_HEADER
from db.store_key import SALT_BYTES as SALT_BYTES
from db.store_key import StoreKey as StoreKey
from db.store_key import derivation as derivation
from db.store_key import is_plaintext as is_plaintext
from db.store_key import read_header as read_header
from db.store_key import read_salt as read_salt
from db.store_key import store_key as store_key

dbapi = sqlcipher3.dbapi2
DatabaseError = sqlcipher3.dbapi2.DatabaseError


class WrongPassphrase(Exception):
    """The passphrase does not open this store."""


def apply_key(connection: Any, key: StoreKey | None, path: Path) -> None:
    """Key a new DB-API connection; it must be the first statement on the connection."""
    if key is not None:
        # A wrong key is reported to the caller; SQLCipher need not also log it to stderr.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(key.pragma_for(path))


def connect(path: Path, key: StoreKey | None, *, read_only: bool = False) -> Any:
    """A plain DB-API connection to the (encrypted) store, checked to open with the key."""
    if read_only:
        conn = dbapi.connect(f"{path.as_uri()}?mode=ro", uri=True)
    else:
        conn = dbapi.connect(str(path))
    try:
        apply_key(conn, key, path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        if key is not None and "not a database" in str(exc):
            raise WrongPassphrase(str(path)) from exc
        raise
    return conn


def _table_counts(conn: Any, schema: str = "main") -> dict[str, int]:
    query = f"SELECT name FROM {schema}.sqlite_master WHERE type='table'"
    names = [r[0] for r in conn.execute(query) if not r[0].startswith("sqlite_")]
    return {n: conn.execute(f'SELECT count(*) FROM {schema}."{n}"').fetchone()[0] for n in names}


def encrypt_in_place(path: Path, key: StoreKey) -> None:
    """Encrypt the plaintext SQLite store at ``path`` under ``key``.

    The plaintext is first kept as a backup (a hard link to the same file where the file
    system allows, else a copy), the encrypted copy is written beside the store and checked
    (integrity and every table's row count), then put in the store's place in one rename;
    only then is the plaintext backup overwritten and removed. A failure at any step
    leaves the plaintext store as it was, and no encrypted half-copy.
    """
    temp = path.with_name(path.name + ".encrypting")
    backup = path.with_name(path.name + ".plaintext.bak")
    for leftover in (temp, backup):
        if leftover.exists():
            shred(leftover)
    with closing(dbapi.connect(str(path))) as plain:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        before = _table_counts(plain)
    try:
        os.link(path, backup)
    except OSError:
        import shutil

        shutil.copyfile(path, backup)
    owner_only(backup)
    try:
        with closing(dbapi.connect(str(path))) as plain:
            salt = secrets.token_bytes(SALT_BYTES)
            raw = f"x'{(key.raw(salt) + salt).hex()}'"
            plain.execute(f'ATTACH DATABASE ? AS encrypted KEY "{raw}"', (str(temp),))
            plain.execute("SELECT sqlcipher_export('encrypted')").fetchone()
            plain.execute("DETACH DATABASE encrypted")
        owner_only(temp)
        with closing(connect(temp, key)) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise DatabaseError("the encrypted copy failed its integrity check")
            if _table_counts(check) != before:
                raise DatabaseError("the encrypted copy does not hold every row")
            check.execute("PRAGMA journal_mode=WAL").fetchone()
        for side in ("-wal", "-shm"):  # emptied by the checkpoint; they held plaintext
            leftover = path.with_name(path.name + side)
            if leftover.exists():
                shred(leftover)
        os.replace(temp, path)
    except BaseException:
        if temp.exists():
            temp.unlink()
        if is_plaintext(path):  # the store is still the plaintext: drop its second name
            os.unlink(backup) if backup.samefile(path) else shred(backup)
        raise
    shred(backup)


def finish_interrupted(path: Path) -> None:
    """Remove what an interrupted encryption left: a plaintext backup beside an encrypted
    store (the encrypted store had been checked before it took the store's place)."""
    backup = path.with_name(path.name + ".plaintext.bak")
    temp = path.with_name(path.name + ".encrypting")
    if path.exists() and not is_plaintext(path) and backup.exists():
        shred(backup)
    if temp.exists() and path.exists():
        temp.unlink()
