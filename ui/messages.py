"""Messages to the user: errors a person can act on, and yes/no questions.

A ``WorkbenchError`` is shown with its own message (it was written for a person). An
``ImportRefused`` shows its summary, with every bad row in the details. Anything else is a
fault in the workbench itself: it is logged with its traceback (``workbench.logs``), the
message says "an internal error: <what>; details in <log path>" and the details carry the
traceback to report.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.errors import ImportRefused, WorkbenchError
from workbench.logs import internal_error

ERROR_TITLE = "Inspector's Workbench"
UNEXPECTED = (
    "The workbench met a problem it did not expect, so it stopped what it was doing. "
    "If this happens again, report it with the details below."
)


def error_text(exc: BaseException) -> tuple[str, str]:
    """The main text and the detailed text that describe ``exc`` to a person."""
    if isinstance(exc, ImportRefused):
        return exc.summary, "\n".join(str(row) for row in exc.rows)
    if isinstance(exc, WorkbenchError):
        return str(exc), ""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    line = internal_error(exc)
    return f"{UNEXPECTED}\n\n{line[0].upper()}{line[1:]}.", details


def show_error(parent: QWidget | None, exc: BaseException, *, wait: bool = False) -> QMessageBox:
    """Show ``exc`` in a warning box over ``parent``.

    By default the box is window-modal and returns at once (``open``), so the caller's event
    loop keeps running; ``wait=True`` blocks until it is closed (used before any window exists).
    """
    text, details = error_text(exc)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(ERROR_TITLE)
    box.setText(text)
    box.setAccessibleName("Error message")
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    if wait:
        box.exec()
    else:
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
    return box


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question; True when the user answers Yes. No is the default."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    answer = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
