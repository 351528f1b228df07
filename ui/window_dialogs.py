"""The main window's commands that open a dialog or a dock: set-up, referrals, shortcuts.

A mixin of ``ui.main_window.MainWindow``. Each dialog module is imported when first used,
so the window shows before the services (and SQLAlchemy) are loaded.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDockWidget

from ui.shortcuts import SHORTCUTS


class DialogCommands:
    """New inspection, imports, referrals and their register, the shortcuts window."""

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Run a dialog modally; True when accepted. (Tests replace this.)"""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def new_inspection(self) -> None:
        from ui.dialogs.setup import NewInspectionDialog

        dialog = NewInspectionDialog(self.store, self)
        if self.exec_dialog(dialog):  # the dialog made the inspection's keys with it
            self.reload_inspections(dialog.inspection_id)

    def import_cases(self) -> None:
        from ui.dialogs.setup import ImportCasesDialog

        if self.inspection is not None:
            self.exec_dialog(ImportCasesDialog(self.store, self.inspection.id, self))
            self.reload_inspections(self.inspection.id)

    def import_grades(self) -> None:
        from ui.dialogs.setup import ImportGradesDialog

        if self.inspection is not None:
            self.exec_dialog(ImportGradesDialog(self.store, self.inspection.id, self))
            self.reload_inspections(self.inspection.id)

    def raise_referral(self, case_id: str | None = None) -> None:
        from ui.dialogs.referral import RaiseReferralDialog

        case_id = case_id or self.panel.case_id
        if case_id is None:
            return
        self.panel.flush()
        if self.exec_dialog(RaiseReferralDialog(self.store, case_id, self)):
            self._referrals_changed()

    def show_case_referrals(self, case_id: str) -> None:
        """The latest open referral of the case (else the latest) with its history."""
        from ui.dialogs.referral import ReferralDetailDialog
        from workbench.services.referrals import CLOSED, list_referrals

        if self.inspection is None:
            return
        found = list_referrals(self.store, self.inspection.id, case_id)
        if not found:
            return
        chosen = next((r for r in reversed(found) if r.status != CLOSED), found[-1])
        dialog = ReferralDetailDialog(self.store, chosen.id, self)
        dialog.changed.connect(self._referrals_changed)
        self.exec_dialog(dialog)

    def _referrals_changed(self, *_args: object) -> None:
        self.refresh_cases()
        if self.register_dock is not None:
            self.register_dock.widget().refresh()

    def show_register(self) -> None:
        from ui.dialogs.referral import ReferralsRegister

        if self.inspection is None:
            return
        if self.register_dock is None:
            register = ReferralsRegister(self.store, self.inspection.id, self)
            register.changed.connect(self.refresh_cases)
            dock = QDockWidget("Referrals register", self)
            dock.setObjectName("referralsRegister")
            dock.setWidget(register)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.register_dock = dock
        self.register_dock.show()
        self.register_dock.raise_()
        self.register_dock.widget().setFocus()

    def show_shortcuts(self) -> None:
        from ui.dialogs.shortcuts import ShortcutsDialog

        self.exec_dialog(ShortcutsDialog(SHORTCUTS, self))
