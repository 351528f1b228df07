"""Windows that fit the screen they are on: first size, restored geometry, growing dialogs.

A laptop at 1366x768 with a title bar and a desktop panel leaves about 1366x700 for a
window's contents. ``QScreen.availableGeometry`` gives the screen less its panels; the
window manager's frame (the title bar, the borders) is only known once the window is
shown, so ``FRAME`` allows for it beforehand.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

KEPT = "workbenchKeptOnScreen"  # a window's property once it was brought onto its screen
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
    """Bring a window wholly onto the screen it is on: smaller if it must be (a geometry
    remembered on a larger screen, or one since unplugged), then moved inside. Once the
    window is shown its real frame is used, before that ``FRAME``."""
    area = available(window)
    frame = window.frameGeometry()
    extra = QSize(frame.width() - window.width(), frame.height() - window.height())
    if not window.isVisible() or extra.isNull():  # the window manager has not framed it yet
        extra = FRAME
    most = QSize(area.width() - extra.width(), area.height() - extra.height())
    if window.width() > most.width() or window.height() > most.height():
        window.resize(window.size().boundedTo(most))
    outer = QSize(window.width() + extra.width(), window.height() + extra.height())
    left = min(max(frame.x(), area.left()), area.right() + 1 - outer.width())
    top = min(max(frame.y(), area.top()), area.bottom() + 1 - outer.height())
    if (left, top) != (frame.x(), frame.y()):
        window.move(max(left, area.left()), max(top, area.top()))


class ScreenKeeper(QObject):
    """Brings every window onto its screen when it is first shown (installed on the
    application): a dialog that sets its own size (``resize(1100, 520)``) or grows with
    its contents still fits a smaller screen, whole."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not watched.property(KEPT)
            and watched.windowType() in (Qt.WindowType.Dialog, Qt.WindowType.Window)
        ):
            watched.setProperty(KEPT, True)
            clamp_to_screen(watched)
        return False


def keep_on_screen(app: QObject) -> None:
    """Install the ``ScreenKeeper`` on the application (once)."""
    if app.findChild(ScreenKeeper) is None:
        app.installEventFilter(ScreenKeeper(app))


def grow_height(window: QWidget, wanted: int) -> None:
    """Let a dialog grow to ``wanted`` pixels tall for a new line of text, never past the
    screen. Any other window (the main window, holding a view in a dock) keeps its size:
    its layout makes room inside it."""
    if not isinstance(window, QDialog):
        return
    wanted = min(wanted, room(window).height())
    if window.height() < wanted:
        window.resize(window.width(), wanted)


__all__ = [
    "FRAME",
    "ScreenKeeper",
    "available",
    "clamp_to_screen",
    "fit_first",
    "grow_height",
    "keep_on_screen",
    "room",
]
