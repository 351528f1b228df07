"""Shared fixtures: a fresh store per test, with a user name set for the audit trail.

``--backend=postgresql`` (or ``WORKBENCH_TEST_BACKEND=postgresql``) runs the store tests on
the PostgreSQL server in ``WORKBENCH_TEST_PG_URL`` instead of SQLite files (tests/backends.py).
"""

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

import backends

from db.engine import Store


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgresql"),
        default=None,
        help="where the store tests keep their stores (default: WORKBENCH_TEST_BACKEND or sqlite)",
    )


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.getoption("--backend")
    if chosen:
        os.environ["WORKBENCH_TEST_BACKEND"] = chosen
    if backends.on_server() and not backends.server_url():
        raise pytest.UsageError(
            "--backend=postgresql needs WORKBENCH_TEST_PG_URL (.ci/postgres.sh start DIR prints it)"
        )
    if backends.on_server():  # stores a test leaves to the garbage collector: psycopg warns
        config.addinivalue_line("filterwarnings", "ignore:.*deleted while still open")
        config.addinivalue_line("filterwarnings", "ignore::pytest.PytestUnraisableExceptionWarning")


def pytest_report_header(config: pytest.Config) -> str:
    return f"store backend: {backends.backend()}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if backends.on_server():
        backends.drop_all()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite"


@pytest.fixture
def store(store_path: Path) -> Store:
    """A new, migrated store whose user is 'Alex Inspector'."""
    opened = backends.open_test_store(store_path, "Alex Inspector")
    yield opened
    opened.close()
