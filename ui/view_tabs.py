"""The left of the main window: the case list, and wide views as tabs beside it.

A view as wide as the dashboard, docked on the right, squeezed the grading panel until its
text was clipped at 1366x768. Such a view opens here instead, as a tab beside the case list:
the grading panel keeps its width, and the view has the case list's. The view is still a
``QDockWidget`` (without its title bar, which the tab replaces), so the window's docks are
one dictionary whatever their place. The case list's tab cannot be closed; a view's tab
can, and its command opens it again.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QWidget,
)

CASES_TAB = "Cases"
DOCK_HEIGHT = 260  # a dock's preferred height, before the window sizes it


class _Scroller(QScrollArea):
    def sizeHint(self) -> QSize:  # noqa: N802
        """No taller than ``DOCK_HEIGHT``: the window gives the dock half its height."""
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), DOCK_HEIGHT))


class ViewDock(QDockWidget):
    """A dock whose view scrolls when the dock is smaller than the view's minimum size.

    Without the scroll area, a view's minimum height (a comparison table, the evidence, a
    form whose validation lines had just appeared) became the window's, and the main window
    grew past the bottom of a 768-pixel screen. ``widget()`` is the view itself; the scroll
    area around it is the dock's own business.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.scroller = _Scroller()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        super().setWidget(self.scroller)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the field given the keyboard is scrolled to
            app.focusChanged.connect(self._follow_focus)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        view = self.scroller.widget()
        if new is not None and view is not None and view.isAncestorOf(new):
            self.scroller.ensureWidgetVisible(new)

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802
        old = self.scroller.takeWidget()
        self.scroller.setWidget(widget)
        if old is not None:
            old.deleteLater()  # and with it its subscription to the changes

    def widget(self) -> QWidget:
        return self.scroller.widget()  # type: ignore[return-value]  # None before the first


class ViewTabs(QTabWidget):
    """The case list first; views as closable tabs after it (no tab bar while alone)."""

    def __init__(self, cases: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Case list and views")
        self.setDocumentMode(True)
        self.setTabBarAutoHide(True)
        self.setTabsClosable(True)
        self.cases = cases
        self.addTab(cases, CASES_TAB)
        self.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)
        self.tabBar().setTabButton(0, QTabBar.ButtonPosition.LeftSide, None)
        self.tabCloseRequested.connect(self.close_tab)

    def holds(self, dock: QDockWidget) -> bool:
        return self.indexOf(dock) >= 0

    def show_view(self, dock: QDockWidget, *, front: bool = True) -> None:
        """Add the view's tab if it is not there, and (with ``front``) bring it to the front."""
        if not self.holds(dock):
            dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
            dock.setTitleBarWidget(QWidget())  # the tab names it
            self.addTab(dock, dock.windowTitle())
        if front:
            self.setCurrentWidget(dock)

    def close_tab(self, index: int) -> None:
        """Close a view's tab (never the case list's), back to the case list."""
        page = self.widget(index)
        if page is self.cases or page is None:
            return
        self.removeTab(index)
        page.hide()
        self.setCurrentWidget(self.cases)

    def close_views(self) -> None:
        """No inspection shown: only the case list."""
        while self.count() > 1:
            self.close_tab(self.count() - 1)

    def show_cases(self) -> None:
        self.setCurrentWidget(self.cases)


__all__ = ["CASES_TAB", "ViewTabs"]
