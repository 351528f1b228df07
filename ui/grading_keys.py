"""Grading by keyboard: answer keys, grade keys, arrows, and moving by stage.

On a focused prompt or fact, a letter (Y yes, P partly, N no, A not applicable for the
methodology's answers; for a fact's own answers the first free initial of a word of each)
or a digit (its place, 1 to 9) chooses the answer and moves to the next prompt, and after
the stage's last to its grade; Left and Right choose the previous or next answer, Up and
Down move to the previous or next prompt. On a stage grade, a grade's initial (G, R, I, N
for not assessed) or its place (1 to 4) chooses it and moves to the next stage; on the
overall grade, to the rationale. The panel's commands (``next_stage``, ``previous_stage``,
``next_unanswered``, ``rest_not_applicable``) are in the window's action table.

Choices made here go through the widgets, so they are saved and undone like a click.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

if TYPE_CHECKING:
    from ui.grading_form import CategoryForm

NOT_APPLICABLE = "not_applicable"
_LETTERS = {"not_applicable": "A"}  # "Not applicable" is A: N is No


def choice_keys(names: Sequence[tuple[str, str]]) -> dict[int, int]:
    """Qt key -> position for choices given as (id, name): each choice's digit (1 to 9), and
    the first initial of a word of its name no earlier choice took (A for not applicable)."""
    keys = {int(Qt.Key.Key_1) + n: n for n in range(min(len(names), 9))}
    taken = {letter for id_, _ in names if (letter := _LETTERS.get(id_))}
    for n, (id_, name) in enumerate(names):
        letter = _LETTERS.get(id_) or next(
            (w[0].upper() for w in name.split() if w[0].isalpha() and w[0].upper() not in taken),
            None,
        )
        if letter:
            taken.add(letter)
            keys[ord(letter)] = n
    return keys


def key_letters(names: Sequence[tuple[str, str]]) -> list[str]:
    """Each choice's letter ("" for none), in order: for tooltips."""
    by_position = {n: chr(k) for k, n in choice_keys(names).items() if chr(k).isalpha()}
    return [by_position.get(n, "") for n in range(len(names))]


class GradingKeys(QObject):
    """The keyboard for one category's form (an event filter on its answers and grades)."""

    def __init__(self, form: CategoryForm, reveal: Callable[[QWidget], None]) -> None:
        super().__init__(form)
        self.form, self.reveal = form, reveal
        self._button_field: dict[QAbstractButton, str] = {}
        self._answer_keys: dict[str, dict[int, int]] = {}
        for field, group in form.answers.items():
            answers = form.answer_sets[field]
            self._answer_keys[field] = choice_keys([(a.id, a.name) for a in answers])
            letters = key_letters([(a.id, a.name) for a in answers])
            for n, button in enumerate(group.buttons()):
                self._button_field[button] = field
                keys = f"{letters[n]} or {n + 1}" if letters[n] else str(n + 1)
                button.setToolTip(f"{button.text()}: key {keys}")
                button.installEventFilter(self)
        self._grade_keys: dict[str, dict[int, int]] = {}
        for field, combo in form.combos.items():
            names = [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())]
            self._grade_keys[field] = choice_keys(names)
            combo.installEventFilter(self)
        # Where the keyboard goes, in form order: each stage's prompts and facts, its grade.
        self.places: list[str] = []
        for stage in form.stage_fields:
            self.places += [*stage.items, stage.grade]
        self.places.append("overall_grade")

    # --- Keys on a field --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        key = int(event.key())
        if isinstance(watched, QAbstractButton) and watched in self._button_field:
            return self._answer_key(self._button_field[watched], watched, key)
        if isinstance(watched, QComboBox):
            field = next((f for f, c in self.form.combos.items() if c is watched), None)
            if field is not None and key in self._grade_keys[field]:
                watched.setCurrentIndex(self._grade_keys[field][key] + 1)
                self.go(self._after(field))
                return True
        return False

    def _answer_key(self, field: str, button: QAbstractButton, key: int) -> bool:
        group = self.form.answers[field]
        buttons = group.buttons()
        if key in self._answer_keys[field]:
            buttons[self._answer_keys[field][key]].setChecked(True)
            self.go(self._after(field))
            return True
        if key in (int(Qt.Key.Key_Left), int(Qt.Key.Key_Right)):
            checked = group.checkedId()
            step = -1 if key == int(Qt.Key.Key_Left) else 1
            if checked < 0:
                target = buttons.index(button) if button in buttons else 0
            else:
                target = max(0, min(len(buttons) - 1, checked + step))
            buttons[target].setChecked(True)
            buttons[target].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if key in (int(Qt.Key.Key_Up), int(Qt.Key.Key_Down)):
            at = self.places.index(field)
            target = at + (-1 if key == int(Qt.Key.Key_Up) else 1)
            if 0 <= target < len(self.places):
                self.go(self.places[target])
            return True
        return False

    def _after(self, field: str) -> str:
        """Where an answer or a grade chosen by key moves on to."""
        if field == "overall_grade":
            return "rationale"
        stage = self.stage_index(field)
        if field == self.form.stage_fields[stage].grade:  # a grade: the next stage
            return self.first_of(stage + 1)
        return self.places[self.places.index(field) + 1]

    # --- Moving -----------------------------------------------------------------------------

    def go(self, field: str) -> None:
        """Put the keyboard on a field (an answer on its chosen button, else its first)."""
        widget: QWidget | None
        if field in self.form.answers:
            group = self.form.answers[field]
            widget = group.checkedButton() or group.buttons()[0]
        else:
            widget = self.form.widget_for(field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            self.reveal(widget)

    def first_of(self, stage: int) -> str:
        """The first place of a stage (its first prompt, else its grade); past the last
        stage, the overall grade."""
        if stage >= len(self.form.stage_fields):
            return "overall_grade"
        found = self.form.stage_fields[max(stage, 0)]
        return found.items[0] if found.items else found.grade

    def current_field(self) -> str | None:
        """The field the keyboard is in, if it is in this form."""
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus is None:
            return None
        if isinstance(focus, QAbstractButton) and focus in self._button_field:
            return self._button_field[focus]
        for fields_ in (self.form.combos, self.form.texts):
            for field, widget in fields_.items():
                if widget is focus or widget.isAncestorOf(focus):
                    return field
        return None

    def stage_index(self, field: str | None) -> int:
        """The stage a field is in (past the last for the overall grade and rationale; -1
        for none)."""
        if field is None:
            return -1
        for n, stage in enumerate(self.form.stage_fields):
            if field in (*stage.items, stage.grade, stage.notes):
                return n
        return len(self.form.stage_fields)

    def next_stage(self, step: int) -> None:
        stage = self.stage_index(self.current_field())
        target = 0 if stage < 0 else max(0, stage + step)
        self.go(self.first_of(target))

    def next_unanswered(self) -> bool:
        """The next prompt without an answer, stage without a grade, or the overall grade or
        rationale if empty, after the keyboard's place (round to the start); False if none."""
        order = [*self.places, "rationale"]
        current = self.current_field()
        start = order.index(current) + 1 if current in order else 0
        for field in order[start:] + order[:start]:
            if not self.form.value(field):
                self.go(field)
                return True
        return False

    def rest_not_applicable(self) -> list[str]:
        """The unanswered prompts and facts of the keyboard's stage, from its place on, that
        can be not applicable (to be set so by the caller)."""
        current = self.current_field()
        stage = self.stage_index(current)
        if not 0 <= stage < len(self.form.stage_fields):
            return []
        items = self.form.stage_fields[stage].items
        start = items.index(current) if current in items else 0
        return [
            field
            for field in items[start:]
            if self.form.value(field) is None
            and NOT_APPLICABLE in [a.id for a in self.form.answer_sets[field]]
        ]

    def choose(self, field: str, answer_id: str) -> None:
        """Choose an answer through its button (saved like a click)."""
        ids = [a.id for a in self.form.answer_sets[field]]
        button = self.form.answers[field].button(ids.index(answer_id))
        if button is not None:
            button.setChecked(True)
