"""A real crash: the window process under Xvfb and openbox, text typed with xdotool, the
process killed (SIGKILL) 100 ms after the last keystroke: the text is in the store's drafts,
and after a restart it is back in the box and saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import backends
import pytest
from xvfb import wait_for, window_shown, x_display, xdotool

from db import cipher
from db.models import Case
from workbench.methodology import load_methodology
from workbench.services import drafts, grading
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
USER = "Alex Inspector"
TYPED = "Child seen alone and views recorded; strategy discussion within a day"
METHOD = load_methodology()


def store_with_one_case_to_finish(path: Path) -> str:
    """A store whose one case has everything but its rationale (Ctrl+J goes straight there)."""
    store = backends.open_test_store(path, USER)
    try:
        inspection = create_inspection(
            store, force="Testshire Police", title="T", start=date(2026, 1, 5), end=date(2026, 1, 9)
        )
        with store.sessions.begin() as session:
            case = Case(
                inspection_id=inspection.id, reference="T/1", category="police_protection",
                assigned_to=USER, methodology_version=METHOD.version,
            )  # fmt: skip
            session.add(case)
            session.flush()
            case_id = case.id
        for item in METHOD.items_for("police_protection"):
            kind = "fact" if item.fact else "prompt"
            grading.edit(store, case_id, USER, f"{kind}:{item.id}", item.answers[0].id)
        for stage in METHOD.stages_for("police_protection"):
            grading.edit(store, case_id, USER, f"stage:{stage.id}:grade", "good")
        grading.edit(store, case_id, USER, "overall_grade", "good")
        return case_id
    finally:
        store.close()


def query(path: Path, sql: str) -> list[tuple]:
    """Read the store file directly (opening it as the workbench does would back it up and
    could meet the window opening it)."""
    key = cipher.store_key(os.environ["WORKBENCH_STORE_PASSPHRASE"])
    with closing(cipher.connect(path, key)) as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


def journaled(path: Path) -> list[str]:
    return [row[0] for row in query(path, "SELECT text FROM draft")]


def rationale(path: Path) -> str:
    return query(path, "SELECT rationale FROM assessment")[0][0]


def window(path: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ui.main", "--db", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_text_typed_100_ms_before_a_kill_is_there_after_restart(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    case_id = store_with_one_case_to_finish(path)
    with x_display() as env:
        env = {**env, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
        env.pop("WORKBENCH_DB", None)
        first = window(path, env)
        try:
            window_shown(env, "Inspector's Workbench")

            def typed_a_probe() -> bool:
                """Once the case is open, Ctrl+G then Ctrl+J land in the rationale (the
                probe is replaced by the text below)."""
                xdotool(env, "key", "ctrl+g", "ctrl+j")
                xdotool(env, "type", "--delay", "20", ".")
                try:  # journaled within 50 ms of the key once the rationale has it
                    return wait_for(
                        lambda: any(t.endswith(".") for t in journaled(path)), 0.5,
                        "the probe was journaled", first,
                    )  # fmt: skip
                except AssertionError:
                    if first.poll() is not None:
                        raise
                xdotool(env, "key", "BackSpace")  # typed too early (in the search box?)
                return False

            wait_for(typed_a_probe, 90, "the rationale took typing", first)
            xdotool(env, "key", "ctrl+a")
            xdotool(env, "type", "--delay", "30", TYPED)
            with pytest.raises(subprocess.TimeoutExpired):  # 100 ms on, still running
                first.wait(timeout=0.1)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()

        assert journaled(path) == [TYPED]
        assert rationale(path) == ""  # the pause never ended: nothing saved as an edit

        second = window(path, env)
        try:
            wait_for(
                lambda: rationale(path) == TYPED,
                90,
                "the restarted window saved the restored text",
                second,
            )
        finally:
            second.terminate()
            second.wait(timeout=30)
    assert journaled(path) == []
    store = open_workbench_store(path)
    try:
        assert [d.text for d in drafts.pending(store, case_id, USER)] == []
        assert grading.view(store, case_id, USER).rationale == TYPED
    finally:
        store.close()
