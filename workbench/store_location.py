"""Where the default store is, found without importing SQLAlchemy (for the window's start).

``workbench.store`` re-exports these names.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

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
