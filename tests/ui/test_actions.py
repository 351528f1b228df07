"""The action table: every command is reachable from a menu or the shortcuts page and has a
text a screen reader can say; the grade commands follow the methodology's scale."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from db.engine import Store
from ui.actions import window_actions
from ui.dialogs.shortcuts import ShortcutsDialog
from ui.main_window import MainWindow
from ui.shortcuts import shortcuts
from workbench.methodology import Grade, load_methodology
from workbench.services.demo import create_demo

USER = "Alex Inspector"


@pytest.fixture
def demo_window(qtbot, store: Store) -> MainWindow:
    inspection_id = create_demo(store)
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.open_inspection(inspection_id)
    return main


def _menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        if action.menu() is not None:
            found += _menu_actions(action.menu())
        elif not action.isSeparator():
            found.append(action)
    return found


def _texts(menu: QMenu) -> list[str]:
    return ["---" if a.isSeparator() else a.text().replace("&", "") for a in menu.actions()]


def test_every_action_is_in_a_menu_or_the_shortcuts_page_and_has_a_text(
    qtbot, demo_window: MainWindow
) -> None:
    in_menus = {
        a.objectName() for bar in demo_window.menuBar().actions() for a in _menu_actions(bar.menu())
    }
    page = ShortcutsDialog(shortcuts(demo_window.menus.shown_actions()), demo_window)
    qtbot.addWidget(page)
    described = {s.name: s.description for s in shortcuts(demo_window.menus.shown_actions())}
    table = demo_window.menus.shown_actions()
    assert len(table) == len(demo_window.actions) > 20
    for action in table:
        made = demo_window.actions[action.id]
        assert action.id in in_menus or action.id in described, action.id
        assert made.text().replace("&", "").strip(), action.id
        if action.keys:
            assert described[action.id], action.id
    assert page.model.rowCount() == len(described)


def test_the_menus_keep_their_entries_in_order(demo_window: MainWindow) -> None:
    menus = {a.text(): a.menu() for a in demo_window.menuBar().actions()}
    assert list(menus) == ["&File", "&Edit", "&Case", "&View", "I&nspection", "&Help"]
    assert _texts(menus["&File"]) == [
        "New inspection…", "Draw sample…", "Import cases…", "Import grades…", "---",
        "Issue kit…", "Open kit…", "Export pack…", "Import packs…", "---",
        "Export findings report…", "Export referral schedule…",
        "Export findings data (XLSX)…", "Export accessible findings (HTML)…",
        "Export findings data as CSV files…", "---", "Back up store…", "My name…", "---",
        "Quit",
    ]  # fmt: skip
    assert _texts(menus["&Case"]) == [
        "Next case", "Previous case", "Find a case", "---",
        "Set overall grade", "Mark graded", "---", "Raise referral…", "Assign to…", "History",
        "---", "Next stage", "Previous stage", "Next unanswered",
        "Not applicable to the rest of this stage",
    ]  # fmt: skip
    assert _texts(menus["&View"]) == [
        "Dashboard", "Referrals register", "Moderation", "Imports log", "Follow-up",
        "National summary", "---", "Audit check", "Move to the case list",
        "Move to the grading panel",
    ]  # fmt: skip
    assert _texts(menus["I&nspection"]) == [
        "Share out cases…", "Keys…", "---", "Archive inspection", "Delete inspection…",
    ]  # fmt: skip
    grade_menu = next(a.menu() for a in menus["&Case"].actions() if a.menu() is not None)
    assert _texts(grade_menu) == ["Good", "Requires improvement", "Inadequate"]


def test_a_four_grade_scale_gets_four_grade_commands(qtbot, demo_window: MainWindow) -> None:
    scale = (
        Grade("outstanding", "Outstanding", "#1B7F3B", 0),
        *load_methodology().grades,
    )
    demo_window.menus.set_grades(scale)
    grade_menu = demo_window.menus.grade_menu
    assert grade_menu is not None
    assert _texts(grade_menu) == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert demo_window.actions["grade.4"].shortcut().toString() == "Ctrl+4"
    described = {s.name: s.description for s in shortcuts(window_actions(scale))}
    assert described["grade.1"] == "Set the overall grade to the best grade (outstanding)"
    assert described["grade.2"] == "Set the overall grade to grade 2 of 4 (good)"
    assert described["grade.4"] == "Set the overall grade to the worst grade (inadequate)"
    demo_window.menus.set_grades(load_methodology().grades)
    assert "grade.4" not in demo_window.actions
    demo_window.actions["grade.3"].trigger()
    assert demo_window.panel.form.combos["overall_grade"].currentData() == "inadequate"
