"""The lead's fieldwork in the main window: draw the sample, assign cases, the inspection's
keys, archive and delete, and the Dashboard view (the default for the lead).

Like ``ui.team_actions``: the window makes ``FieldworkActions(window)`` once; its actions go
into ``window.actions`` (the menus list them by name) and its dashboard dock follows the
window's inspection, refreshed when a grade is saved or packs arrive.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDockWidget, QMainWindow

from ui.messages import confirm, show_error

ACTIONS = (
    ("file.draw_sample", "&Draw sample…"),
    ("case.assign", "&Assign to…"),
    ("view.dashboard", "&Dashboard"),
    ("inspection.share_out", "&Share out cases…"),
    ("inspection.keys", "&Keys…"),
    ("inspection.archive", "&Archive inspection"),
    ("inspection.delete", "&Delete inspection…"),
)
MENU = ("inspection.share_out", "inspection.keys", None, "inspection.archive", "inspection.delete")


class FieldworkActions:
    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.dock: QDockWidget | None = None
        handlers = {
            "file.draw_sample": self.draw_sample,
            "case.assign": self.assign,
            "view.dashboard": self.show_dashboard,
            "inspection.share_out": self.share_out,
            "inspection.keys": self.keys,
            "inspection.archive": self.archive,
            "inspection.delete": self.delete,
        }
        for name, text in ACTIONS:
            window._action(name, text, handlers[name])  # noqa: SLF001
        window.panel.saved.connect(lambda *_: self.refresh_dashboard())

    @property
    def inspection_id(self) -> str | None:
        inspection = self.window.inspection
        return inspection.id if inspection is not None else None

    def add_menu(self) -> None:
        """The Inspection menu (after the window's own menus are built)."""
        menu = self.window.menuBar().addMenu("&Inspection")
        for name in MENU:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self.window.actions[name])

    def update_enabled(self) -> None:
        for name, _ in ACTIONS:
            self.window.actions[name].setEnabled(self.inspection_id is not None)

    def _exec(self, dialog: QDialog) -> bool:
        return self.window.exec_dialog(dialog)

    # --- Sample and assignment ------------------------------------------------------------

    def draw_sample(self) -> None:
        from ui.dialogs.sample import DrawSampleDialog

        if self.inspection_id is None:
            return
        dialog = DrawSampleDialog(self.window.store, self.inspection_id, self.window)
        dialog.drawn.connect(lambda *_: self.window.reload_inspections(self.inspection_id))
        self._exec(dialog)

    def selected_references(self) -> list[str]:
        """The cases selected in the case list (or the one open), in list order."""
        table, model = self.window.table, self.window.model
        rows = sorted(index.row() for index in table.selectionModel().selectedRows())
        references = [model.row_at(row).reference for row in rows]
        if not references and self.window.panel.case_id:
            found = self.window.cases.index.get(self.window.panel.case_id)
            references = [found.reference] if found else []
        return references

    def assign(self) -> None:
        from ui.dialogs.assign import AssignDialog

        references = self.selected_references()
        if self.inspection_id is None or not references:
            return
        dialog = AssignDialog(self.window.store, self.inspection_id, references, self.window)
        if self._exec(dialog):
            self.window.refresh_cases()
            self.refresh_dashboard()
            stale = dialog.result_value.kits_out_of_date if dialog.result_value else ()
            if stale:
                names = ", ".join(stale)
                self.window.statusBar().showMessage(
                    f"The kit issued to {names} is now out of date: issue an update kit.", 10000
                )

    def share_out(self) -> None:
        from ui.dialogs.balance import ShareOutDialog

        if self.inspection_id is None:
            return
        dialog = ShareOutDialog(self.window.store, self.inspection_id, self.window)
        dialog.changed.connect(lambda *_: (self.window.refresh_cases(), self.refresh_dashboard()))
        self._exec(dialog)

    # --- The inspection ---------------------------------------------------------------------

    def keys(self) -> None:
        from ui.dialogs.keys import KeysDialog

        if self.inspection_id is not None:
            self._exec(KeysDialog(self.window.store, self.inspection_id, self.window))

    def archive(self) -> None:
        from workbench.services.inspections import archive_inspection

        inspection = self.window.inspection
        if inspection is None:
            return
        text = (
            f"Archive '{inspection.title}'? Everything in it is kept; File ▸ Draw sample, "
            "kits and packs are no longer offered for it until it is brought back from the "
            "command line (workbench inspection archive --undo)."
        )
        if confirm(self.window, "Archive the inspection?", text):
            archive_inspection(self.window.store, inspection.id)
            self.window.reload_inspections()

    def delete(self) -> None:
        from workbench.errors import WorkbenchError
        from workbench.services.inspections import (
            ConfirmationNeeded,
            delete_inspection,
        )

        inspection = self.window.inspection
        if inspection is None:
            return
        first = (
            f"Delete '{inspection.title}' with its {inspection.cases:,} cases, their grades, "
            "referrals and keys? This cannot be undone."
        )
        if not confirm(self.window, "Delete the inspection?", first):
            return
        try:
            delete_inspection(self.window.store, inspection.id)
        except ConfirmationNeeded as exc:
            if not confirm(self.window, "Delete it even so?", f"{exc}\n\nDelete it even so?"):
                return
            delete_inspection(self.window.store, inspection.id, with_received_packs=True)
        except WorkbenchError as exc:
            show_error(self.window, exc)
            return
        self.window.reload_inspections()

    # --- The dashboard ----------------------------------------------------------------------

    def show_dashboard(self) -> None:
        from ui.dashboard_view import DashboardView

        if self.inspection_id is None:
            return
        if self.dock is None:
            self.dock = QDockWidget("Dashboard", self.window)
            self.dock.setObjectName("dashboardDock")
            self.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        old = self.dock.widget()
        if isinstance(old, DashboardView) and old.inspection_id == self.inspection_id:
            old.refresh()
        else:
            self.dock.setWidget(DashboardView(self.window.store, self.inspection_id))
            if old is not None:
                # Deleted by Qt now, not whenever Python collects it: a chart scene freed
                # later, in the middle of another event, brings the process down.
                old.deleteLater()
        self.dock.show()
        self.dock.raise_()

    def refresh_dashboard(self) -> None:
        if self.dock is not None and self.dock.isVisible() and self.dock.widget() is not None:
            self.dock.widget().refresh()

    def inspection_changed(self) -> None:
        """The dashboard follows the inspection shown; the lead (whose store holds the
        inspection's private key) sees it first."""
        from workbench.packs import key_report

        if self.inspection_id is None:
            if self.dock is not None:
                self.dock.hide()
            return
        lead = key_report(self.window.store, self.inspection_id).holds_private_key
        if (self.dock is not None and self.dock.isVisible()) or (lead and self.dock is None):
            self.show_dashboard()
