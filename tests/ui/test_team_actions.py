"""The team's menus in the main window: kits, packs, reports, moderation and imports log."""

from __future__ import annotations

import pytest

from db.engine import Store
from ui.actions import window_actions
from ui.main_window import MainWindow
from workbench.services.demo import create_demo

USER = "Alex Inspector"
TABLE = {a.id: a for a in window_actions()}
TEAM = ("file.issue_kit", "file.open_kit", "file.export_pack", "file.import_packs")
REPORT_KINDS = [name for name in TABLE if name.startswith("report.")]
FILE_ACTIONS = [(name, TABLE[name].text) for name in (*TEAM, *REPORT_KINDS)]
VIEW_ACTIONS = [(name, TABLE[name].text) for name in ("view.moderation", "view.imports")]


@pytest.fixture
def demo_window(qtbot, store: Store) -> MainWindow:
    inspection_id = create_demo(store)
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    main.open_inspection(inspection_id)
    return main


def _menu_texts(window: MainWindow, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_file_and_view_menus_offer_the_team_actions(demo_window: MainWindow) -> None:
    file_menu, view_menu = _menu_texts(demo_window, "&File"), _menu_texts(demo_window, "&View")
    assert all(text in file_menu for _, text in FILE_ACTIONS)
    assert all(text in view_menu for _, text in VIEW_ACTIONS)
    assert all(demo_window.actions[name].isEnabled() for name, _ in FILE_ACTIONS)


def test_without_an_inspection_only_open_kit_is_offered(qtbot, store: Store) -> None:
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    assert main.actions["file.open_kit"].isEnabled()
    assert not any(main.actions[n].isEnabled() for n in REPORT_KINDS)
    assert not main.actions["view.moderation"].isEnabled()
    assert not main.actions["file.export_pack"].isEnabled()


def test_moderation_dock_lists_the_demo_case_graded_differently(demo_window: MainWindow) -> None:
    demo_window.actions["view.moderation"].trigger()
    dock = demo_window.docks["moderation"]
    assert dock.isVisible() and dock.windowTitle() == "Moderation"
    view = dock.widget()
    assert view.inspection_id == demo_window.inspection.id
    assert view.cases_model.rowCount() >= 1  # the demo has one unmoderated disagreement


def test_imports_log_dock_opens_for_the_inspection(demo_window: MainWindow) -> None:
    demo_window.actions["view.imports"].trigger()
    dock = demo_window.docks["imports"]
    assert dock.isVisible() and dock.windowTitle() == "Imports log"


def test_export_findings_report_writes_the_pdf(qtbot, demo_window: MainWindow, tmp_path):
    from ui.dialogs.reports import export_report

    target = tmp_path / "findings.pdf"
    told: list[str] = []
    task = export_report(
        demo_window, demo_window.store, demo_window.inspection.id, "pdf", target, told.append
    )
    assert task is not None
    qtbot.waitUntil(lambda: bool(told), timeout=60_000)
    assert target.read_bytes().startswith(b"%PDF") and str(target) in told[0]
