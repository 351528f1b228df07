"""Reading a store file without SQLAlchemy, for a command that only reads (``workbench summary``).

Importing SQLAlchemy, the models and the engine costs a command run in a fresh process more
than reading 10,000 cases. A quick reader opens the store file read only with SQLCipher alone
(``db.cipher``), after the same passphrase as ``open_workbench_store`` would take
(``WORKBENCH_STORE_PASSPHRASE`` or asked on the terminal, once), and only where opening it the
usual way would change nothing: an existing encrypted SQLite file already at this version's
schema. Anything else (a server URL, a new or plaintext store, one to update, a wrong
passphrase, a file that does not open, a busy one) gives no reader, and the caller opens the
store the usual way with the passphrase already given, which does what is needed and says
what is wrong in its own words.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import cipher
from db.revisions import head_revision

if TYPE_CHECKING:
    from workbench.services.summary_data import Fetch

# What a quick read may meet that opening the store the usual way explains in words.
READ_ERRORS = (cipher.DatabaseError,)


@dataclass
class QuickReader:
    """``fetch`` when the store can be read quickly (else None), and the passphrase given."""

    fetch: Fetch | None = None
    passphrase: str | None = None


@contextmanager
def quick_reader(
    target: str | Path | None, meanwhile: Callable[[], object] | None = None
) -> Iterator[QuickReader]:
    """A quick reader of the store at ``target`` (``--db``: a path or URL, or the default
    store), its reads one snapshot; the connection is closed afterwards. ``meanwhile`` (the
    caller's imports, say) runs while the store key is derived on a thread."""
    from workbench.store import default_store_path
    from workbench.store_passphrase import resolve

    target = target if target is not None else default_store_path()
    path = _encrypted_file(target)
    if path is None:
        if meanwhile is not None:
            meanwhile()
        yield QuickReader()
        return
    passphrase = resolve(path)
    _derived_meanwhile(path, passphrase, meanwhile)
    conn = _connect(path, passphrase)
    if conn is None:
        yield QuickReader(passphrase=passphrase)
        return
    with closing(conn):

        def fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
            return conn.execute(sql, params).fetchall()  # type: ignore[no-any-return]

        yield QuickReader(fetch, passphrase)


def _derived_meanwhile(path: Path, passphrase: str, meanwhile: Callable[[], object] | None) -> None:
    """Derive the key of the store at ``path`` (``cipher.store_key`` keeps it) on a thread
    while ``meanwhile`` runs here: PBKDF2 in ``hashlib`` releases the GIL, so the two take
    the time of the longer. Should the thread fail, the connection derives the key itself
    and says what is wrong."""
    if meanwhile is None:
        return
    derive_key = cipher.derivation(path, passphrase)

    def derive() -> None:
        if derive_key is not None:
            with suppress(Exception):  # the opening derives it again, and explains
                derive_key()

    thread = threading.Thread(target=derive, name="store-key", daemon=True)
    thread.start()
    try:
        meanwhile()
    finally:
        thread.join()  # the key is used on this thread alone from here


class NotQuick(Exception):
    """The store is not read the quick way; open it the usual way (which says why, if
    anything is wrong)."""


def store_file(target: str | Path) -> Path:
    """The SQLite file at ``target`` (a path), or ``NotQuick`` for a URL (a server)."""
    text = str(target)
    if "://" in text:
        raise NotQuick("a URL")
    return Path(text).expanduser().resolve()


def open_read(path: Path, passphrase: str) -> Any:
    """A read-only connection to the encrypted store at ``path`` in a read transaction (its
    reads one snapshot), its schema checked at this version's head; ``NotQuick`` when the
    passphrase does not open it, it is not a database, or its schema is another (the usual
    opening migrates it, or refuses a newer one, in words). A reader of a WAL store does not
    wait for another process's write; where SQLite says the store is busy all the same, the
    usual opening waits (its busy timeout) and explains."""
    try:
        conn = cipher.connect(path, cipher.store_key(passphrase), read_only=True)
    except (OSError, cipher.WrongPassphrase, *READ_ERRORS) as exc:
        raise NotQuick(f"not opened: {exc}") from exc
    try:
        conn.execute("BEGIN")
        found = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except READ_ERRORS as exc:
        conn.close()
        raise NotQuick(f"no schema revision: {exc}") from exc
    if found != [(head_revision(),)]:
        conn.close()
        raise NotQuick(f"schema {found}, not {head_revision()}")
    return conn


def _encrypted_file(target: str | Path) -> Path | None:
    """The store file at ``target`` when it is an existing encrypted SQLite file."""
    try:
        path = store_file(target)
        if not path.is_file() or path.stat().st_size < cipher.SALT_BYTES:
            return None
    except (NotQuick, OSError):
        return None
    return None if cipher.is_plaintext(path) else path


def _connect(path: Path, passphrase: str) -> Any | None:
    """A quick connection (``open_read``), or None where the usual opening is needed."""
    try:
        if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
            cipher.finish_interrupted(path)  # as the usual opening does on a writable store
        return open_read(path, passphrase)
    except (OSError, NotQuick):
        return None
