"""The grading panel: built from the methodology, saving as it goes, saying what is missing."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from sqlalchemy import select

from db.engine import Store
from db.models import AuditEvent, Case
from ui.grading_panel import GradingPanel
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.inspections import create_inspection

METHOD = load_methodology()
USER = "Alex Inspector"


def make_cases(store: Store, categories: list[str], force_grade: str | None = None) -> list[str]:
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 1, 5), end=date(2026, 1, 9)
    )
    with store.sessions.begin() as session:
        rows = [
            Case(
                inspection_id=inspection.id,
                reference=f"T/{n}",
                category=category,
                unit="North borough",
                assigned_to=USER,
                force_grade=force_grade,
                methodology_version=METHOD.version,
            )
            for n, category in enumerate(categories, start=1)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


@pytest.fixture
def panel(qtbot, store: Store) -> GradingPanel:
    stack = QUndoStack()
    widget = GradingPanel(store, USER, stack)
    widget._test_stack = stack  # keep the stack alive as long as the panel
    widget.set_methodology(METHOD)
    widget.resize(560, 700)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def audit_fields(store: Store) -> list[tuple[str, str | None, str | None]]:
    with store.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "assessment").order_by(AuditEvent.seq)
        )
        return [(e.field, e.old_value, e.new_value) for e in events if e.field]


def test_one_section_per_applicable_stage_with_its_prompts(panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["missing_children"])
    panel.show_case(case_id)

    stages = METHOD.stages_for("missing_children")
    form = panel.form
    assert set(form.combos) == {f"stage:{s.id}:grade" for s in stages} | {"overall_grade"}
    assert set(form.texts) == {f"stage:{s.id}:notes" for s in stages} | {"rationale"}
    prompts = {f"prompt:{p.id}" for p in METHOD.prompts_for("missing_children")}
    facts = {f"fact:{f.id}" for f in METHOD.facts_for("missing_children")}
    assert set(form.answers) == prompts | facts
    assert "prompt:ic.missing_category" in prompts and "fact:inv.fact_missing_episodes" in facts
    titles = [w.text() for w in form.findChildren(QLabel, "stageTitle")]
    assert titles == [f"{n}. {s.name}" for n, s in enumerate(stages, 1)] + [
        f"{len(stages) + 1}. Overall case grade"
    ]
    answers = form.answers[f"prompt:{stages[0].prompts[0].id}"].buttons()
    assert [b.text() for b in answers] == ["Yes", "Partly", "No", "Not applicable"]
    episodes = form.answers["fact:inv.fact_missing_episodes"].buttons()
    assert [b.text() for b in episodes] == ["1", "2 to 4", "5 or more", "Not known (not recorded)"]


def test_prompts_that_do_not_apply_to_the_category_are_not_shown(panel: GradingPanel, store):
    (case_id,) = make_cases(store, ["section_47"])
    panel.show_case(case_id)
    fields = set(panel.form.answers)
    assert "prompt:ic.child_seen" in fields
    assert "prompt:ic.missing_category" not in fields  # missing and CSE cases only
    assert "prompt:inv.devices_triaged" not in fields  # online abuse only
    assert "fact:ah.fact_strategy_discussion_held" in fields


def test_a_fact_answered_in_the_form_is_saved(qtbot, panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["children_in_custody"])
    panel.show_case(case_id)
    group = panel.form.answers["fact:pd.fact_kept_after_charge"]
    assert group.button(0).accessibleName() == "Yes: Police detention fact 8"
    labels = [w.text() for w in panel.form.findChildren(QLabel, "stageDescription")]
    assert labels.count("Case facts") == 4  # contact, assessment, decision-making, detention
    qtbot.mouseClick(group.button(0), Qt.MouseButton.LeftButton)
    assert grading.view(store, case_id, USER).answers == {"pd.fact_kept_after_charge": "yes"}
    assert audit_fields(store)[-1] == ("fact:pd.fact_kept_after_charge", None, "yes")
    panel.show_case(case_id)  # shown again from the store
    assert panel.form.value("fact:pd.fact_kept_after_charge") == "yes"


def test_force_grade_is_shown_beside_ours(panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["cse"], force_grade="good")
    panel.show_case(case_id)
    assert panel.header.force_grade.text() == "Good"
    assert panel.header.our_grade.text() == "Not graded yet"

    panel.set_overall_grade("inadequate")

    assert panel.header.our_grade.text() == "Inadequate"
    assert grading.view(store, case_id, USER).overall_grade == "inadequate"


def test_choices_save_at_once_and_text_after_a_pause(qtbot, panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["cse"])
    panel.show_case(case_id)
    stage = METHOD.stages_for("cse")[0]
    prompt = stage.prompts[0]

    qtbot.mouseClick(panel.form.answers[f"prompt:{prompt.id}"].button(1), Qt.MouseButton.LeftButton)
    panel.form.combos[f"stage:{stage.id}:grade"].setCurrentIndex(2)  # requires improvement
    notes = panel.form.texts[f"stage:{stage.id}:notes"]
    notes.setFocus()
    qtbot.keyClicks(notes, "Seen within the hour")

    view = grading.view(store, case_id, USER)
    assert view.answers == {prompt.id: "partly"}
    assert view.stage_grades == {stage.id: "requires_improvement"}
    assert view.stage_notes[stage.id] == ""  # still waiting for the pause
    qtbot.waitUntil(
        lambda: grading.view(store, case_id, USER).stage_notes[stage.id] == "Seen within the hour",
        timeout=3000,
    )
    assert audit_fields(store)[-1] == (f"stage:{stage.id}:notes", "", "Seen within the hour")


def test_leaving_a_text_box_saves_it_at_once(qtbot, panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["cse"])
    panel.show_case(case_id)
    rationale = panel.form.texts["rationale"]
    rationale.setFocus()
    qtbot.keyClicks(rationale, "Risk not managed")

    panel.form.combos["overall_grade"].setFocus()
    qtbot.waitUntil(lambda: not rationale.hasFocus())

    assert grading.view(store, case_id, USER).rationale == "Risk not managed"


def test_opening_another_case_saves_pending_text_to_the_first(panel: GradingPanel, store) -> None:
    first, second = make_cases(store, ["cse", "cse"])
    panel.show_case(first)
    panel.form.texts["rationale"].setPlainText("For the first case")
    panel.show_case(second)

    assert grading.view(store, first, USER).rationale == "For the first case"
    assert grading.view(store, second, USER).rationale == ""
    assert panel.form.texts["rationale"].toPlainText() == ""


def test_form_is_built_once_per_category_and_reused(panel: GradingPanel, store) -> None:
    a, b, c = make_cases(store, ["cse", "cse", "section_47"])
    panel.show_case(a)
    cse_form = panel.form
    panel.show_case(b)
    assert panel.form is cse_form
    panel.show_case(c)
    assert panel.form is not cse_form
    panel.show_case(a)
    assert panel.form is cse_form
    assert not any(f.isVisible() for f in panel._forms.values() if f is not cse_form)


def test_mark_graded_shows_what_is_missing_next_to_each_field(panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["police_protection"])
    panel.show_case(case_id)
    stages = METHOD.stages_for("police_protection")
    panel.form.combos[f"stage:{stages[0].id}:grade"].setCurrentIndex(1)

    assert panel.mark_graded() is False

    assert panel.problem_text(f"stage:{stages[0].id}:grade") == ""
    for stage in stages[1:]:
        field = f"stage:{stage.id}:grade"
        assert panel.problem_text(field) == f"⚠ Grade the stage '{stage.name}'."
        label, combo = panel.form.problems[field], panel.form.combos[field]
        assert label.parentWidget() is combo.parentWidget()
        assert label.geometry().top() >= combo.geometry().bottom()  # directly under it
    assert panel.problem_text("overall_grade") == "⚠ Give the case an overall grade."
    assert panel.problem_text("rationale") == "⚠ Write the rationale for the overall grade."
    assert "5 fields to complete" in panel.footer_text.text()
    assert grading.view(store, case_id, USER).status == "in_progress"

    panel.form.combos[f"stage:{stages[1].id}:grade"].setCurrentIndex(1)
    assert panel.problem_text(f"stage:{stages[1].id}:grade") == ""  # fixed: the words go


def test_warning_shown_when_overall_grade_is_better_than_a_stage(panel, store) -> None:
    (case_id,) = make_cases(store, ["police_protection"])
    panel.show_case(case_id)
    for stage in METHOD.stages_for("police_protection"):
        panel.form.combos[f"stage:{stage.id}:grade"].setCurrentIndex(3)  # inadequate
    panel.set_overall_grade("good")
    panel.form.texts["rationale"].setPlainText("Strong response overall")

    assert panel.mark_graded() is True

    assert grading.view(store, case_id, USER).status == "graded"
    assert panel.form.warning_label.isVisibleTo(panel)
    assert "better than the worst stage grade" in panel.form.warning_label.text()
    assert panel.footer_text.text().startswith("<b>Graded</b>")


def test_undo_and_redo_save_through_the_service(panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["cse"])
    panel.show_case(case_id)
    panel.set_overall_grade("good")
    panel.set_overall_grade("inadequate")
    stack = panel.undo_stack

    stack.undo()
    assert grading.view(store, case_id, USER).overall_grade == "good"
    assert panel.form.combos["overall_grade"].currentData() == "good"
    stack.undo()
    assert grading.view(store, case_id, USER).overall_grade is None
    stack.redo()
    assert grading.view(store, case_id, USER).overall_grade == "good"

    assert [f for f in audit_fields(store) if f[0] == "overall_grade"] == [
        ("overall_grade", None, "good"),
        ("overall_grade", "good", "inadequate"),
        ("overall_grade", "inadequate", "good"),
        ("overall_grade", "good", None),
        ("overall_grade", None, "good"),
    ]


def test_typing_spells_merge_into_one_undo(panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["cse"])
    panel.show_case(case_id)
    rationale = panel.form.texts["rationale"]
    rationale.setPlainText("First")
    panel.flush()
    rationale.setPlainText("First and second")
    panel.flush()

    assert panel.undo_stack.count() == 1
    panel.undo_stack.undo()

    assert grading.view(store, case_id, USER).rationale == ""
    assert rationale.toPlainText() == ""


def test_a_refused_edit_is_shown_and_nothing_is_saved(qtbot, panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["cse"])
    panel.show_case(case_id)
    panel.form.texts["rationale"].setPlainText("x" * (grading.MAX_TEXT + 1))
    panel.flush()

    def error_box() -> QMessageBox | None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        return next((b for b in boxes if b.isVisible()), None)

    qtbot.waitUntil(lambda: error_box() is not None)
    assert "longer than" in error_box().text()
    error_box().close()
    assert grading.view(store, case_id, USER).rationale == ""
    assert panel.undo_stack.count() == 0


def test_every_control_has_an_accessible_name(panel: GradingPanel, store) -> None:
    (case_id,) = make_cases(store, ["section_47"])
    panel.show_case(case_id)
    focusable = [
        w
        for w in panel.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(panel)
    ]
    unnamed = [type(w).__name__ for w in focusable if not w.accessibleName()]
    assert focusable and unnamed == []


def test_tab_order_follows_the_form(qtbot, panel: GradingPanel, store) -> None:
    first, second = make_cases(store, ["cse", "police_protection"])
    panel.show_case(first)
    panel.show_case(second)  # a form built after the footer still tabs in form order
    panel.activateWindow()
    form = panel.form
    expected: list[QWidget] = [panel.header.referral_button]
    for stage in METHOD.stages_for("police_protection"):
        items = METHOD.items_for("police_protection", stage.id)
        fields = [f"{'fact' if i.fact else 'prompt'}:{i.id}" for i in items]
        expected += [form.answers[field].buttons()[0] for field in fields]
        expected += [form.combos[f"stage:{stage.id}:grade"], form.texts[f"stage:{stage.id}:notes"]]
    expected += [form.combos["overall_grade"], form.texts["rationale"], panel.mark_button]

    panel.header.referral_button.setFocus()
    qtbot.waitUntil(panel.header.referral_button.hasFocus)
    visited = [QApplication.focusWidget()]
    for _ in expected[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())

    assert visited == expected
