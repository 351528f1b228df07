"""The store passphrase asked over the window: twice and checked for a new store, again after
a wrong one, the store unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialog_helpers import answer_dialogs

from ui.dialogs.store_passphrase import StorePassphraseDialog, open_store_asking
from workbench.errors import WorkbenchError
from workbench.identity import set_user_name
from workbench.store import open_workbench_store

GOOD = "tidy lantern orchard velvet 42"


def test_a_new_store_passphrase_is_asked_twice_and_a_weak_one_refused_with_why(qtbot) -> None:
    dialog = StorePassphraseDialog("/tmp/new.sqlite", True)
    qtbot.addWidget(dialog)
    dialog.first.setText("aaaaaaaaaaaa")
    dialog.again.setText("aaaaaaaaaaaa")
    dialog.accept()
    assert dialog.passphrase is None
    assert 'Repeats like "aaa" are easy to guess' in dialog.error.text()
    dialog.first.setText(GOOD)
    dialog.again.setText(GOOD + "!")
    dialog.accept()
    assert dialog.error.text().endswith("The two passphrases differ; type them again.")
    dialog.again.setText(GOOD)
    dialog.accept()
    assert dialog.passphrase == GOOD
    assert dialog.result() == StorePassphraseDialog.DialogCode.Accepted


def test_the_window_asks_again_after_a_wrong_passphrase(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    made = open_workbench_store(path)
    set_user_name(made, "Alex Inspector")
    made.close()
    monkeypatch.delenv("WORKBENCH_STORE_PASSPHRASE")
    seen: list[str] = []

    answer_dialogs(["not the passphrase at all", GOOD], seen)
    store = open_store_asking(None, str(path))
    store.close()

    assert seen[0] == ""
    assert "passphrase is wrong" in seen[1]
    assert store.encrypted


def test_three_wrong_passphrases_end_with_the_store_unchanged(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    open_workbench_store(path).close()
    before = path.read_bytes()
    monkeypatch.delenv("WORKBENCH_STORE_PASSPHRASE")
    answer_dialogs(["wrong passphrase number one"] * 3, [])
    with pytest.raises(WorkbenchError, match="passphrase is wrong"):
        open_store_asking(None, str(path))
    assert path.read_bytes() == before
