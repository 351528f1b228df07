"""Inspection ▸ Keys…: the fingerprints to read out by phone, and re-registering an
inspector's key (a new laptop) with the reason, which the audit trail keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import form_with_errors, read_only_table, selectable, show_problems, text_box
from ui.dialogs.form import FormDialog
from ui.table_model import ReadOnlyTableModel
from workbench import crypto
from workbench.dates import short_date
from workbench.errors import WorkbenchError
from workbench.packs import key_report, reregister
from workbench.services.assignment import inspectors_of

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class _KeysModel(ReadOnlyTableModel):
    headers = ("Inspector", "Fingerprint", "Registered", "By", "In use")

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]


class KeysDialog(FormDialog):
    """Fingerprints of this store, the inspection and each inspector; re-register one."""

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.setWindowTitle("Inspection keys")
        self.setMinimumWidth(760)
        self.facts = selectable()
        self.facts.setAccessibleName("Fingerprints of the inspection and this store")
        self.model = _KeysModel(parent=self)
        self.table = read_only_table("Inspectors' registered keys")
        self.table.setModel(self.model)
        self.inspector = QComboBox(editable=True)
        self.inspector.setAccessibleName("Inspector whose key to re-register")
        self.inspector.addItems(inspectors_of(store, inspection_id))
        self.fingerprint = QLineEdit(placeholderText="As the inspector reads it out by phone")
        self.fingerprint.setAccessibleName("The inspector's new fingerprint")
        self.reason = text_box("Reason for re-registering", "For example: new laptop", 2)
        form, self.errors = form_with_errors(
            (
                ("&Inspector:", self.inspector),
                ("New &fingerprint:", self.fingerprint),
                ("&Reason:", self.reason),
            )
        )
        box = QGroupBox("Re-register an inspector's key")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        self.outcome = selectable()
        box_layout.addWidget(self.outcome)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reregister_button = self.buttons.addButton(
            "Re-&register", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.reregister_button.clicked.connect(self.reregister)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)
        layout.addWidget(self.buttons)
        self.set_main_action(self.reregister_button)
        self.refresh()

    def refresh(self) -> None:
        report = key_report(self.store, self.inspection_id)
        inspection = report.inspection_fingerprint or "none in this store"
        held = "this store holds its private key" if report.holds_private_key else "public only"
        self.facts.setText(
            f"Inspection key: {inspection} ({held}).\nThis store's own key: "
            f"{report.device_fingerprint}.\nCompare fingerprints by phone, never by email."
        )
        self.model.set_rows(
            [
                (k.inspector, k.fingerprint, short_date(k.registered_at), k.registered_by,
                 "yes" if k.active else "replaced")
                for k in report.inspectors
            ]
        )  # fmt: skip
        self.table.resizeColumnsToContents()

    def reregister(self) -> None:
        inspector = self.inspector.currentText().strip()
        reason = self.reason.toPlainText().strip()
        problems: dict[QWidget, str] = {}
        if not inspector:
            problems[self.inspector] = "Choose the inspector."
        try:
            crypto.normalise_fingerprint(self.fingerprint.text())
        except WorkbenchError as exc:
            problems[self.fingerprint] = str(exc)
        if not reason:
            problems[self.reason] = "Say why the key changes (kept in the audit trail)."
        if not show_problems(self.errors, problems):
            return
        try:
            done = reregister(
                self.store, self.inspection_id, inspector, self.fingerprint.text(), reason
            )
        except WorkbenchError as exc:
            self.errors[self.fingerprint].show_problem(str(exc))
            return
        self.outcome.setText(f"{inspector}'s packs are now expected under the key {done}.")
        self.fingerprint.clear()
        self.reason.clear()
        self.refresh()


def keys_command(window: MainWindow) -> None:
    """Inspection ▸ Keys…"""
    if window.inspection is not None:
        window.exec_dialog(KeysDialog(window.active_store(), window.inspection.id, window))
