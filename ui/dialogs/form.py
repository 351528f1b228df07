"""The base of every dialog with a form: Enter does its main action, and closing it away from
what was typed asks first.

Qt only makes a button the default one if it is already inside its dialog when
``setDefault`` is called; a button added to a ``QDialogButtonBox`` that is not yet in the
dialog's layout is not, and the box then makes its first button (Cancel) the default, so
Enter threw a typed form away. ``set_main_action`` names the button once and it is made the
default whenever the dialog is shown.

Esc, Cancel and the window's close button all end in ``reject``: there, a dialog whose text
fields hold text typed since it opened (or since its work last used them,
``keep_typed_text``) asks whether to discard it, "Keep editing" being the default answer.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

DISCARD_TITLE = "Discard what you typed?"


def _text_of(field: QWidget) -> str:
    if isinstance(field, QLineEdit):
        return field.text().strip()
    if isinstance(field, QPlainTextEdit | QTextEdit):
        return field.toPlainText().strip()
    return ""


class FormDialog(QDialog):
    """A dialog whose default button is its main action and which keeps typed text."""

    discard_text = "Close this window and discard what you typed in it?"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.main_action: QPushButton | None = None
        self._kept: dict[int, str] | None = None

    def set_main_action(self, button: QPushButton) -> None:
        """Enter presses ``button`` (the dialog's main action) from any field but a text box."""
        self.main_action = button
        button.setDefault(True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.main_action is not None:
            self.main_action.setDefault(True)
        if self._kept is None:
            self.keep_typed_text()

    # --- Typed text -------------------------------------------------------------------------

    def text_fields(self) -> list[QWidget]:
        """The fields a person types into (not those inside a date or a list to choose)."""
        found: list[QWidget] = []
        for field in self.findChildren(QLineEdit):
            parent = field.parentWidget()
            if field.isReadOnly() or isinstance(parent, QAbstractSpinBox | QComboBox):
                continue
            found.append(field)
        for box in self.findChildren(QPlainTextEdit) + self.findChildren(QTextEdit):
            if not box.isReadOnly():
                found.append(box)
        return found

    def keep_typed_text(self) -> None:
        """What the fields hold now is not lost by closing (it was saved, or was there)."""
        self._kept = {id(field): _text_of(field) for field in self.text_fields()}

    def holds_typed_text(self) -> bool:
        kept = self._kept or {}
        return any(
            _text_of(field) and _text_of(field) != kept.get(id(field), "")
            for field in self.text_fields()
        )

    def confirm_discard(self) -> bool:
        """Ask before typed text is thrown away; True to discard it."""
        box = QMessageBox(QMessageBox.Icon.Question, DISCARD_TITLE, self.discard_text, parent=self)
        box.setAccessibleName(DISCARD_TITLE)
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is discard

    def reject(self) -> None:
        if self.isVisible() and self.holds_typed_text() and not self.confirm_discard():
            return
        super().reject()
