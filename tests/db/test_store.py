"""Where the store is: ``--db`` as a path or a SQLAlchemy URL, the default location, and a
folder that does not exist."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from keyed import connect, open_store
from platformdirs import user_data_path
from sqlalchemy import text

from db.engine import StoreOpenError
from workbench.errors import StoreError, WorkbenchError
from workbench.identity import set_user_name
from workbench.store import (
    APP_NAME,
    DEFAULT_STORE_NAME,
    default_store_path,
    open_workbench_store,
)


def _user_name(target: str | Path) -> str | None:
    store = open_store(target)
    with store.engine.connect() as conn:
        name = conn.execute(text("SELECT user_name FROM store_identity")).scalar()
    store.close()
    return name


def test_a_path_and_a_sqlite_url_open_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "team.sqlite"
    store = open_workbench_store(str(path))
    set_user_name(store, "Alex Inspector")
    store.close()

    by_url = open_store(f"sqlite:///{path}")
    assert by_url.path == path
    assert by_url.describe() == str(path)
    by_url.close()
    assert _user_name(f"sqlite:///{path}") == "Alex Inspector"
    assert _user_name(path) == "Alex Inspector"


def test_a_relative_path_is_resolved_against_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("relative.sqlite")
    store.close()

    assert store.path == tmp_path / "relative.sqlite"
    assert (tmp_path / "relative.sqlite").is_file()


def test_a_folder_that_does_not_exist_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"

    for target in (missing / "store.sqlite", f"sqlite:///{missing}/store.sqlite"):
        with pytest.raises(StoreOpenError, match="does not exist; create it first"):
            open_store(target)
    with pytest.raises(StoreError) as refused:
        open_workbench_store(missing / "store.sqlite")

    assert isinstance(refused.value, WorkbenchError)
    assert str(missing) in str(refused.value)
    assert not missing.exists()


def test_an_invalid_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="'bad scheme://x' is not a valid database URL"):
        open_workbench_store("bad scheme://x")


def test_the_default_store_is_workbench_db_or_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "from-env.sqlite"))
    assert default_store_path() == tmp_path / "from-env.sqlite"
    store = open_workbench_store()
    store.close()
    assert store.path == tmp_path / "from-env.sqlite"

    monkeypatch.delenv("WORKBENCH_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # keep Linux runs in tmp_path
    expected = user_data_path(APP_NAME, appauthor=False) / DEFAULT_STORE_NAME
    assert default_store_path() == expected
    assert expected.parent.is_dir()


def test_a_database_of_another_program_is_refused_and_left_alone(tmp_path):
    other = tmp_path / "other.sqlite"
    with closing(connect(other)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('someone')")
        conn.commit()
    before = other.read_bytes()
    with pytest.raises(StoreOpenError, match="another program"):
        open_store(other)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]
