"""Opening the store from the workbench layer, and the store's identity.

Wraps ``db.engine.open_store`` so that every refusal is a ``WorkbenchError``, and finds
the default store in the user data folder (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Store, StoreOpenError, is_server, open_store
from db.models import StoreIdentity
from workbench.errors import StoreError, WorkbenchError

APP_NAME = "InspectorsWorkbench"
DEFAULT_STORE_NAME = "workbench.sqlite"


def default_store_path() -> Path | str:
    """The store used when no ``--db`` is given: ``WORKBENCH_DB`` (a path or a SQLAlchemy URL)
    or the user data folder."""
    env = os.environ.get("WORKBENCH_DB")
    if env:
        return env if "://" in env else Path(env)
    folder = user_data_path(APP_NAME, appauthor=False, ensure_exists=True)
    return folder / DEFAULT_STORE_NAME


def open_workbench_store(target: str | Path | None = None) -> Store:
    """Open the store at ``target`` (path or URL), or the default one, migrating it."""
    try:
        store = open_store(target if target is not None else default_store_path())
    except StoreOpenError as exc:
        raise StoreError(str(exc)) from exc
    if is_server(store.url):  # refusals and conflicts from the server, in words
        from workbench.server.errors import explain_server_errors

        explain_server_errors(store.engine)
    return store


def identity(session: Session) -> StoreIdentity:
    """The store's identity row, created on first use."""
    row = session.scalars(select(StoreIdentity)).first()
    if row is None:
        row = StoreIdentity()
        session.add(row)
        session.flush()
    return row


def user_name(session: Session) -> str | None:
    if session.get_bind().dialect.name == "postgresql":  # on a server: the database login
        from workbench.server.login import login

        return login(session)
    return identity(session).user_name


def require_user_name(session: Session) -> str:
    """The name of the person using this store, for the audit trail."""
    name = user_name(session)
    if not name:
        raise WorkbenchError(
            "This store has no user name yet. Set it first with "
            "'workbench identity set --name \"Your Name\"'."
        )
    return name


def set_user_name(store: Store, name: str) -> StoreIdentity:
    if is_server(store.url):
        raise WorkbenchError(
            "On a server store the user is the database login, recorded in the audit trail "
            "as it is; a name cannot be set. Log in as the user in the URL instead."
        )
    name = name.strip()
    if not name:
        raise WorkbenchError("The name must not be empty.")
    if len(name) > 200:
        raise WorkbenchError("The name is longer than 200 characters; shorten it.")
    from workbench import audit

    with store.sessions.begin() as session:
        row = identity(session)
        old = row.user_name
        if old != name:
            row.user_name = name
            audit.record(session, name, "update", "identity", row.id, "user_name", old, name)
        return row
