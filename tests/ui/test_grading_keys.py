"""Grading by keyboard: answer keys move on, grade keys move to the next stage, arrows
choose, stage jumps, next unanswered, not applicable to the rest of a stage; and the
keystrokes to grade the demonstration's five-stage case fully (goal: under 40)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_grading_panel import METHOD, USER, make_cases
from test_main_window import CASES, make_inspection

from db.engine import Store
from ui.grading_panel import GradingPanel
from ui.main_window import MainWindow
from workbench.services import grading
from workbench.services.caselist import case_rows
from workbench.services.demo import create_demo

STAGES = METHOD.stages_for("section_47")


class Keyboard:
    """Presses keys where the keyboard is (the focused widget), counting every press."""

    def __init__(self) -> None:
        self.presses: list[str] = []

    def __call__(self, *keys: str) -> None:
        for key in keys:
            combination = QKeySequence(key)[0]
            self.presses.append(key)
            QTest.keyClick(
                QApplication.focusWidget(), combination.key(), combination.keyboardModifiers()
            )


def field_at_focus(panel: GradingPanel) -> str | None:
    return panel.form.keys.current_field()


def items(stage) -> list[str]:
    return [
        f"{'fact' if i.fact else 'prompt'}:{i.id}" for i in METHOD.items_for("section_47", stage.id)
    ]


@pytest.fixture
def panel(qtbot, store: Store) -> GradingPanel:
    stack = QUndoStack()
    widget = GradingPanel(store, USER, stack)
    widget._test_stack = stack
    widget.set_methodology(METHOD)
    widget.resize(560, 700)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def opened(qtbot, panel: GradingPanel, store: Store) -> str:
    (case_id,) = make_cases(store, ["section_47"])
    panel.show_case(case_id)
    panel.activateWindow()
    panel.focus_form()
    qtbot.waitUntil(lambda: field_at_focus(panel) is not None)
    return case_id


def test_answer_keys_choose_and_move_to_the_next_prompt(panel, opened, store) -> None:
    press = Keyboard()
    first, second, third, *_ = items(STAGES[0])
    press("Y")
    assert grading.view(store, opened, USER).answers == {first.split(":")[1]: "yes"}
    assert field_at_focus(panel) == second
    press("2")  # by place: partly
    assert panel.form.value(second) == "partly" and field_at_focus(panel) == third
    press("Right")  # nothing chosen yet: the focused answer (the first)
    assert panel.form.value(third) == "yes"
    press("Right", "Right")
    assert panel.form.value(third) == "no"
    press("Left")
    assert panel.form.value(third) == "partly"
    press("Up")
    assert field_at_focus(panel) == second
    press("Down", "Down")
    assert field_at_focus(panel) == items(STAGES[0])[3]
    assert grading.view(store, opened, USER).answers[third.split(":")[1]] == "partly"


def test_the_last_answer_moves_to_the_grade_and_a_grade_key_to_the_next_stage(
    panel, opened, store
) -> None:
    press = Keyboard()
    press(*["A"] * len(items(STAGES[0])))
    assert field_at_focus(panel) == f"stage:{STAGES[0].id}:grade"
    press("R")
    assert grading.view(store, opened, USER).stage_grades == {STAGES[0].id: "requires_improvement"}
    assert field_at_focus(panel) == items(STAGES[1])[0]
    panel.next_stage(-1)  # Ctrl+Up in the window
    assert field_at_focus(panel) == items(STAGES[0])[0]
    panel.next_stage(1)
    panel.next_stage(1)
    assert field_at_focus(panel) == items(STAGES[2])[0]


def test_next_unanswered_and_not_applicable_to_the_rest(panel, opened, store) -> None:
    press = Keyboard()
    press("Y", "Y")
    panel.next_stage(-1)  # back to the first prompt: answered
    panel.next_unanswered()
    assert field_at_focus(panel) == items(STAGES[0])[2]
    panel.rest_not_applicable()
    answers = grading.view(store, opened, USER).answers
    assert [answers[f.split(":")[1]] for f in items(STAGES[0])] == ["yes", "yes"] + [
        "not_applicable"
    ] * (len(items(STAGES[0])) - 2)
    assert field_at_focus(panel) == f"stage:{STAGES[0].id}:grade"
    panel.undo_stack.undo()  # one undo takes back the whole stage's rest
    assert set(grading.view(store, opened, USER).answers.values()) == {"yes"}


def test_the_five_stage_demonstration_case_graded_in_under_40_keystrokes(qtbot, store) -> None:
    inspection = create_demo(store)
    case_id = next(
        r.id
        for r in case_rows(store, inspection)
        if r.category == "section_47" and grading.view(store, r.id, USER).id is None
    )
    window = MainWindow(store, USER)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: "dashboard" in window.docks)  # once the case list is painted
    window.views.show_cases()  # the lead's dashboard opened in front of the list
    window.select_case(case_id)
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    press = Keyboard()

    press("Ctrl+G")  # into the grading panel: its first prompt
    for stage in STAGES:
        if stage.id == "investigation":  # no crime to investigate: two answers, the rest N/A
            press("Y", "P", "Ctrl+Shift+A", "3")  # and the case fact left: by its place
        else:
            press(*["Y"] * len(items(stage)))
        press("G" if stage.id != "investigation" else "R")
    press("R")  # the overall grade, then on to the rationale
    qtbot.keyClicks(QApplication.focusWidget(), "Investigation not pursued; otherwise good.")
    press("Ctrl+Return")

    view = grading.view(store, case_id, USER)
    assert view.status == "graded"
    assert len(view.answers) == sum(len(items(s)) for s in STAGES) == 34
    assert view.stage_grades["investigation"] == "requires_improvement"
    assert view.overall_grade == "requires_improvement"
    assert view.rationale == "Investigation not pursued; otherwise good."
    assert len(press.presses) < 40, press.presses
    print(f"keystrokes to grade a five-stage case: {len(press.presses)} (and the rationale typed)")


def test_stage_jumps_work_from_a_notes_box_in_the_window(qtbot, store) -> None:
    make_inspection(store, CASES)
    window = MainWindow(store, USER)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.select_case(next(r.id for r in window.cases.index.rows if r.reference == "T/3"))
    panel = window.panel
    notes = panel.form.texts[f"stage:{STAGES[0].id}:notes"]
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    press = Keyboard()

    press("Ctrl+Down")
    assert field_at_focus(panel) == items(STAGES[1])[0]
    press("Ctrl+Up", "Ctrl+Up")
    assert field_at_focus(panel) == items(STAGES[0])[0]  # the first stage stays first
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    press("Ctrl+J")  # from the case list: the first thing unanswered
    assert field_at_focus(panel) == items(STAGES[0])[0]
