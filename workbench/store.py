"""Opening the store from the workbench layer.

Wraps ``db.engine.open_store`` so that every refusal is a ``WorkbenchError``, and finds
the default store in the user data folder (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from db.engine import Store, StoreOpenError, is_server, open_store
from workbench.errors import StoreError

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
