"""The referrals register: every referral of the inspection, in a dock (View ▸ Referrals register).

Enter or a double-click opens a referral's detail (``ui.dialogs.referral``), where the force's
responses are recorded; the register follows the changes to referrals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.engine import Store
from ui.dialogs import read_only_table
from ui.dialogs.referral import ReferralDetailDialog
from ui.messages import show_error
from ui.referral_model import ReferralsModel
from workbench.changes import Topic
from workbench.errors import WorkbenchError
from workbench.services.inspections import inspection_methodology
from workbench.services.referrals import CLOSED, list_referrals

if TYPE_CHECKING:
    from ui.main_window import MainWindow

MAX_COLUMN_WIDTH = 190


class ReferralsRegister(QWidget):
    """Every referral of the inspection, with its state and age; Enter opens the detail."""

    changed = Signal()  # a response was recorded from the register

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.inspection_id = inspection_id
        self.detail_dialog: ReferralDetailDialog | None = None
        self.setAccessibleName("Referrals register")
        self.summary = QLabel()
        self.summary.setAccessibleName("Referrals summary")
        self.model = ReferralsModel(inspection_methodology(store, inspection_id), parent=self)
        self.table = read_only_table("Referrals")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self.open_detail)
        hint = QLabel(
            "Double-click a referral or press Enter to see its history and record a response."
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.refresh()

    def refresh(self) -> None:
        rows = list_referrals(self.store, self.inspection_id)
        self.model.set_rows(rows)
        open_ = sum(1 for r in rows if r.status != CLOSED)
        noun = "referral" if len(rows) == 1 else "referrals"
        self.summary.setText(
            f"{len(rows)} {noun}: {open_} open, {len(rows) - open_} closed"
            if rows
            else "No referrals yet. Raise one from a case when a child is at continued risk."
        )
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount() - 1):
            if self.table.columnWidth(column) > MAX_COLUMN_WIDTH:
                self.table.setColumnWidth(column, MAX_COLUMN_WIDTH)

    def open_detail(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        referral = self.model.referral(index.row())
        try:
            dialog = ReferralDetailDialog(self.store, referral.id, self)
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._referral_changed)
        dialog.finished.connect(self._detail_closed)
        self.detail_dialog = dialog
        dialog.open()

    def _referral_changed(self, referral_id: str) -> None:
        self.refresh()
        row = self.model.row_of(referral_id)
        if row >= 0:
            self.table.selectRow(row)
        self.changed.emit()

    def _detail_closed(self) -> None:
        self.detail_dialog = None


def show_register(window: MainWindow) -> None:
    """View ▸ Referrals register, in a dock that follows the inspection shown."""

    def make(inspection_id: str) -> ReferralsRegister:
        register = ReferralsRegister(window.active_store(), inspection_id, window)
        window.changes.follow(register, register.refresh, Topic.REFERRALS)
        return register

    dock = window.show_dock("referrals", "Referrals register", make)
    if dock is not None:
        dock.widget().setFocus()
