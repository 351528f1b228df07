"""Correcting a referral (its author, while it is open) and the facts that decide who may
correct or reopen one (``workbench.services.referrals``; docs/pack-format.md)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QVBoxLayout, QWidget

from db.engine import Store
from ui.dialogs import form_with_errors, selectable, text_box
from ui.dialogs.form import FormDialog
from workbench.errors import WorkbenchError
from workbench.methodology import Methodology
from workbench.services.referrals import ReferralRow, correct_referral


def holds_key(store: Store, inspection_id: str) -> bool:
    """Whether this is the lead's store (it holds the inspection's private key)."""
    from workbench.packs import key_report

    return key_report(store, inspection_id).holds_private_key


def store_user(store: Store) -> str | None:
    from workbench.identity import user_name

    with store.sessions() as session:
        return user_name(session)


class CorrectReferralDialog(FormDialog):
    """Correct an open referral's risk summary, urgency or recipient (its author only)."""

    discard_text = "Close without saving the correction?"

    def __init__(self, store: Store, row: ReferralRow, method: Methodology, parent: QWidget):
        super().__init__(parent)
        self.store, self.row = store, row
        self.setWindowTitle(f"Correct the referral for case {row.case_reference}")
        self.setMinimumWidth(520)
        self.risk = text_box("Risk summary", "What is the continued risk to the child?", 5)
        self.risk.setPlainText(row.risk_summary)
        self.urgency = QComboBox()
        self.urgency.setAccessibleName("Urgency")
        for urgency in method.urgencies:
            self.urgency.addItem(urgency.name, urgency.id)
        self.urgency.setCurrentIndex(max(self.urgency.findData(row.urgency), 0))
        self.referred_to = QLineEdit(row.referred_to)
        self.referred_to.setAccessibleName("Referred to")
        form, self.errors = form_with_errors(
            (("&Risk to the child:", self.risk), ("&Urgency:", self.urgency),
             ("Referred &to:", self.referred_to))
        )  # fmt: skip
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(
            "Save the correction", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(selectable("Each change is recorded in the audit trail."))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_main_action(self.save_button)

    def accept(self) -> None:
        try:
            correct_referral(
                self.store, self.row.id, risk_summary=self.risk.toPlainText(),
                urgency=self.urgency.currentData(), referred_to=self.referred_to.text(),
            )  # fmt: skip
        except WorkbenchError as exc:
            self.errors[self.risk].show_problem(str(exc))
            return
        super().accept()
