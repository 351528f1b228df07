"""Answering a modal question box, or the store passphrase dialog, that opens with ``exec``
(which blocks the test): the answer is scheduled first and given from inside the box's own
event loop."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.dialogs.store_passphrase import StorePassphraseDialog


class Answer:
    """Press the button of the next question box whose text starts with ``button``; what the
    box said is kept in ``text`` and its title in ``title``."""

    def __init__(self, button: str, shot: str | None = None) -> None:
        self.button, self.shot = button, shot  # shot: a PNG of the box, to look at
        self.text: str | None = None
        self.title: str | None = None
        QTimer.singleShot(0, self._try)

    def _try(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(10, self._try)  # the box is not up yet: look again shortly
            return
        self.text, self.title = box.text(), box.windowTitle()
        if self.shot:
            box.grab().save(self.shot)
        for choice in box.buttons():
            if choice.text().replace("&", "").startswith(self.button):
                choice.click()
                return
        raise AssertionError(f"no button {self.button!r} in the box saying {box.text()!r}")

    @property
    def asked(self) -> bool:
        return self.text is not None


def answer_dialogs(answers: list[str], seen: list[str]) -> None:
    """Fill in and accept each passphrase dialog as it opens, noting the problem it shows."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, StorePassphraseDialog):
            QTimer.singleShot(10, answer)
            return
        seen.append(dialog.error.text() if dialog.error.isVisibleTo(dialog) else "")
        dialog.first.setText(answers.pop(0))
        dialog.accept()
        if answers:
            QTimer.singleShot(0, answer)

    QTimer.singleShot(0, answer)
