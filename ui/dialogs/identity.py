"""Who is using this store: asked once, on first run, for the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs import set_buddy, with_error
from ui.dialogs.form import FormDialog
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from db.engine import Store

EXPLANATION = (
    "Every change you make is recorded in the audit trail with your name, so that the lead "
    "inspector can see who graded what when the team's findings are merged.\n\n"
    "Give your name as your team knows it."
)


def current_user_name(store: Store) -> str | None:
    """The name recorded for this store, or None on first run."""
    from workbench.identity import user_name

    with store.sessions.begin() as session:
        return user_name(session)


class IdentityDialog(FormDialog):
    """Asks for the user's name and records it in the store (``name`` once accepted)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.name: str | None = None
        self.setWindowTitle("Your name for the audit trail")
        self.setMinimumWidth(460)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.name_edit = QLineEdit(current_user_name(store) or "")
        self.name_edit.setPlaceholderText("For example, Alex Inspector")
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setMaxLength(200)
        box, self.error = with_error(self.name_edit)
        form = QFormLayout()
        form.addRow("Your &name:", box)
        set_buddy(form, box, self.name_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save my name")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_main_action(self.ok_button)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.name_edit.text().strip()))

    def accept(self) -> None:
        from workbench.identity import set_user_name

        self.error.clear_problem()
        try:
            row = set_user_name(self.store, self.name_edit.text())
        except WorkbenchError as exc:
            self.error.show_problem(str(exc))
            return
        self.name = row.user_name
        super().accept()


def ask_user_name(parent: QWidget | None, store: Store) -> str | None:
    """Ask for (and record) the user's name; None if they cancel."""
    dialog = IdentityDialog(store, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.name if accepted else None
