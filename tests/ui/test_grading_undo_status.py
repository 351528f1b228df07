"""Undo and redo never leave a case's status inconsistent: a graded case that an undo makes
incomplete is In progress in the panel, the status line and the case list; redo (or undo of
the change that took Graded away) makes it Graded again."""

from __future__ import annotations

import pytest
from test_main_window import CASES, METHOD, USER, audit, cell, make_inspection, press

from ui.case_model import STATUS
from ui.main_window import MainWindow
from workbench.services import grading

RATIONALE = "Every stage was good."


@pytest.fixture
def window(qtbot, store) -> MainWindow:
    make_inspection(store, CASES)
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    qtbot.waitExposed(main)
    return main


def grade_t3(qtbot, window: MainWindow) -> str:
    """T/3 graded in the window: every stage good, the overall grade, the rationale typed."""
    window.select_case(next(r.id for r in window.cases.index.rows if r.reference == "T/3"))
    panel = window.panel
    for stage in METHOD.stages_for("section_47"):
        combo = panel.form.combos[f"stage:{stage.id}:grade"]
        combo.setCurrentIndex(combo.findData("good"))
    panel.set_overall_grade("good")
    qtbot.keyClicks(panel.form.texts["rationale"], RATIONALE)
    panel.flush()
    assert panel.mark_graded()
    assert cell(window, 2, STATUS) == "Graded"
    return panel.case_id


def test_undo_of_the_rationale_says_the_case_is_no_longer_graded_and_redo_regrades(
    qtbot, window: MainWindow, store
) -> None:
    case_id = grade_t3(qtbot, window)
    assert window.actions["edit.undo"].text() == "&Undo Rationale (T/3)"

    press(qtbot, window.table, "Ctrl+Z")

    assert grading.view(store, case_id, USER).status == "in_progress"
    assert window.saved_label.text() == (
        "T/3 is no longer graded: Write the rationale for the overall grade."
    )
    assert cell(window, 2, STATUS) == "In progress"
    assert window.panel.header.values["status"].text() == "In progress"
    assert "1 field to complete" in window.panel.footer_text.text()
    assert window.progress_text.text() == "0 of 3 graded"

    press(qtbot, window.table, "Ctrl+Shift+Z")

    view = grading.view(store, case_id, USER)
    assert (view.status, view.rationale) == ("graded", RATIONALE)
    assert window.saved_label.text() == "T/3 is graded again."
    assert cell(window, 2, STATUS) == "Graded"
    assert window.panel.header.values["status"].text() == "Graded"
    assert window.progress_text.text() == "1 of 3 graded"
    assert audit(store)[-4:] == [
        ("status", "in_progress", "graded"),  # marked graded
        ("rationale", RATIONALE, ""),  # undo (the edit sets it back to In progress)
        ("rationale", "", RATIONALE),  # redo
        ("status", "in_progress", "graded"),  # and graded again, audited
    ]


def test_undo_of_a_change_that_took_graded_away_gives_it_back(qtbot, window, store) -> None:
    case_id = grade_t3(qtbot, window)
    panel = window.panel
    panel.set_overall_grade("good")  # unchanged: nothing to undo
    combo = panel.form.combos["overall_grade"]
    combo.setCurrentIndex(0)  # the overall grade cleared: no longer graded
    assert grading.view(store, case_id, USER).status == "in_progress"
    assert window.saved_label.text() == "T/3 is no longer graded: Give the case an overall grade."
    assert cell(window, 2, STATUS) == "In progress"

    press(qtbot, window.table, "Ctrl+Z")
    assert grading.view(store, case_id, USER).status == "graded"
    assert cell(window, 2, STATUS) == "Graded"
    press(qtbot, window.table, "Ctrl+Shift+Z")
    assert grading.view(store, case_id, USER).status == "in_progress"
    assert cell(window, 2, STATUS) == "In progress"
    press(qtbot, window.table, "Ctrl+Z")
    assert grading.view(store, case_id, USER).status == "graded"
    assert window.saved_label.text() == "T/3 is graded again."
