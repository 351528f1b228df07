"""Starting the application: the store, the first-run name, the demo offer, the self-test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import app
from workbench.services.inspections import list_inspections
from workbench.store import open_workbench_store, set_user_name

WAIT_MS = 60_000  # creating the demo inspection takes a few seconds


@pytest.fixture
def fresh_store(tmp_path: Path):
    """A migrated store with no user name and no inspections: the first run."""
    opened = open_workbench_store(tmp_path / "first-run.sqlite")
    yield opened
    opened.close()


def test_a_file_that_is_not_a_store_is_refused_with_a_message(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(app, "show_error", lambda parent, exc, wait=False: shown.append(str(exc)))
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("these are my notes, not a database\n")

    assert app.run(["--db", str(not_a_store)]) == 1
    assert len(shown) == 1 and "is not a workbench store" in shown[0]
    assert not_a_store.read_text() == "these are my notes, not a database\n"


def test_first_run_asks_the_name_then_opens_the_demo(qtbot, fresh_store, monkeypatch):
    asked, offered = [], []

    def ask(parent, store):
        asked.append(store)
        set_user_name(store, "Sam Inspector")
        return "Sam Inspector"

    monkeypatch.setattr(app, "ask_user_name", ask)
    monkeypatch.setattr(app, "confirm", lambda parent, title, text: offered.append(text) or True)

    window = app.start(fresh_store)
    qtbot.addWidget(window)
    assert asked == [fresh_store]
    assert window.isVisible() and window.user_name == "Sam Inspector"
    qtbot.waitUntil(lambda: window.inspection is not None, timeout=WAIT_MS)

    [demo] = list_inspections(fresh_store)
    assert offered and offered[0].startswith("This store has no inspections yet.")
    assert demo.fictional and demo.cases > 0
    assert window.inspection.id == demo.id
    assert window.model.rowCount() == demo.cases


def test_declining_the_demo_leaves_the_store_empty(qtbot, fresh_store, monkeypatch):
    set_user_name(fresh_store, "Sam Inspector")
    monkeypatch.setattr(app, "ask_user_name", lambda parent, store: pytest.fail("asked twice"))
    offered = []
    monkeypatch.setattr(app, "confirm", lambda parent, title, text: offered.append(title) and False)

    window = app.start(fresh_store)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: offered == ["Open the demo inspection?"], timeout=WAIT_MS)
    assert list_inspections(fresh_store) == []
    assert window.inspection is None


def test_no_name_given_means_no_window(fresh_store, monkeypatch):
    monkeypatch.setattr(app, "ask_user_name", lambda parent, store: None)
    assert app.start(fresh_store) is None


def test_self_test_in_process(capsys):
    assert app.run(["--self-test"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "self-test passed"
    assert any(line.startswith("demo inspection: ") for line in out)


@pytest.mark.slow
def test_self_test_through_the_entry_point(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env.pop("WORKBENCH_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "ui.main", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "self-test passed"
