"""Engine, session factory and opening a store (migrating it first, after a backup)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker


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
            "Use a SQLite file path, or install the database driver (for PostgreSQL: psycopg)."
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
            version = MigrationContext.configure(conn).get_current_revision()
            return version, tables
    finally:
        engine.dispose()


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("db") / "migrations"))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _backup(path: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{revision or 'base'}.{stamp}.bak")
    with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def open_store(target: str | Path, *, migrate: bool = True) -> Store:
    """Open (creating or migrating as needed) the store at a path or URL.

    A store written by a newer version is refused and left untouched. Before any
    migration of an existing SQLite file a backup copy is taken beside it.
    """
    url = to_url(target)
    described = Store(url, None, None).describe()  # type: ignore[arg-type]
    make_engine(url).dispose()  # checks the folder and the driver before reading anything
    try:
        current, tables = _inspect_version(url)
    except (sqlite3.DatabaseError, SQLAlchemyError) as exc:
        raise StoreOpenError(f"{described} is not a workbench store: {exc}") from exc
    if current is None and tables:
        raise StoreOpenError(
            f"{described} is a database of another program, not a workbench store; "
            "it was not changed. Give a new file name or an existing workbench store."
        )
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreOpenError(
            f"{described} was written by a newer version of the Inspector's Workbench "
            f"(schema {current}). Install the newer version to open it; this store was not changed."
        )
    engine = make_engine(url)
    store = Store(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    head = script.get_current_head()
    if migrate and current != head:
        path = store.path
        if current is not None and path is not None and path.exists():
            store.backup = _backup(path, current)
        command.upgrade(alembic_config(engine), "head")
    return store
