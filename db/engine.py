"""Engine, session factory and opening a store (migrating it first, after a backup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
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
        except ArgumentError as exc:
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
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


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
    import sqlite3

    with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def open_store(target: str | Path, *, migrate: bool = True) -> Store:
    """Open (creating or migrating as needed) the store at a path or URL.

    A store written by a newer version is refused and left untouched. Before any
    migration of an existing SQLite file a backup copy is taken beside it.
    """
    url = to_url(target)
    engine = make_engine(url)
    store = Store(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    script = ScriptDirectory.from_config(alembic_config())
    try:
        current = current_revision(engine)
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database, etc.
        engine.dispose()
        raise StoreOpenError(f"{store.describe()} is not a workbench store: {exc}") from exc
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        engine.dispose()
        raise StoreOpenError(
            f"{store.describe()} was written by a newer version of the Inspector's Workbench "
            f"(schema {current}). Install the newer version to open it; this store was not changed."
        )
    head = script.get_current_head()
    if migrate and current != head:
        path = store.path
        if current is not None and path is not None and path.exists():
            store.backup = _backup(path, current)
        command.upgrade(alembic_config(engine), "head")
    return store


