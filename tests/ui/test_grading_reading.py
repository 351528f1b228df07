"""Reading another inspector's assessment in the panel (read only, never blind), notes boxes
that grow with their text, and the panel saying when the list's filters hide its case."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from test_grading_panel import METHOD, USER, make_cases
from test_main_window import CASES, make_inspection

from db.engine import Store
from ui.grading_form import MAX_NOTES_LINES, NOTES_LINES
from ui.grading_panel import GradingPanel
from ui.main_window import MainWindow
from workbench.services import grading

OTHER = "Jo Marsh"


def open_panel(qtbot, store: Store, user: str = USER) -> GradingPanel:
    stack = QUndoStack()
    widget = GradingPanel(store, user, stack)
    widget._test_stack = stack
    widget.set_methodology(METHOD)
    widget.resize(560, 700)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def grade_fully(store: Store, case_id: str, inspector: str, grade: str, rationale: str) -> None:
    for stage in METHOD.stages_for("police_protection"):
        grading.edit(store, case_id, inspector, f"stage:{stage.id}:grade", grade)
    first = METHOD.items_for("police_protection")[0]
    grading.edit(store, case_id, inspector, f"prompt:{first.id}", "no")
    grading.edit(store, case_id, inspector, "overall_grade", grade)
    grading.edit(store, case_id, inspector, "rationale", rationale)
    grading.mark_graded(store, case_id, inspector)


@pytest.fixture
def dual(store: Store) -> str:
    (case_id,) = make_cases(store, ["police_protection"])
    grade_fully(store, case_id, OTHER, "inadequate", "Jo's reasons")
    return case_id


def test_blind_until_both_have_graded_then_the_other_is_read_only(qtbot, store, dual) -> None:
    panel = open_panel(qtbot, store)
    panel.show_case(dual)
    assert not panel.header.whose.isVisibleTo(panel)  # blind: not graded ourselves yet

    grade_fully(store, dual, USER, "good", "My reasons")
    panel.show_case(dual)
    whose = panel.header.whose
    assert whose.isVisibleTo(panel)
    assert [whose.itemText(i) for i in range(whose.count())] == [
        "Your assessment",
        "Jo Marsh's assessment (read only)",
    ]

    whose.setCurrentIndex(1)
    form = panel.form
    assert form.value("overall_grade") == "inadequate"
    assert form.texts["rationale"].toPlainText() == "Jo's reasons"
    first = f"prompt:{METHOD.items_for('police_protection')[0].id}"
    assert form.value(first) == "no"
    assert form.texts["rationale"].isReadOnly()
    yes = form.answers[first].buttons()[0]
    at = yes.mapTo(panel.window(), yes.rect().center())
    QTest.mouseClick(panel.window().windowHandle(), Qt.MouseButton.LeftButton, pos=at)
    assert form.value(first) == "no"  # a click through the window changes nothing
    panel.form.combos["overall_grade"].setCurrentIndex(1)  # nor would a stray change save
    assert grading.view(store, dual, USER).overall_grade == "good"
    assert not panel.mark_button.isEnabled()
    panel.set_overall_grade("inadequate")  # Ctrl+3: one's own again, then graded so
    assert not panel.reading_note.isVisibleTo(panel) and whose.currentIndex() == 0
    assert grading.view(store, dual, USER).overall_grade == "inadequate"
    panel.set_overall_grade("good")
    whose.setCurrentIndex(1)
    assert panel.reading_note.isVisibleTo(panel)
    assert "reading Jo Marsh's assessment (graded)" in panel.reading_note.text()

    whose.setCurrentIndex(0)
    assert form.value("overall_grade") == "good"
    assert form.texts["rationale"].toPlainText() == "My reasons"
    assert form.combos["overall_grade"].focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert panel.mark_button.isEnabled()
    assert not panel.reading_note.isVisibleTo(panel)
    at = yes.mapTo(panel.window(), yes.rect().center())  # the note above has gone
    QTest.mouseClick(panel.window().windowHandle(), Qt.MouseButton.LeftButton, pos=at)
    assert grading.view(store, dual, USER).answers[first.split(":")[1]] == "yes"  # one's own
    assert grading.view(store, dual, OTHER).rationale == "Jo's reasons"  # nothing written
    assert grading.view(store, dual, OTHER).answers[first.split(":")[1]] == "no"


def test_the_lead_reads_every_inspectors_work(qtbot, store, dual) -> None:
    panel = open_panel(qtbot, store, user="Lee Lead")
    panel.show_case(dual)
    assert panel.header.whose.findData(OTHER) == 1
    panel.header.whose.setCurrentIndex(1)
    assert panel.form.value("overall_grade") == "inadequate"


def test_notes_boxes_grow_with_their_text(qtbot, store) -> None:
    (case_id,) = make_cases(store, ["police_protection"])
    panel = open_panel(qtbot, store)
    panel.show_case(case_id)
    box = panel.form.texts["rationale"]
    line = box.fontMetrics().lineSpacing()
    assert box.height() == line * NOTES_LINES + 14

    box.setPlainText("\n".join(f"Line {n}" for n in range(10)))
    qtbot.waitUntil(lambda: box.height() == line * 11 + 14)  # ten lines and one to type on
    box.setPlainText("\n".join(f"Line {n}" for n in range(60)))
    qtbot.waitUntil(lambda: box.height() == line * MAX_NOTES_LINES + 14)  # then it scrolls
    box.setPlainText("")
    qtbot.waitUntil(lambda: box.height() == line * NOTES_LINES + 14)


def test_the_panel_says_when_the_filters_hide_its_case(qtbot, store) -> None:
    make_inspection(store, CASES)
    window = MainWindow(store, USER)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    panel = window.panel
    assert panel.header.title.text() == "T/1"
    assert not panel.hidden_note.isVisibleTo(panel)

    window.cases.search.setText("T/2")
    window.cases.apply_filter()
    assert panel.header.title.text() == "T/1"  # still open
    assert panel.hidden_note.isVisibleTo(panel)
    assert panel.hidden_note.text().startswith("T/1 is not in the case list as it is searched")

    window.cases.search.setText("")
    window.cases.apply_filter()
    assert not panel.hidden_note.isVisibleTo(panel)
