"""Shared Qt fixtures: the application's names, settings kept in tmp_path, no stray threads."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow

from ui import worker
from ui.app import configure_application


@pytest.fixture(autouse=True)
def qt_settings(qapp: QApplication, tmp_path: Path) -> Path:
    """Every QSettings written by a test goes to an INI file under tmp_path, never ~/.config."""
    configure_application(qapp)
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_running_tasks(qapp: QApplication):
    """After each test, every worker thread it started has ended (cancelled if need be)."""
    yield
    worker.wait_for_tasks()
    assert not worker.running_tasks()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """After each test, the dialogs it left open close without asking about what the test
    typed into them (pytest-qt closes the test's widgets before its fixtures end)."""
    yield
    from ui.dialogs.form import FormDialog

    if QApplication.instance() is not None:
        for widget in QApplication.allWidgets():
            if isinstance(widget, FormDialog):
                widget.keep_typed_text()


@pytest.fixture
def bare_window(qtbot) -> QMainWindow:
    """An empty main window, shown: the parent for dialogs and worker tasks under test."""
    widget = QMainWindow()
    qtbot.addWidget(widget)
    widget.show()
    return widget
