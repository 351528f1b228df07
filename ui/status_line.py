"""The main window's status bar: confirmations people see, where the store is, when saved.

Qt draws a transient message (``QStatusBar.showMessage``) in the room the permanent widgets
leave; a store path label that stretched across the bar left it none, so "… was written to
…" never appeared. The store label here takes at most ``STORE_LABEL_WIDTH`` pixels and
elides the middle of a long path (the whole path is its tooltip and its ``text()``), so a
confirmation always has most of the bar. A confirmation about a file written can offer
"Show in folder" beside it until the message goes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QStyleOption, QWidget

from ui.file_places import show_in_folder

STORE_LABEL_WIDTH = 380
TELL_MS = 15_000  # long enough to read a path and reach for "Show in folder"


class ElidedLabel(QLabel):
    """One line of text that, when narrower than its text, shows it with "…" in the middle.
    ``text()`` stays the whole text."""

    def __init__(self, most: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._most = most
        self.setTextFormat(Qt.TextFormat.PlainText)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(min(hint.width(), self._most), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 80), hint.height())

    def shown_text(self) -> str:
        """The text as drawn at the label's width."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, width)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.style().drawItemText(
            painter, self.contentsRect(), int(align), option.palette, self.isEnabled(),
            self.shown_text(), self.foregroundRole(),
        )  # fmt: skip


class StatusLine:
    """What the main window says at the bottom: ``tell`` a confirmation, where the store
    is (``store_label``), when the last change was saved (``saved_label``)."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.folder_button = QPushButton("Show in folder")  # no Alt key: Alt+F is the File menu
        self.folder_button.setAccessibleName("Show the file just written in its folder")
        self.folder_button.setFlat(True)
        self.folder_button.clicked.connect(self.show_folder)
        self.folder_button.hide()
        self.written: Path | None = None
        self.store_label = ElidedLabel(STORE_LABEL_WIDTH)
        self.store_label.setAccessibleName("Where the store is")
        self.saved_label = QLabel("No changes yet")
        self.saved_label.setAccessibleName("When the last change was saved")
        bar.addPermanentWidget(self.folder_button)
        bar.addPermanentWidget(self.store_label)
        bar.addPermanentWidget(self.saved_label)
        bar.messageChanged.connect(self._message_changed)
        self._told = ""

    def tell(self, text: str, written: Path | None = None) -> None:
        """Show a confirmation for a while; with ``written``, offer "Show in folder"."""
        self._told = text
        self.written = written
        self.bar.showMessage(text, TELL_MS)
        self.folder_button.setVisible(written is not None)

    def show_folder(self) -> None:
        if self.written is not None:
            show_in_folder(self.written)

    def _message_changed(self, text: str) -> None:
        if text != self._told:  # the confirmation went (or another replaced it)
            self.folder_button.hide()
            self.written = None
