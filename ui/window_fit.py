"""Windows that fit the screen they are on: first size, restored geometry, growing dialogs.

A laptop at 1366x768 with a title bar and a desktop panel leaves about 1366x700 for a
window's contents. ``QScreen.availableGeometry`` gives the screen less its panels; the
window manager's frame (the title bar, the borders) is only known once the window is
shown, so ``FRAME`` allows for it beforehand.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

# The window manager's frame as far as it can be known before it is drawn: a title bar of
# up to about 30 px and borders of a few pixels each side.
FRAME = QSize(16, 40)


def available(widget: QWidget | None = None) -> QRect:
    """The screen the widget is on (else the primary screen), less its panels and docks."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def room(widget: QWidget | None = None) -> QSize:
    """The largest size a window's contents can take on that screen, frame allowed for."""
    area = available(widget)
    return QSize(max(area.width() - FRAME.width(), 1), max(area.height() - FRAME.height(), 1))


def fit_first(window: QWidget, wanted: QSize) -> None:
    """Size a window shown for the first time: ``wanted``, or less where the screen is
    smaller, centred on the screen."""
    size = wanted.boundedTo(room(window))
    window.resize(size)
    area = available(window)
    window.move(area.center() - QPoint(size.width() // 2, size.height() // 2 + FRAME.height() // 2))


def clamp_to_screen(window: QWidget) -> None:
    """Bring a window whose remembered geometry was made on a larger (or another) screen
    wholly onto the screen it is on now: smaller if it must be, then moved inside."""
    area, most = available(window), room(window)
    size = window.size()
    if size.width() > most.width() or size.height() > most.height():
        window.resize(size.boundedTo(most))
    size = window.size()
    left = min(max(window.x(), area.left()), area.right() + 1 - size.width() - FRAME.width())
    top = min(max(window.y(), area.top()), area.bottom() + 1 - size.height() - FRAME.height())
    window.move(max(left, area.left()), max(top, area.top()))


def grow_height(window: QWidget, wanted: int) -> None:
    """Let a dialog grow to ``wanted`` pixels tall for a new line of text, never past the
    screen. Any other window (the main window, holding a view in a dock) keeps its size:
    its layout makes room inside it."""
    if not isinstance(window, QDialog):
        return
    wanted = min(wanted, room(window).height())
    if window.height() < wanted:
        window.resize(window.width(), wanted)


__all__ = ["FRAME", "available", "clamp_to_screen", "fit_first", "grow_height", "room"]
