"""Shared fixtures: a fresh store per test, with a user name set for the audit trail."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every store a test makes is encrypted, as a user's is; subprocesses inherit the passphrase.
os.environ.setdefault("WORKBENCH_STORE_PASSPHRASE", "tidy lantern orchard velvet 42")
# The support log of every run under test (subprocesses inherit it), never the user's own.
os.environ.setdefault("WORKBENCH_LOG_DIR", tempfile.mkdtemp(prefix="workbench-test-logs-"))

from db.engine import Store
from workbench.identity import set_user_name
from workbench.store import open_workbench_store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite"


@pytest.fixture
def store(store_path: Path) -> Store:
    """A new, migrated store whose user is 'Alex Inspector'."""
    opened = open_workbench_store(store_path)
    set_user_name(opened, "Alex Inspector")
    yield opened
    opened.close()
