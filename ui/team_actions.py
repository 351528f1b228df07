"""The team's work in the main window: kits, packs, moderation, imports log and reports.

Kept apart from ``ui.main_window`` (which is about grading) so each stays small. The
window calls ``TeamActions(window)`` once; it adds its actions to ``window.actions`` and
the docks it opens follow the window's current inspection.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from workbench.reports.registry import window_reports

FILE_ACTIONS = (
    ("file.issue_kit", "&Issue kit…"),
    ("file.open_kit", "&Open kit…"),
    ("file.export_pack", "&Export pack…"),
    ("file.import_packs", "Import &packs…"),
    *((f"report.{r.kind}", r.menu_text) for r in window_reports()),
)
VIEW_ACTIONS = (("view.moderation", "&Moderation"), ("view.imports", "&Imports log"))
DOCK_TITLES = {"moderation": "Moderation", "imports": "Imports log"}
NEEDS_INSPECTION = tuple(n for n, _ in FILE_ACTIONS + VIEW_ACTIONS if n != "file.open_kit")
REPORT_KINDS = {f"report.{r.kind}": r.kind for r in window_reports()}


class TeamActions:
    """Actions and docks for kits, packs, moderation and publishing."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        handlers: dict[str, Callable[[], object]] = {
            "file.issue_kit": self.issue_kit,
            "file.open_kit": self.open_kit,
            "file.export_pack": self.export_pack,
            "file.import_packs": self.import_packs,
            "view.moderation": lambda: self.show_dock("moderation"),
            "view.imports": lambda: self.show_dock("imports"),
        }
        for name, kind in REPORT_KINDS.items():
            handlers[name] = lambda kind=kind: self.export_report(kind)
        for name, text in FILE_ACTIONS + VIEW_ACTIONS:
            window._action(name, text, handlers[name])  # noqa: SLF001

    @property
    def inspection_id(self) -> str | None:
        inspection = self.window.inspection
        return inspection.id if inspection is not None else None

    def update_enabled(self) -> None:
        has_inspection = self.inspection_id is not None
        for name in NEEDS_INSPECTION:
            self.window.actions[name].setEnabled(has_inspection)
        self.window.actions["file.open_kit"].setEnabled(self.window.store is not None)

    # --- Kits and packs ---------------------------------------------------------------------

    def issue_kit(self) -> None:
        from ui.dialogs.packs import issue_kit

        issue_kit(self.window, self.window.store, self.inspection_id)

    def open_kit(self) -> None:
        from ui.dialogs.packs import open_kit

        dialog = open_kit(self.window, self.window.store)
        dialog.opened.connect(lambda result: self.window.reload_inspections(result.inspection_id))

    def export_pack(self) -> None:
        from ui.dialogs.packs import export_pack

        if self.inspection_id is not None:
            self.window.panel.flush()  # the text being typed goes into the pack too
            export_pack(self.window, self.window.store, self.inspection_id)

    def import_packs(self) -> None:
        from ui.dialogs.pack_import import import_packs

        if self.inspection_id is None:
            return
        dialog = import_packs(self.window, self.window.store, inspection_id=self.inspection_id)
        if dialog is not None:
            dialog.imported.connect(lambda *_: self.refresh())

    def create_keys(self, inspection_id: str) -> None:
        """After File ▸ New inspection…: the inspection's key pair, under a passphrase."""
        from ui.dialogs.packs import create_keys

        create_keys(self.window, self.window.store, inspection_id)

    # --- Reports ----------------------------------------------------------------------------

    def export_report(self, kind: str) -> None:
        from ui.dialogs.reports import export_report

        if self.inspection_id is not None:
            self.window.panel.flush()
            export_report(self.window, self.window.store, self.inspection_id, kind)

    # --- Docks that follow the inspection ---------------------------------------------------

    def _make(self, which: str, inspection_id: str) -> QWidget:
        if which == "moderation":
            from ui.moderation_view import ModerationView

            view = ModerationView(self.window.store, inspection_id)
            view.moderated.connect(lambda *_: self.window.refresh_cases())
            return view
        from ui.dialogs.pack_import import ImportsLogView

        return ImportsLogView(self.window.store, inspection_id)

    def show_dock(self, which: str) -> None:
        if self.inspection_id is None:
            return
        dock = self.docks.get(which)
        if dock is None:
            dock = QDockWidget(DOCK_TITLES[which], self.window)
            dock.setObjectName(f"{which}Dock")
            self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.docks[which] = dock
            # Half the window: room for the comparison, with the case list still usable above.
            height = max(300, self.window.height() // 2)
            self.window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
        dock.setWidget(self._make(which, self.inspection_id))
        dock.show()
        dock.raise_()

    def inspection_changed(self) -> None:
        """Rebuild any open dock for the inspection now shown (or hide it if none)."""
        for which, dock in self.docks.items():
            if self.inspection_id is None:
                dock.hide()
            elif dock.isVisible():
                dock.setWidget(self._make(which, self.inspection_id))

    def refresh(self) -> None:
        """After packs were imported: the cases, progress and any open dock."""
        self.window.reload_inspections(self.inspection_id)
        self.inspection_changed()
