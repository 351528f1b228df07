"""Setting up a server: ``server init`` through the migrations, ``server check``, and what a
user sees when the server is not set up or cannot be reached."""

from __future__ import annotations

import uuid

import backends
import pytest
from sqlalchemy.engine import make_url

from db.engine import head_revision
from workbench.cli import main
from workbench.errors import StoreError
from workbench.server.roles import INSPECTION_OF
from workbench.store import open_workbench_store


def _empty_database() -> str:
    name = f"wbtest_{uuid.uuid4().hex[:12]}"
    backends._admin(f'CREATE DATABASE "{name}"')
    backends._made.append(name)
    return backends.database_url(name)


def test_init_creates_the_schema_and_roles_and_check_then_finds_nothing_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = _empty_database()
    assert main(["server", "check", "--db", url]) == 1
    before = capsys.readouterr().out
    assert "missing:  the schema is at nothing, this version needs" in before
    assert "The server is not ready: run 'workbench server init --db URL' as its owner." in before
    with pytest.raises(StoreError, match="An administrator sets it up with 'workbench server"):
        open_workbench_store(url)

    assert main(["server", "init", "--db", url]) == 0
    assert f"Schema at {head_revision()}." in capsys.readouterr().out
    assert main(["server", "init", "--db", url]) == 0  # again: harmless
    capsys.readouterr()
    assert main(["--db", url, "server", "check"]) == 0
    after = capsys.readouterr().out
    assert "missing" not in after
    assert f"in place: the lead rule on {len(INSPECTION_OF)} tables" in after
    assert "in place: the audit trail's store-wide sequence (workbench_audit_seq)" in after
    assert after.rstrip().endswith("The server is ready.")

    assert main(["server", "add-user", "--db", url, "pat.analyst", "--role", "analyst"]) == 0
    assert capsys.readouterr().out == "pat.analyst is now an analyst on this server.\n"
    as_analyst = backends.database_url(make_url(url).database, "pat.analyst")
    assert main(["server", "check", "--db", as_analyst]) == 0
    assert capsys.readouterr().out.startswith("Logged in as pat.analyst (analyst).")


def test_workbench_db_takes_a_server_url(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    url = backends.new_database()
    monkeypatch.setenv("WORKBENCH_DB", url)
    assert main(["inspection", "list"]) == 0
    monkeypatch.setenv("WORKBENCH_DB", url.replace("wbtest_", "nosuch_"))
    assert main(["inspection", "list"]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached or refused the login" in err
    assert 'database "nosuch_' in err and "Check the host, port, database name" in err
    assert "Traceback" not in err


def test_a_file_path_is_not_a_server(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert main(["server", "init", "--db", str(tmp_path / "x.sqlite")]) == 1
    assert "is not a PostgreSQL URL" in capsys.readouterr().err
