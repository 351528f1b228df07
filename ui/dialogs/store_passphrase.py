"""The store passphrase, asked over the window when it opens an encrypted store.

For a new store it is asked twice and checked for strength before the store is made (the
reason shown under the field); for an existing one a wrong passphrase is said in words and
asked again, up to three times, the store left unchanged.
"""

from __future__ import annotations

import os
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

ATTEMPTS = 3


class StorePassphraseDialog(FormDialog):
    """Asks for the passphrase of the store ``described``; ``passphrase`` once accepted."""

    def __init__(self, described: str, new: bool, parent: QWidget | None = None) -> None:
        from workbench.store_passphrase import FORGOTTEN

        super().__init__(parent)
        self.new = new
        self.passphrase: str | None = None
        self.setWindowTitle("New store passphrase" if new else "Store passphrase")
        self.setMinimumWidth(480)
        if new:
            intro = (
                f"The store {described} will be encrypted under a passphrase of at least 12 "
                f"characters: a few unrelated words make a good one.\n\n{FORGOTTEN}"
            )
        else:
            intro = f"The store {described} is encrypted. Give its passphrase to open it."
        explanation = QLabel(intro)
        explanation.setWordWrap(True)
        self.first = self._field("Store passphrase")
        box, self.error = with_error(self.first)
        form = QFormLayout()
        form.addRow("&Passphrase:", box)
        set_buddy(form, box, self.first)
        self.again = self._field("The same passphrase again")
        if new:
            form.addRow("&Again:", self.again)
            set_buddy(form, self.again, self.again)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create the store" if new else "Open the store")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_main_action(self.ok_button)

    @staticmethod
    def _field(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(name)
        return edit

    def show_problem(self, text: str) -> None:
        self.error.show_problem(text)

    def accept(self) -> None:
        from workbench.crypto import check_new_passphrase

        self.error.clear_problem()
        text = self.first.text()
        if self.new:
            if text != self.again.text():
                self.error.show_problem("The two passphrases differ; type them again.")
                return
            try:
                check_new_passphrase(text)
            except WorkbenchError as exc:
                self.error.show_problem(str(exc))
                return
        elif not text:
            self.error.show_problem("Give the store's passphrase.")
            return
        self.passphrase = text
        super().accept()


class PassphraseAsker:
    """Asks for the store passphrase over ``parent`` (``ask`` for ``open_workbench_store``).

    An answer asked ahead (``ask_ahead``: the quick case list reads the store before it is
    opened) is the answer to the next question, so the passphrase is asked once.
    """

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent
        self.problem = ""  # why the last answer was refused, shown in the next dialog
        self._ahead: list[str | None] = []

    def ask_ahead(self, described: str) -> str | None:
        """The passphrase of the existing store ``described``, kept for the next question."""
        answer = self._dialog(described, False)
        self._ahead = [answer]
        return answer

    def __call__(self, described: str, new: bool) -> str | None:
        if self._ahead:
            return self._ahead.pop()
        return self._dialog(described, new)

    def _dialog(self, described: str, new: bool) -> str | None:
        dialog = StorePassphraseDialog(described, new, self.parent)
        if self.problem:
            dialog.show_problem(self.problem)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.passphrase if accepted else None


def open_store_asking(
    parent: QWidget | None, target: str | None, asker: PassphraseAsker | None = None
) -> Store:
    """Open the store as the window does: its passphrase asked over ``parent`` (unless
    ``WORKBENCH_STORE_PASSPHRASE`` is set), a quick check of its pages, today's backup."""
    from workbench.store import StorePassphraseWrong, open_workbench_store
    from workbench.store_backups import fieldwork_backup

    ask = asker or PassphraseAsker(parent)
    for attempt in range(ATTEMPTS):
        try:
            store = open_workbench_store(target, ask=ask, check=True)
            break
        except StorePassphraseWrong as exc:
            if attempt == ATTEMPTS - 1 or "WORKBENCH_STORE_PASSPHRASE" in os.environ:
                raise
            ask.problem = str(exc)
    fieldwork_backup(store)
    return store
