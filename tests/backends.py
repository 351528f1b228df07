"""Which database the store tests run on: SQLite files (the default) or a real PostgreSQL
server (``--backend=postgresql`` or ``WORKBENCH_TEST_BACKEND=postgresql``, with the server
in ``WORKBENCH_TEST_PG_URL``: ``.ci/postgres.sh start`` prints one).

On PostgreSQL each test's store is a new database copied from a template that
``workbench server init`` set up once (schema, roles, lead rule); copying a store (as the
pack tests copy a lead's file) copies its database. Every database made is dropped at the end.
"""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TEMPLATE = "wbtest_template"
_made: list[str] = []
_lock = threading.Lock()
_template_ready = False


def backend() -> str:
    return os.environ.get("WORKBENCH_TEST_BACKEND", "sqlite")


def on_server() -> bool:
    return backend() == "postgresql"


def server_url() -> str | None:
    return os.environ.get("WORKBENCH_TEST_PG_URL")


def database_url(name: str, user: str | None = None) -> str:
    """The test server's URL for the database ``name`` (as ``user``, if given)."""
    url = make_url(server_url()).set(database=name)
    if user:
        url = url.set(username=user, password=None)
    return url.render_as_string(hide_password=False)


def _admin(statement: str) -> None:
    """One statement on the server's maintenance database, outside any transaction."""
    engine = create_engine(database_url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def empty_database() -> str:
    """A new, empty database on the test server (no schema); its URL."""
    name = f"wbtest_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    _made.append(name)
    return database_url(name)


def _ensure_template() -> None:
    global _template_ready
    with _lock:
        if _template_ready:
            return
        from workbench.server.setup import init_server

        _admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{TEMPLATE}"')
        init_server(database_url(TEMPLATE))
        _template_ready = True


def new_database(copy_of: str = TEMPLATE) -> str:
    """A new database on the test server, a copy of ``copy_of``; its URL."""
    if copy_of == TEMPLATE:
        _ensure_template()
    name = f"wbtest_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{copy_of}"')
    _made.append(name)
    if copy_of == TEMPLATE:  # a new store has an identity of its own (a copy keeps it)
        engine = create_engine(database_url(name))
        with engine.begin() as conn:
            conn.execute(text("UPDATE store_identity SET id = gen_random_uuid()::text"))
        engine.dispose()
    return database_url(name)


_logins: set[str] = set()


def login_for(user: str) -> str:
    """The server login named ``user`` (created as an administrator), so that the audit
    trail records the same name as on SQLite, where the name is set in the store."""
    _ensure_template()
    with _lock:
        if user not in _logins:
            quoted = user.replace('"', '""')
            _admin(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                f"'{user.replace(chr(39), chr(39) * 2)}') THEN "
                f'CREATE ROLE "{quoted}" LOGIN IN ROLE workbench_admin; END IF; END $$'
            )
            _logins.add(user)
    return user


def store_target(path: Path, user: str | None = None) -> Path | str:
    """Where a test's store goes: the SQLite file ``path``, or a new server database (opened
    as the login ``user``)."""
    if not on_server():
        return path
    url = new_database()
    return database_url(make_url(url).database, login_for(user)) if user else url


def open_test_store(path: Path, user: str | None):
    """A new, migrated store whose user is ``user`` (on a server: the login of that name)."""
    from workbench.identity import set_user_name
    from workbench.store import open_workbench_store

    store = open_workbench_store(store_target(path, user))
    if user and not on_server():
        set_user_name(store, user)
    return store


def copy_store(source: Path | str, path: Path) -> Path | str:
    """A copy of the store ``source`` (a file copied to ``path``, or a server database)."""
    if isinstance(source, str) and "://" in source:
        parsed = make_url(source)
        return database_url(make_url(new_database(parsed.database)).database, parsed.username)
    import shutil

    shutil.copy(source, path)
    return path


def drop_all() -> None:
    """Drop every database made for the tests (and the template)."""
    while _made:
        _admin(f'DROP DATABASE IF EXISTS "{_made.pop()}" WITH (FORCE)')
    if _template_ready:
        _admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')


def cli_target(store) -> str:  # type: ignore[no-untyped-def]
    """What a test passes to ``--db`` for ``store``: its file's path, or its server URL."""
    return str(store.path) if store.path else store.url


def as_user(store, user: str):  # type: ignore[no-untyped-def]
    """``store`` as ``user`` uses it: on SQLite the same store with the user's name set; on a
    server the same database opened as the login ``user`` (the caller closes it)."""
    from workbench.identity import set_user_name
    from workbench.store import open_workbench_store

    if not on_server():
        set_user_name(store, user)
        return store
    return open_workbench_store(database_url(make_url(store.url).database, login_for(user)))
