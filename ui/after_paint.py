"""Doing something once a widget has been painted: the window's start-up, in steps.

A zero-timer started beside ``show()`` (or beside filling a list) could run before the
window system asks for the paint (it usually does, on Windows and X11), and the widget would
stay blank while the slow step ran.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# A widget that is never painted (a window started minimised, say) still goes on after this.
UNPAINTED_MS = 500


class AfterPaint(QObject):
    """Calls ``then`` once, on the event loop's next turn after ``widget``'s next paint (or
    after ``UNPAINTED_MS`` if it is not painted by then). Nothing is called once the widget
    is gone."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget, self._then, self._called = widget, then, False
        widget.installEventFilter(self)
        QTimer.singleShot(UNPAINTED_MS, self, self._call)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._call)
        return False

    def _call(self) -> None:
        if not self._called:
            self._called = True
            self._then()
