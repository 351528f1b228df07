"""The main window: grading through the widgets, undo/redo, filters, shortcuts and layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from db.engine import Store
from db.models import AuditEvent, Case
from ui.case_model import GRADE, REFERENCE, REFERRAL, STATUS
from ui.main_window import MainWindow, settings
from ui.shortcuts import SHORTCUTS
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.inspections import create_inspection
from workbench.services.referrals import raise_referral

METHOD = load_methodology()
USER = "Alex Inspector"


def make_inspection(store: Store, cases: list[tuple[str, str, str]], title: str = "T") -> str:
    """An inspection with cases (reference, category, assigned to), inserted directly."""
    inspection = create_inspection(
        store, force="Testshire Police", title=title, start=date(2026, 1, 5), end=date(2026, 1, 9)
    )
    with store.sessions.begin() as session:
        session.add_all(
            Case(
                inspection_id=inspection.id,
                reference=reference,
                category=category,
                unit="North borough" if n % 2 else "South borough",
                assigned_to=assigned,
                methodology_version=METHOD.version,
            )
            for n, (reference, category, assigned) in enumerate(cases)
        )
    return inspection.id


CASES = [
    ("T/1", "police_protection", USER),
    ("T/2", "cse", "Jo Marsh"),
    ("T/3", "section_47", USER),
]


@pytest.fixture
def window(qtbot, store: Store, monkeypatch) -> MainWindow:
    make_inspection(store, CASES)
    main = MainWindow(store, USER)
    main.dialogs = []
    monkeypatch.setattr(main, "exec_dialog", lambda dialog: main.dialogs.append(dialog) or False)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


def cell(window: MainWindow, row: int, column: int) -> str:
    return window.model.data(window.model.index(row, column))


def shown_references(window: MainWindow) -> list[str]:
    return [cell(window, r, REFERENCE) for r in range(window.model.rowCount())]


def click_row(qtbot, window: MainWindow, row: int) -> None:
    rect = window.table.visualRect(window.model.index(row, REFERENCE))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def press(qtbot, widget, keys: str) -> None:
    combination = QKeySequence(keys)[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


def audit(store: Store) -> list[tuple[str, str | None, str | None]]:
    with store.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "assessment").order_by(AuditEvent.seq)
        )
        return [(e.field, e.old_value, e.new_value) for e in events if e.field]


def test_opens_the_inspection_with_progress_and_store(window: MainWindow, store: Store) -> None:
    assert shown_references(window) == ["T/1", "T/2", "T/3"]
    assert window.inspection_combo.currentText() == "Testshire Police — T"
    assert window.progress_text.text() == "0 of 3 graded"
    assert window.cases.showing.text() == "Showing 3 of 3 cases"
    assert window.store_label.text() == f"Store: {store.describe()}"
    assert window.panel.header.title.text() == "T/1"  # the first case is open


def test_grade_a_case_from_first_click_to_graded(qtbot, window: MainWindow, store) -> None:
    click_row(qtbot, window, 2)
    panel = window.panel
    assert panel.header.title.text() == "T/3"
    case_id = panel.case_id
    form = panel.form
    stages = METHOD.stages_for("section_47")

    for stage in stages:
        yes = form.answers[f"prompt:{stage.prompts[0].id}"].button(0)
        qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
        combo = form.combos[f"stage:{stage.id}:grade"]
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # "Good"
        notes = form.texts[f"stage:{stage.id}:notes"]
        notes.setFocus()
        qtbot.keyClicks(notes, f"Evidence for {stage.name}")
    press(qtbot, window.table, "Ctrl+1")
    rationale = form.texts["rationale"]
    rationale.setFocus()
    qtbot.keyClicks(rationale, "Every stage was good.")
    press(qtbot, rationale, "Ctrl+Return")

    view = grading.view(store, case_id, USER)
    assert view.status == "graded"
    assert view.overall_grade == "good" and view.rationale == "Every stage was good."
    assert view.stage_grades == {s.id: "good" for s in stages}
    assert view.stage_notes == {s.id: f"Evidence for {s.name}" for s in stages}
    assert view.answers == {s.prompts[0].id: "yes" for s in stages}
    fields = [e[0] for e in audit(store)]
    for stage in stages:
        assert {f"prompt:{stage.prompts[0].id}", f"stage:{stage.id}:grade"} <= set(fields)
        assert f"stage:{stage.id}:notes" in fields
    assert fields[-3:] == ["overall_grade", "rationale", "status"]
    assert audit(store)[-1] == ("status", "in_progress", "graded")
    assert (cell(window, 2, STATUS), cell(window, 2, GRADE)) == ("Graded", "Good")
    assert window.progress_text.text() == "1 of 3 graded"
    assert window.saved_label.text().startswith("T/3 marked graded, saved ")


def test_undo_and_redo_by_keyboard(qtbot, window: MainWindow, store: Store) -> None:
    case_id = window.panel.case_id
    window.table.setFocus()
    press(qtbot, window.table, "Ctrl+2")
    press(qtbot, window.table, "Ctrl+3")
    assert window.actions["edit.undo"].text() == "&Undo Overall grade (T/1)"

    press(qtbot, window.table, "Ctrl+Z")
    assert grading.view(store, case_id, USER).overall_grade == "requires_improvement"
    assert cell(window, 0, GRADE) == "Requires improvement"
    assert window.panel.header.our_grade.text() == "Requires improvement"

    press(qtbot, window.table, "Ctrl+Shift+Z")
    assert grading.view(store, case_id, USER).overall_grade == "inadequate"
    assert cell(window, 0, GRADE) == "Inadequate"
    assert audit(store)[-2:] == [
        ("overall_grade", "inadequate", "requires_improvement"),
        ("overall_grade", "requires_improvement", "inadequate"),
    ]
    assert window.saved_label.text().startswith("Saved ")


def test_undo_of_a_change_to_another_case_reopens_that_case(qtbot, window, store) -> None:
    first = window.panel.case_id
    window.panel.form.texts["rationale"].setPlainText("Typed on T/1")
    press(qtbot, window.table, "Ctrl+]")  # opening T/2 saves the text first
    assert window.panel.header.title.text() == "T/2"

    press(qtbot, window.table, "Ctrl+Z")

    assert window.panel.header.title.text() == "T/1"
    assert window.table.currentIndex().row() == 0
    assert grading.view(store, first, USER).rationale == ""
    assert window.panel.form.texts["rationale"].toPlainText() == ""


def test_search_and_filters(qtbot, window: MainWindow, store: Store) -> None:
    case_two = window.model.row_at(1).id
    raise_referral(store, case_two, risk_summary="Child at risk", urgency="urgent")
    window.refresh_cases()

    qtbot.keyClicks(window.cases.search, "t/2")
    assert shown_references(window) == ["T/2"]
    assert window.cases.showing.text() == "Showing 1 of 3 cases"
    window.cases.search.clear()

    window.cases.category_filter.setCurrentIndex(
        window.cases.category_filter.findData("section_47")
    )
    assert shown_references(window) == ["T/3"]
    window.cases.category_filter.setCurrentIndex(0)

    window.cases.mine_check.setChecked(True)
    assert shown_references(window) == ["T/1", "T/3"]
    window.cases.mine_check.setChecked(False)

    window.cases.referred_check.setChecked(True)
    assert shown_references(window) == ["T/2"]
    assert cell(window, 0, REFERRAL) == "Open"
    window.cases.referred_check.setChecked(False)

    window.panel.set_overall_grade("good")  # on T/1, the open case
    window.cases.grade_filter.setCurrentIndex(window.cases.grade_filter.findData("good"))
    assert shown_references(window) == ["T/1"]
    window.cases.status_filter.setCurrentIndex(window.cases.status_filter.findData("not_started"))
    assert shown_references(window) == []
    assert window.cases.showing.text() == "Showing 0 of 3 cases"
    assert window.panel.header.title.text() == "T/1"  # filtering never closes the open case


def test_search_box_reached_by_keyboard_and_enter_opens_the_match(qtbot, window) -> None:
    press(qtbot, window.table, "Ctrl+F")
    qtbot.waitUntil(window.cases.search.hasFocus)
    qtbot.keyClicks(window.cases.search, "T/3")
    qtbot.keyClick(window.cases.search, Qt.Key.Key_Return)
    assert window.panel.header.title.text() == "T/3"
    assert window.table.hasFocus()


def test_next_and_previous_case(qtbot, window: MainWindow) -> None:
    press(qtbot, window.table, "Alt+Down")
    assert window.panel.header.title.text() == "T/2"
    press(qtbot, window.table, "Ctrl+]")
    press(qtbot, window.table, "Ctrl+]")  # stays on the last
    assert window.panel.header.title.text() == "T/3"
    press(qtbot, window.table, "Ctrl+[")
    assert window.panel.header.title.text() == "T/2"


def test_shortcut_keys_are_all_different() -> None:
    keys = [QKeySequence(k).toString() for s in SHORTCUTS if not s.field for k in s.keys]
    assert len(keys) == len(set(keys))


def _prepare(window: MainWindow, name: str) -> None:
    """Make the action available: undo needs a change, redo an undone one."""
    if name in ("edit.undo", "edit.redo"):
        window.panel.set_overall_grade("good")
    if name == "edit.redo":
        window.undo()


@pytest.mark.parametrize(
    ("name", "keys"),
    [(s.name, k) for s in SHORTCUTS if not s.field for k in s.keys],
    ids=lambda v: str(v),
)
def test_each_shortcut_triggers_its_action(qtbot, window: MainWindow, name: str, keys: str):
    action = window.actions[name]
    assert keys in [k.toString() for k in action.shortcuts()]
    _prepare(window, name)
    window.table.setFocus()
    with qtbot.waitSignal(action.triggered, timeout=1000):
        press(qtbot, window.table, keys)


def test_shortcuts_do_what_they_say(qtbot, window: MainWindow, store: Store) -> None:
    press(qtbot, window.table, "Ctrl+R")
    assert type(window.dialogs[-1]).__name__ == "RaiseReferralDialog"
    press(qtbot, window.table, "F1")
    assert type(window.dialogs[-1]).__name__ == "ShortcutsDialog"
    press(qtbot, window.table, "Ctrl+Shift+R")
    assert window.docks.get("referrals") is not None and window.docks["referrals"].isVisible()
    press(qtbot, window.table, "Ctrl+G")
    qtbot.waitUntil(lambda: window.panel.isAncestorOf(QApplication.focusWidget()))
    press(qtbot, QApplication.focusWidget(), "Ctrl+L")
    qtbot.waitUntil(window.table.hasFocus)
    press(qtbot, window.table, "Ctrl+Return")
    assert window.panel.problem_text("overall_grade") == "⚠ Give the case an overall grade."
    press(qtbot, window.table, "Ctrl+Q")
    qtbot.waitUntil(lambda: not window.isVisible())


def test_raised_referral_flags_the_case(qtbot, window: MainWindow, store, monkeypatch) -> None:
    def accept(dialog) -> bool:
        raise_referral(store, dialog_case[0], risk_summary="Risk remains", urgency="immediate")
        return True

    dialog_case = [window.panel.case_id]
    monkeypatch.setattr(window, "exec_dialog", accept)
    press(qtbot, window.table, "Ctrl+R")

    assert cell(window, 0, REFERRAL) == "Open"
    assert window.panel.header.referral_flag.isVisibleTo(window)
    assert window.panel.header.referral_flag.text() == "⚑ Referred to the force (referral open)"


def test_layout_is_remembered(qtbot, store: Store, qt_settings: Path) -> None:
    make_inspection(store, CASES)
    make_inspection(store, [("U/1", "cse", USER)], title="Second")
    first = MainWindow(store, USER)
    qtbot.addWidget(first)
    first.resize(760, 560)
    first.show()
    first.splitter.setSizes([420, 320])
    first.inspection_combo.setCurrentIndex(0)
    first.table.sortByColumn(REFERENCE, Qt.SortOrder.DescendingOrder)
    assert shown_references(first) == ["T/3", "T/2", "T/1"]
    first.inspection_combo.setCurrentIndex(1)
    sizes = first.splitter.sizes()
    first.close()

    second = MainWindow(store, USER)
    qtbot.addWidget(second)
    second.show()

    assert (second.width(), second.height()) == (760, 560)
    assert second.splitter.sizes() == sizes
    assert second.inspection_combo.currentText() == "Testshire Police — Second"
    second.inspection_combo.setCurrentIndex(0)
    assert shown_references(second) == ["T/3", "T/2", "T/1"]  # sorted as it was left
    assert Path(settings().fileName()).is_relative_to(qt_settings)
    assert settings().format() == QSettings.Format.IniFormat


def test_switching_inspection_saves_text_and_clears_undo(qtbot, window, store) -> None:
    make_inspection(store, [("U/1", "cse", USER)], title="Second")
    window.reload_inspections()
    first_case = window.panel.case_id
    window.panel.form.texts["rationale"].setPlainText("Keep this")

    window.inspection_combo.setCurrentIndex(1)

    assert grading.view(store, first_case, USER).rationale == "Keep this"
    assert shown_references(window) == ["U/1"]
    assert window.undo_stack.count() == 0
    assert not window.actions["edit.undo"].isEnabled()


def test_empty_store_says_how_to_start(qtbot, store: Store) -> None:
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.show()
    assert main.panel.placeholder.text().startswith("No inspections yet.")
    assert not main.actions["file.import_cases"].isEnabled()
    assert not main.actions["case.mark_graded"].isEnabled()
    assert not main.progress_bar.isVisible() and main.progress_text.text() == ""


def test_ten_thousand_cases_select_and_filter(qtbot, store: Store) -> None:
    """At the scale of a big inspection (speed is measured in bench/bench_ui.py)."""
    categories = METHOD.category_ids
    cases = [(f"R/{i:05d}", categories[i % len(categories)], "Jo Marsh") for i in range(10_000)]
    make_inspection(store, cases)
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    for _ in range(len(categories)):  # every category's form built once, as in real use
        main.cases.step(1)

    before = main.panel.case_id
    main.cases.step(1)
    assert main.panel.case_id not in (None, before)
    main.cases.search.setText("R/0999")
    assert main.model.rowCount() == 10


def test_reading_the_cases_again_keeps_the_open_case_and_undo(qtbot, window, store) -> None:
    press(qtbot, window.table, "Alt+Down")
    window.panel.set_overall_grade("good")

    window.open_inspection(window.inspection.id)  # as after an import into this inspection

    assert window.panel.header.title.text() == "T/2"
    assert window.table.currentIndex().row() == 1
    assert window.undo_stack.count() == 1


def test_every_control_in_the_window_has_an_accessible_name(window: MainWindow) -> None:
    controls = [
        w
        for w in window.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(window)
    ]
    unnamed = [f"{type(w).__name__} {w.objectName()}" for w in controls if not w.accessibleName()]
    assert len(controls) > 20 and unnamed == []
