"""Opening the store from the workbench layer.

Wraps ``db.engine.open_store`` so that every refusal is a ``WorkbenchError``, and finds
the default store in the user data folder (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import StoreError
from workbench.store_location import APP_NAME as APP_NAME  # re-exported
from workbench.store_location import DEFAULT_STORE_NAME as DEFAULT_STORE_NAME
from workbench.store_location import default_store_path as default_store_path
from workbench.store_passphrase import Ask

if TYPE_CHECKING:
    from db.engine import Store


class StorePassphraseWrong(StoreError):
    """The store passphrase given does not open the store (it was not changed)."""


def open_workbench_store(
    target: str | Path | None = None,
    *,
    passphrase: str | None = None,
    ask: Ask | None = None,
    check: bool = False,
) -> Store:
    """Open the store at ``target`` (path or URL), or the default one, migrating it.

    A SQLite store is encrypted under its store passphrase: ``passphrase``, else
    ``WORKBENCH_STORE_PASSPHRASE``, else ``ask(store, new)`` (the terminal by default).
    ``check`` runs SQLite's quick check and refuses a damaged store in words.
    """
    from db.engine import StoreOpenError, WrongPassphraseError, is_server, open_store, to_url
    from workbench import store_faults
    from workbench.store_passphrase import resolve

    target = target if target is not None else default_store_path()
    path: Path | None = None
    try:
        url = to_url(target)
        path = _sqlite_file(url)
        if path is not None and passphrase is None:
            passphrase = resolve(path, ask)
        store = open_store(target, passphrase=passphrase, busy_timeout=busy_timeout())
    except WrongPassphraseError as exc:
        raise StorePassphraseWrong(str(exc)) from exc
    except StoreOpenError as exc:
        if path is not None and "malformed" in str(exc):  # too damaged to open: its backups
            detail = "SQLite: database disk image is malformed"
            damaged = store_faults.damaged_file_message(str(path), path, None, detail)
            raise store_faults.StoreDamaged(damaged) from exc
        raise StoreError(str(exc)) from exc
    if is_server(store.url):  # refusals and conflicts from the server, in words
        from workbench.server.errors import explain_server_errors

        explain_server_errors(store.engine)
    store_faults.install(store)
    if check:
        store_faults.quick_check(store)
    return store


def busy_timeout() -> float:
    """How long a write waits for another workbench's write: 5 seconds, or
    ``WORKBENCH_BUSY_TIMEOUT`` (seconds)."""
    from db.engine import BUSY_TIMEOUT_S

    try:
        return max(0.0, float(os.environ.get("WORKBENCH_BUSY_TIMEOUT", BUSY_TIMEOUT_S)))
    except ValueError:
        return BUSY_TIMEOUT_S


def _sqlite_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None
