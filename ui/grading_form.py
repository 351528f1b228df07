"""The grading form for one case category, built from the methodology and reused.

One card per stage that applies to the category (the prompts that apply to the category,
answered with the methodology's answers, then its case facts each with its own answers, its
grade and evidence notes), then the overall grade and rationale. Widgets are found by the
assessment field they edit (named by ``workbench.fields``: "stage:<id>:grade", "prompt:<id>",
"fact:<id>", "overall_grade", ...), the same names ``grading.check`` uses for its problems, so a
problem's words can be shown directly under the field concerned.

The form only reports what the user changed; the panel saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs import text_box
from ui.style import Card, chip_icon, role_label
from workbench import fields
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from ui.grading_keys import GradingKeys
    from workbench.methodology import Answer, Grade, Methodology, Prompt, Stage
    from workbench.services.grading import AssessmentView

NOT_GRADED = "Choose a grade…"
NOTES_LINES = 4
WIDE_ANSWERS = 26  # characters of answer names beyond which they go two to a line
LONG_ANSWER = 16  # an answer name longer than this goes on a line of its own
MAX_NOTES_LINES = 16  # a box grows with its text up to this, then scrolls


@dataclass
class StageFields:
    """A stage's fields in the form, in order: its prompts and facts, grade and notes."""

    stage_id: str
    grade: str
    notes: str
    items: list[str] = dataclass_field(default_factory=list)


def grow_with_text(edit: QPlainTextEdit) -> None:
    """Fit a text box's height to its text: at least ``NOTES_LINES`` lines, at most
    ``MAX_NOTES_LINES`` (then it scrolls)."""
    lines = int(edit.document().size().height())  # the plain-text layout counts lines
    shown = max(NOTES_LINES, min(MAX_NOTES_LINES, lines + 1))
    height = edit.fontMetrics().lineSpacing() * shown + 14
    if edit.height() != height:
        edit.setFixedHeight(height)


def field_label(method: Methodology, field: str) -> str:
    """A field's name for people: "Investigation grade", "answer to a prompt"."""
    try:
        found = fields.parse(field)
    except WorkbenchError:
        return field
    if found.kind == "overall_grade":
        return "Overall grade"
    if found.kind == "rationale":
        return "Rationale"
    if found.is_stage:
        return f"{method.stage(found.key).name} {found.kind}"
    return f"{method.stage(method.item(found.key).stage_id).name} answer"


def _grade_combo(grades: list[Grade], name: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(NOT_GRADED, None)
    for grade in grades:
        combo.addItem(chip_icon(grade.colour), grade.name, grade.id)
    combo.setAccessibleName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no grade changes by a stray wheel
    return combo


def _message_label() -> QLabel:
    label = role_label("", "problem")
    label.setVisible(False)
    return label


class _WheelGuard(QObject):
    """Combos ignore the mouse wheel unless focused, so scrolling never changes a grade."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        wheel = event.type() == QEvent.Type.Wheel
        if wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


class CategoryForm(QWidget):
    """Every field of an assessment of a case of one category."""

    keys: GradingKeys  # set by the panel: grading by keyboard

    value_changed = Signal(str, object)  # field, value: choices, saved at once
    text_changed = Signal(str)  # field: typing, saved after a pause
    text_left = Signal(str)  # field: focus left a text box, save now

    def __init__(self, method: Methodology, category_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.method, self.category_id = method, category_id
        self.combos: dict[str, QComboBox] = {}
        self.texts: dict[str, QPlainTextEdit] = {}
        self.answers: dict[str, QButtonGroup] = {}
        self.answer_sets: dict[str, tuple[Answer, ...]] = {}  # field -> its answers, in order
        self.problems: dict[str, QLabel] = {}
        self.focus_chain: list[QWidget] = []
        self.stage_fields: list[StageFields] = []
        self._guard = _WheelGuard(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        stages = method.stages_for(category_id)
        for number, stage in enumerate(stages, start=1):
            layout.addWidget(self._stage_card(number, stage))
        layout.addWidget(self._overall_card(len(stages) + 1))
        layout.addStretch(1)

    # --- Building ---------------------------------------------------------------------------

    def _card(self, title: str, description: str = "") -> tuple[Card, QVBoxLayout]:
        card = Card(self)
        card.setObjectName("stageCard")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(14, 12, 14, 14)
        layout.setSpacing(8)
        layout.addWidget(role_label(title, "stageTitle"))
        if description:
            layout.addWidget(role_label(description, "stageDescription"))
        return card, layout

    def _stage_card(self, number: int, stage: Stage) -> Card:
        card, layout = self._card(f"{number}. {stage.name}", stage.description)
        items = self.method.items_for(self.category_id, stage.id)
        self.stage_fields.append(
            StageFields(
                stage.id,
                fields.stage_grade(stage.id),
                fields.stage_notes(stage.id),
                [fields.item_answer(item) for item in items],
            )
        )
        first_fact = next((item for item in items if item.fact), None)  # facts follow prompts
        for index, item in enumerate(items, start=1):
            if item is first_fact:
                layout.addWidget(role_label("Case facts", "stageDescription"))
            layout.addWidget(self._prompt_row(stage, index, item))
        grades = [*self.method.grades, self.method.not_assessed]
        field = fields.stage_grade(stage.id)
        combo = _grade_combo(grades, f"{stage.name}: stage grade")
        self._add_choice(layout, field, "Stage grade", combo)
        notes = fields.stage_notes(stage.id)
        edit = text_box(f"{stage.name}: evidence notes", "What the case file shows…", NOTES_LINES)
        self._add_text(layout, notes, "Evidence notes", edit)
        return card

    def _overall_card(self, number: int) -> Card:
        card, layout = self._card(
            f"{number}. Overall case grade",
            "Complete this last, once every stage that applies has been graded.",
        )
        combo = _grade_combo(list(self.method.grades), "Overall grade")
        self._add_choice(layout, "overall_grade", "Overall grade", combo)
        warning = role_label("", "warning")
        warning.setVisible(False)
        layout.addWidget(warning)
        self.warning_label = warning
        edit = text_box(
            "Rationale for the overall grade", "Why the case gets this grade…", NOTES_LINES
        )
        self._add_text(layout, "rationale", "Rationale", edit)
        return card

    def _prompt_row(self, stage: Stage, index: int, item: Prompt) -> QWidget:
        text, kind = item.text, "fact" if item.fact else "prompt"
        row = QWidget(self)
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 4, 0, 2)
        layout.setSpacing(3)
        label = QLabel(f"{index}. {text}")
        label.setWordWrap(True)
        layout.addWidget(label)
        buttons = QGridLayout()
        buttons.setContentsMargins(18, 0, 0, 0)
        buttons.setHorizontalSpacing(18)
        buttons.setVerticalSpacing(2)
        # Long answers (a fact's own) go two or one to a line: the panel never scrolls sideways.
        names = [len(a.name) for a in item.answers]
        columns = 4 if sum(names) <= WIDE_ANSWERS else 2 if max(names) <= LONG_ANSWER else 1
        group = QButtonGroup(row)
        for answer_index, answer in enumerate(item.answers):
            button = QRadioButton(answer.name, row)
            button.setAccessibleName(f"{answer.name}: {stage.name} {kind} {index}")
            button.setAccessibleDescription(text)
            group.addButton(button, answer_index)
            at = (answer_index // columns, answer_index % columns)
            buttons.addWidget(button, *at, alignment=Qt.AlignmentFlag.AlignLeft)
            self.focus_chain.append(button)
        buttons.setColumnStretch(columns, 1)
        layout.addLayout(buttons)
        field = fields.item_answer(item)
        self.answers[field] = group
        self.answer_sets[field] = item.answers
        group.idToggled.connect(partial(self._answered, field))
        return row

    def _add_choice(self, layout: QVBoxLayout, field: str, label: str, combo: QComboBox) -> None:
        line = QHBoxLayout()
        line.setSpacing(10)
        caption = QLabel(f"{label}:")
        caption.setBuddy(combo)
        line.addWidget(caption)
        line.addWidget(combo)
        line.addStretch(1)
        layout.addLayout(line)
        combo.installEventFilter(self._guard)
        combo.currentIndexChanged.connect(partial(self._chosen, field))
        self.combos[field] = combo
        self.focus_chain.append(combo)
        self.problems[field] = _message_label()
        layout.addWidget(self.problems[field])

    def _add_text(self, layout: QVBoxLayout, field: str, label: str, edit: QPlainTextEdit) -> None:
        caption = QLabel(f"{label}:")
        caption.setBuddy(edit)
        layout.addWidget(caption)
        layout.addWidget(edit)
        edit.textChanged.connect(partial(self._typed, field))
        edit.document().documentLayout().documentSizeChanged.connect(partial(self._grow, edit))
        edit.installEventFilter(self)
        self.texts[field] = edit
        self.focus_chain.append(edit)
        self.problems[field] = _message_label()
        layout.addWidget(self.problems[field])

    # Slots return None: PySide6 mishandles a bool returned from a slot (it crashed the
    # interpreter at exit), so no lambda here passes on ``emit``'s result.

    def _chosen(self, field: str, _index: int) -> None:
        self.value_changed.emit(field, self.combos[field].currentData())

    def _grow(self, edit: QPlainTextEdit, _size: object) -> None:
        grow_with_text(edit)

    def _typed(self, field: str) -> None:
        self.text_changed.emit(field)

    def _answered(self, field: str, answer_index: int, checked: bool) -> None:
        if checked:
            self.value_changed.emit(field, self.answer_sets[field][answer_index].id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusOut:
            for field, edit in self.texts.items():
                if edit is watched:
                    self.text_left.emit(field)
        return False

    # --- Values -----------------------------------------------------------------------------

    def fields(self) -> list[str]:
        return [*self.answers, *self.combos, *self.texts]

    def value(self, field: str) -> str | None:
        if field in self.combos:
            return self.combos[field].currentData()
        if field in self.texts:
            return self.texts[field].toPlainText()
        group = self.answers[field]
        checked = group.checkedId()
        return None if checked < 0 else self.answer_sets[field][checked].id

    def set_value(self, field: str, value: str | None) -> None:
        """Show a value without reporting it as the user's change."""
        if field in self.combos:
            combo = self.combos[field]
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
            combo.blockSignals(False)
        elif field in self.texts:
            edit = self.texts[field]
            if edit.toPlainText() != (value or ""):
                edit.blockSignals(True)
                edit.setPlainText(value or "")
                edit.blockSignals(False)
        elif field in self.answers:
            self._set_answer(field, value)

    def _set_answer(self, field: str, value: str | None) -> None:
        group = self.answers[field]
        ids = [a.id for a in self.answer_sets[field]]
        group.blockSignals(True)
        if value in ids and (button := group.button(ids.index(value))) is not None:
            button.setChecked(True)
        elif (checked := group.checkedButton()) is not None:
            group.setExclusive(False)
            checked.setChecked(False)
            group.setExclusive(True)
        group.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        """Show an assessment that cannot be changed here (another inspector's), or not. Its
        choices stay in their colours, to be read, but take neither the mouse nor the keys."""
        focus = Qt.FocusPolicy.NoFocus if read_only else Qt.FocusPolicy.StrongFocus
        inert = Qt.WidgetAttribute.WA_TransparentForMouseEvents
        choices: list[QWidget] = [b for g in self.answers.values() for b in g.buttons()]
        for widget in [*choices, *self.combos.values()]:
            widget.setAttribute(inert, read_only)
            widget.setFocusPolicy(focus)
        for edit in self.texts.values():
            edit.setReadOnly(read_only)

    def load(self, view: AssessmentView) -> None:
        """Show an assessment (and no problems from any earlier case)."""
        for field in self.answers:
            self._set_answer(field, view.answers.get(fields.parse(field).key))
        for stage in self.method.stages_for(self.category_id):
            self.set_value(fields.stage_grade(stage.id), view.stage_grades.get(stage.id))
            self.set_value(fields.stage_notes(stage.id), view.stage_notes.get(stage.id, ""))
        self.set_value("overall_grade", view.overall_grade)
        self.set_value("rationale", view.rationale)
        self.show_problems({}, [])

    # --- Problems ---------------------------------------------------------------------------

    def show_problems(self, problems: dict[str, str], warnings: list[str]) -> None:
        for field, label in self.problems.items():
            message = problems.get(field, "")
            label.setText(f"⚠ {message}" if message else "")
            label.setVisible(bool(message))
        self.warning_label.setText("\n".join(f"Check: {w}" for w in warnings))
        self.warning_label.setVisible(bool(warnings))

    def clear_problem(self, field: str) -> None:
        label = self.problems.get(field)
        if label is not None and label.isVisible():
            label.clear()
            label.setVisible(False)
        if field in ("overall_grade", "rationale"):
            self.warning_label.setVisible(False)

    def widget_for(self, field: str) -> QWidget | None:
        if field in self.combos:
            return self.combos[field]
        if field in self.texts:
            return self.texts[field]
        group = self.answers.get(field)
        button: QAbstractButton | None = group.buttons()[0] if group else None
        return button
