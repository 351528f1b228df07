"""File ▸ Back up store… writes an encrypted, owner-only copy that opens as the store."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.main_window import MainWindow
from workbench.services.inspections import list_inspections
from workbench.store import open_workbench_store


def test_file_back_up_store_writes_a_copy_that_opens(qtbot, store, tmp_path: Path, monkeypatch):
    from datetime import date

    from workbench.services.inspections import create_inspection

    create_inspection(store, force="Testshire Police", title="T", start=date(2026, 1, 5),
                      end=date(2026, 1, 9))  # fmt: skip
    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    target = tmp_path / "copy.wbbackup"
    asked = []

    def pick(parent, title, start, filters):
        asked.append((title, start))
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(pick))
    action = window.actions["file.backup"]
    assert action.text() == "&Back up store…"
    assert action in window.menuBar().actions()[0].menu().actions()
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.findChild(QMessageBox), QMessageBox))
    box = window.findChild(QMessageBox)
    assert box.text().startswith(f"The store was backed up to {target} (encrypted")
    assert asked[0][0] == "Back up the store"
    assert target.stat().st_mode & 0o777 == 0o600
    copy = open_workbench_store(target)
    assert [i.title for i in list_inspections(copy)] == ["T"]
    copy.close()
