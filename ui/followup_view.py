"""View ▸ Follow-up: a dock holding the follow-up panel (``ui.followup_panel``) for the
inspection shown. The panel, and the follow-up services under it, load on first use, so that
the window opens without them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow


def install(window: QMainWindow) -> QAction:
    """Add View ▸ Follow-up to the window: a dock over the inspection shown."""
    action = QAction("&Follow-up", window)
    action.setObjectName("view.followup")
    window.actions["view.followup"] = action
    dock = QDockWidget("Follow-up", window)
    dock.setObjectName("followupDock")
    dock.hide()
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

    def show() -> None:
        inspection = window.inspection
        if inspection is None or window.store is None:
            dock.hide()
            return
        from ui.followup_panel import FollowupView

        dock.setWidget(FollowupView(window.store, inspection.id, dock))
        dock.show()
        dock.raise_()

    action.triggered.connect(lambda _checked=False: show())
    # Another inspection chosen while the dock is open: show that inspection's follow-up.
    window.inspection_combo.currentIndexChanged.connect(lambda *_: dock.isVisible() and show())
    for item in window.menuBar().actions():
        if item.menu() is not None and item.text().replace("&", "") == "View":
            item.menu().addSeparator()
            item.menu().addAction(action)
    return action
