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
    spare_x = area.width() - size.width() - FRAME.width()
    spare_y = area.height() - size.height() - FRAME.height()
    window.move(area.left() + max(spare_x // 2, 0), area.top() + max(spare_y // 2, 0))


def clamp_to_screen(window: QWidget) -> None:
    """Bring a window wholly onto the screen it is on: smaller if it must be (a geometry
    remembered on a larger screen, or one since unplugged), then moved inside; left where
    it is if it fits. ``move`` places the frame before the window is shown and once the
    window manager has framed it; in between (X11, just mapped) it is only made smaller."""
    area = available(window)
    frame = window.frameGeometry()
    framed = window.isVisible() and frame.size() != window.size()
    extra = frame.size() - window.size() if framed else FRAME
    fit_size(window)
    if window.isVisible() and not framed:
        return
    corner = frame.topLeft() if framed else window.pos()
    left = min(corner.x(), area.right() + 1 - window.width() - extra.width())
    top = min(corner.y(), area.bottom() + 1 - window.height() - extra.height())
    wanted = QPoint(max(left, area.left()), max(top, area.top()))
    if wanted != corner:
        window.move(wanted)


def fit_size(window: QWidget) -> None:
    """No larger than the screen's room for a window (``room``)."""
    most = room(window)
    if window.width() > most.width() or window.height() > most.height():
        window.resize(window.size().boundedTo(most))


class ScreenKeeper(QObject):
    """Makes every window no larger than its screen when it is first shown (installed on
    the application): a dialog that sets its own size (``resize(1100, 520)``) still fits
    a smaller screen. Its place is Qt's to choose, in the dialog's own show event after
    this: Qt centres a dialog over its parent and keeps it on the screen, for its size."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not watched.property(KEPT)
            and watched.windowType() in (Qt.WindowType.Dialog, Qt.WindowType.Window)
        ):
            watched.setProperty(KEPT, True)
            fit_size(watched)
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
        clamp_to_screen(window)  # taller: its bottom may now be past the screen's


__all__ = [
    "FRAME",
    "KEPT",
    "ScreenKeeper",
    "available",
    "clamp_to_screen",
    "fit_first",
    "fit_size",
    "grow_height",
    "keep_on_screen",
    "room",
]
