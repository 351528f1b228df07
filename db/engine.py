"""Engine, session factory and opening a store (migrating it first, after a backup).

A SQLite store is a SQLCipher file when a passphrase is given (see ``db.cipher``); a
plaintext workbench store met with a passphrase is encrypted in place before anything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from db import cipher
from db.files import owner_only
from db.revisions import head_revision as head_revision  # re-exported
from db.revisions import known_revisions as known_revisions

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_S = 5.0  # how long a write waits for another process's write to finish


class StoreOpenError(Exception):
    """The store cannot be opened; the message says why and what to do."""


class WrongPassphraseError(StoreOpenError):
    """The passphrase given does not open the (encrypted) store."""


class PassphraseNeededError(StoreOpenError):
    """The store is encrypted and no passphrase was given."""


@dataclass
class Store:
    """An open store: its URL, engine and session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    backup: Path | None = None
    key: cipher.StoreKey | None = None
    read_only: bool = False
    busy_timeout: float = BUSY_TIMEOUT_S
    on_close: list[Callable[[], None]] = field(default_factory=list)

    @property
    def path(self) -> Path | None:
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database)
        return None

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def describe(self) -> str:
        return str(self.path) if self.path else make_url(self.url).render_as_string()

    def close(self) -> None:
        self.engine.dispose()
        while self.on_close:
            self.on_close.pop()()


def to_url(target: str | Path) -> str:
    """A path or SQLAlchemy URL given on the command line, as a URL."""
    text = str(target)
    if "://" in text:
        try:
            make_url(text)
        except (ArgumentError, ValueError) as exc:
            raise StoreOpenError(f"'{text}' is not a valid database URL: {exc}") from exc
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def make_engine(
    url: str,
    *,
    key: cipher.StoreKey | None = None,
    read_only: bool = False,
    busy_timeout: float = BUSY_TIMEOUT_S,
) -> Engine:
    """The engine for a store URL; SQLite files go through SQLCipher, keyed when ``key``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return _ping_when_idle(_create(url))
    path = _sqlite_path(url)
    if path is not None:
        folder = path.parent
        if not folder.exists():
            raise StoreOpenError(f"The folder {folder} does not exist; create it first.")

    def connect() -> Any:
        if path is None:
            return cipher.dbapi.connect(":memory:", check_same_thread=False)
        if read_only:
            # immutable: a WAL store on read-only media needs no -shm file beside it
            uri = f"{path.as_uri()}?mode=ro&immutable=1"
            return cipher.dbapi.connect(uri, uri=True, check_same_thread=False)
        return cipher.dbapi.connect(str(path), check_same_thread=False)

    def pragmas(dbapi_connection: Any, _record: object) -> None:
        if path is not None:
            cipher.apply_key(dbapi_connection, key, path)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    engine = _create(url, creator=connect, module=cipher.dbapi)
    event.listen(engine, "connect", pragmas)
    return engine


IDLE_PING_S = 5.0  # a server connection unused for longer is checked before it is used


def _ping_when_idle(engine: Engine) -> Engine:
    """Check a pooled server connection before use only when it has been idle for longer
    than ``IDLE_PING_S`` (one round trip less per transaction than ``pool_pre_ping``, for
    work done back to back); a dead one is replaced. One that died in the last seconds
    fails the transaction it is used for, which the server store reports in words
    (``workbench.server.errors``), and is replaced for the next."""

    def checked_in(_dbapi: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since <= IDLE_PING_S:
            return  # just connected, or used a moment ago
        try:
            ok = engine.dialect.do_ping(dbapi)
        except Exception as exc:  # noqa: BLE001 - any failure: a dead connection
            raise DisconnectionError(str(exc)) from exc
        if not ok:
            raise DisconnectionError("the server connection did not answer")

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checkout)
    return engine


def _create(url: str, **options: object) -> Engine:
    try:
        return create_engine(url, **options)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreOpenError(
            f"This installation cannot open '{make_url(url).drivername}' stores ({exc}). "
            "Use a SQLite file path, or install the database driver (for PostgreSQL: "
            "pip install 'inspectors-workbench[server]')."
        ) from exc


def _read_version(conn: Any) -> tuple[str | None, list[str]]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    version = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        version = row[0] if row else None
    return version, tables


def _inspect_version(url: str, key: cipher.StoreKey | None = None) -> tuple[str | None, list[str]]:
    """The schema revision and table names, read without changing the file in any way."""
    path = _sqlite_path(url)
    if path is not None:
        if not path.exists() or path.stat().st_size == 0:
            return None, []
        use = None if cipher.is_plaintext(path) else key
        with closing(_connect_ro(path, use)) as conn:
            return _read_version(conn)
    engine = _create(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            version = None
            if "alembic_version" in tables:
                version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            return version, tables
    finally:
        engine.dispose()


inspect_version = _inspect_version


def _connect_ro(path: Path, key: cipher.StoreKey | None) -> Any:
    try:
        return cipher.connect(path, key, read_only=True)
    except cipher.DatabaseError as exc:
        if "unable to open" not in str(exc):
            raise
        # A WAL store on read-only media: SQLite cannot make the -shm file beside it.
        conn = cipher.dbapi.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        cipher.apply_key(conn, key, path)
        return conn


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config  # alembic is loaded only when a migration is due

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("db") / "migrations"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The open store's schema revision, read through its own engine (and so its key)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return str(version) if version is not None else None


def _writable(path: Path) -> bool:
    import os

    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK) and os.access(path.parent, os.W_OK)


def is_server(url: str) -> bool:
    """Whether the store is a shared PostgreSQL server (not an embedded SQLite file)."""
    return make_url(url).get_backend_name() == "postgresql"


def _server_unreachable(described: str, exc: OperationalError) -> StoreOpenError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return StoreOpenError(
        f"The server {described} cannot be reached or refused the login ({reason}). "
        "Check the host, port, database name, user and password in the URL."
    )


def _check_key(path: Path, key: cipher.StoreKey | None, described: str) -> None:
    """Refuse, in words, a passphrase that does not open the store (nothing is changed)."""
    if not path.exists() or path.stat().st_size == 0 or cipher.is_plaintext(path):
        return
    if key is None:
        raise PassphraseNeededError(
            f"{described} is not a workbench store, or it is an encrypted one and needs its "
            "store passphrase (WORKBENCH_STORE_PASSPHRASE for scripts); it was not changed."
        )
    try:
        _connect_ro(path, key).close()
    except cipher.WrongPassphrase as exc:
        raise WrongPassphraseError(
            f"The store passphrase does not open {described}: the passphrase is wrong, or "
            f"{described} is not a workbench store. Nothing was changed."
        ) from exc


def open_store(
    target: str | Path,
    *,
    migrate: bool = True,
    passphrase: str | None = None,
    read_only: bool | None = None,
    busy_timeout: float = BUSY_TIMEOUT_S,
    keep_backups: int = 3,
    set_up_server: bool = False,
    plaintext: bool = False,
) -> Store:
    """Open (creating, encrypting or migrating as needed) the store at a path or URL.

    A store written by a newer version is refused and left untouched. With a
    ``passphrase`` a new SQLite store is created encrypted and a plaintext workbench store
    is encrypted in place first. Before any migration of an existing SQLite file a backup
    copy is taken beside it (owner-only, encrypted like the store, the latest
    ``keep_backups`` kept). ``read_only`` (by default: when the file or its folder cannot
    be written) opens the store for reading only and never migrates it. A PostgreSQL
    server (never encrypted here: it takes no store passphrase) is migrated only by its
    set-up (``set_up_server``, from ``workbench server init``): the users of a shared server
    may not change its schema.

    A new SQLite store is created only encrypted: without a ``passphrase`` it is refused,
    unless ``plaintext`` is given, which only the tests and the benchmarks' plaintext
    baselines (``bench/plaintext.py``) do. An existing plaintext store still opens without
    one (to be read, or encrypted on its first open with a passphrase).
    """
    from db import backups

    url = to_url(target)
    path = _sqlite_path(url)
    key = cipher.store_key(passphrase) if passphrase is not None and path is not None else None
    described = str(path) if path else make_url(url).render_as_string()
    make_engine(url).dispose()  # checks the folder and the driver before reading anything
    if read_only is None:
        read_only = path is not None and not _writable(path)
    if path is not None and key is None and not plaintext and not read_only and _new(path):
        raise StoreOpenError(
            f"There is no store at {described} yet, and a new store is always encrypted: give "
            "its store passphrase (WORKBENCH_STORE_PASSPHRASE, or when asked) to create it. "
            "Nothing was created."
        )
    try:
        if path is not None:
            if not read_only:
                cipher.finish_interrupted(path)
            _check_key(path, key, described)
        current, tables = _inspect_version(url, key)
    except OperationalError as exc:
        if is_server(url):
            raise _server_unreachable(described, exc) from exc
        raise StoreOpenError(f"{described} is not a workbench store: {exc}") from exc
    except (OSError, cipher.DatabaseError, SQLAlchemyError) as exc:
        if path is not None and _disk_full(path, exc):
            raise StoreOpenError(
                f"The disk holding {described} is full, so the store cannot be opened; it was "
                "not changed. Free some space and try again."
            ) from exc
        raise StoreOpenError(f"{described} is not a workbench store: {exc}") from exc
    if current is None and tables:
        raise StoreOpenError(
            f"{described} is a database of another program, not a workbench store; "
            "it was not changed. Give a new file name or an existing workbench store."
        )
    known = set(known_revisions())
    if current is not None and current not in known:
        raise StoreOpenError(
            f"{described} was written by a newer version of the Inspector's Workbench "
            f"(schema {current}). Install the newer version to open it; this store was not changed."
        )
    if migrate and current != head_revision() and is_server(url) and not set_up_server:
        raise StoreOpenError(
            f"The server {described} is not set up for this version (schema "
            f"{current or 'none'}, this version needs {head_revision()}). An administrator "
            "sets it up with 'workbench server init --db URL'; nothing was changed."
        )
    if read_only and path is not None and (not path.exists() or current != head_revision()):
        raise StoreOpenError(
            f"{described} cannot be written (read-only media or no permission) and "
            + ("does not exist." if not path.exists() else "needs an update to this version.")
            + " Copy it to a folder you can write to."
        )
    if path is not None and not read_only:
        _prepare_file(path, key, described)
        _sweep_parts(path)
    if path is not None and cipher.is_plaintext(path):
        key = None  # a plaintext store opened read-only stays plaintext
    engine = make_engine(url, key=key, read_only=read_only, busy_timeout=busy_timeout)
    store = Store(
        url=url,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        key=key,
        read_only=read_only,
        busy_timeout=busy_timeout,
    )
    if migrate and not read_only and current != head_revision():
        try:
            if current is not None and path is not None and path.exists():
                store.backup = backups.before_migration(store, current, keep=keep_backups)
            from alembic import command

            command.upgrade(alembic_config(engine), "head")
        except (OSError, cipher.DatabaseError, SQLAlchemyError) as exc:
            engine.dispose()
            if not _is_full(exc):
                raise
            raise StoreOpenError(
                f"The disk holding {described} is full, so it could not be updated to this "
                "version; it was left as it was, with no partial backup. Free some space and "
                "open it again."
            ) from exc
        except BaseException:
            engine.dispose()
            raise
    return store


def _disk_full(path: Path, exc: BaseException) -> bool:
    """Whether ``exc`` came from a full disk (SQLite reports a full disk as an I/O error
    when it cannot map its -shm file)."""
    import shutil

    if _is_full(exc):
        return True
    try:
        return shutil.disk_usage(path.parent).free < 256 * 1024 and "i/o" in str(exc).lower()
    except OSError:
        return False


def _is_full(exc: BaseException) -> bool:
    import errno

    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc).lower()
    return "disk is full" in text or "no space left" in text


def _new(path: Path) -> bool:
    """No store there yet (no file, or an empty one)."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _sweep_parts(path: Path) -> None:
    """Remove the temporary files that killed workbench processes left (an export, a
    backup, a pack) wherever this store's users were writing them, and note this
    process's from now on (``db.files``). A running process's files are kept."""
    from db import files

    ledger = files.ledger_of(path)
    files.sweep_noted_parts(ledger)
    files.sweep_stale_parts(path)
    files.note_parts_in(ledger)


def _prepare_file(path: Path, key: cipher.StoreKey | None, described: str) -> None:
    """An owner-only file, encrypted when a key is given (SQLite makes its -wal and -shm
    with the same mode as the store)."""
    import os

    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    owner_only(path)
    if key is not None and path.stat().st_size > 0 and cipher.is_plaintext(path):
        try:
            cipher.encrypt_in_place(path, key)
        except (OSError, cipher.DatabaseError) as exc:
            why = "the disk is full" if _is_full(exc) else str(exc)
            raise StoreOpenError(
                f"{described} could not be encrypted ({why}); it was left as it was, "
                "unencrypted. Free some disk space and open it again."
            ) from exc
