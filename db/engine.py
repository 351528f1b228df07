"""Engine, session factory and opening a store (migrating it first, after a backup)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config


class StoreOpenError(Exception):
    """The store cannot be opened; the message says why and what to do."""


@dataclass
class Store:
    """An open store: its URL, engine and session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    backup: Path | None = None

    @property
    def path(self) -> Path | None:
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database)
        return None

    def describe(self) -> str:
        return str(self.path) if self.path else make_url(self.url).render_as_string()

    def close(self) -> None:
        self.engine.dispose()


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


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            if not folder.exists():
                raise StoreOpenError(f"The folder {folder} does not exist; create it first.")
        engine = _create(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return _create(url, pool_pre_ping=True)


def _create(url: str, **options: object) -> Engine:
    try:
        return create_engine(url, **options)
    except (NoSuchModuleError, ImportError) as exc:
        raise StoreOpenError(
            f"This installation cannot open '{make_url(url).drivername}' stores ({exc}). "
            "Use a SQLite file path, or install the database driver (for PostgreSQL: "
            "pip install 'inspectors-workbench[server]')."
        ) from exc


def _inspect_version(url: str) -> tuple[str | None, list[str]]:
    """The schema revision and table names, read without changing the file in any way."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.exists():
            return None, []
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            version = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                version = row[0] if row else None
            return version, tables
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


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config  # alembic is loaded only when a migration is due

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("db") / "migrations"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def known_revisions() -> list[str]:
    """The schema revisions this version knows, oldest first.

    Read from the migration files' names (``<revision>.py``, checked by a test against
    Alembic's own graph) so that opening a store at head never has to import Alembic.
    """
    folder = resources.files("db") / "migrations" / "versions"
    names = (entry.name for entry in folder.iterdir())
    return sorted(n[:-3] for n in names if n.endswith(".py") and n[:4].isdigit())


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    return _inspect_version(engine.url.render_as_string(hide_password=False))[0]


def _backup(path: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{revision or 'base'}.{stamp}.bak")
    with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def is_server(url: str) -> bool:
    """Whether the store is a shared PostgreSQL server (not an embedded SQLite file)."""
    return make_url(url).get_backend_name() == "postgresql"


def _server_unreachable(described: str, exc: OperationalError) -> StoreOpenError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return StoreOpenError(
        f"The server {described} cannot be reached or refused the login ({reason}). "
        "Check the host, port, database name, user and password in the URL."
    )


def open_store(target: str | Path, *, migrate: bool = True, set_up_server: bool = False) -> Store:
    """Open (creating or migrating as needed) the store at a path or URL.

    A store written by a newer version is refused and left untouched. Before any
    migration of an existing SQLite file a backup copy is taken beside it. A PostgreSQL
    server is migrated only by its set-up (``set_up_server``, from ``workbench server
    init``): the users of a shared server may not change its schema.
    """
    url = to_url(target)
    described = Store(url, None, None).describe()  # type: ignore[arg-type]
    make_engine(url).dispose()  # checks the folder and the driver before reading anything
    try:
        current, tables = _inspect_version(url)
    except OperationalError as exc:
        if is_server(url):
            raise _server_unreachable(described, exc) from exc
        raise StoreOpenError(f"{described} is not a workbench store: {exc}") from exc
    except (sqlite3.DatabaseError, SQLAlchemyError) as exc:
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
    engine = make_engine(url)
    store = Store(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    if migrate and current != head_revision():
        path = store.path
        if current is not None and path is not None and path.exists():
            store.backup = _backup(path, current)
        from alembic import command

        command.upgrade(alembic_config(engine), "head")
    return store
