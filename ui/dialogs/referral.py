"""Referring a case back to the force, and following the force's responses.

``RaiseReferralDialog`` records a new referral for a case; ``ReferralDetailDialog`` shows one
referral and its history and records the force's responses until one closes it. The register
of every referral is ``ui.referrals_register``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import (
    add_with_error,
    date_edit,
    form_with_errors,
    from_qdate,
    read_only_table,
    selectable,
    show_problems,
    shown_date,
    text_box,
    to_qdate,
)
from ui.dialogs.form import FormDialog
from ui.dialogs.referral_edit import CorrectReferralDialog, holds_key, store_user
from ui.messages import confirm, show_error
from ui.referral_model import ResponsesModel, state_text
from workbench.errors import WorkbenchError
from workbench.methodology import load_methodology
from workbench.services.caselist import case_detail
from workbench.services.referrals import (
    CLOSED,
    add_response,
    get_referral,
    list_referrals,
    raise_referral,
    reopen_referral,
)

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class RaiseReferralDialog(FormDialog):
    """Refer a case back to the force; ``referral_id`` once raised."""

    def __init__(self, store: Store, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.referral_id: str | None = None
        self.case = case_detail(store, case_id)
        self.method = load_methodology(self.case.methodology_id)
        self.setWindowTitle(f"Refer case {self.case.reference} to the force")
        self.setMinimumWidth(560)
        heading = selectable(
            f"<b>Case {self.case.reference}</b>: {self.case.category_name}"
            + (f", {self.case.unit}" if self.case.unit else "")
        )
        explanation = selectable(
            "Refer the case back to the force when a child is at continued risk. The referral "
            "is recorded at once and the case is flagged until the force closes it."
        )
        self.risk = text_box(
            "Risk summary", "What is the continued risk to the child, and what is needed?", 5
        )
        self.urgency = QComboBox()
        self.urgency.setAccessibleName("Urgency")
        self.urgency.setPlaceholderText("Choose the urgency…")
        for urgency in self.method.urgencies:
            days = urgency.respond_within_days
            within = "1 day" if days == 1 else f"{days} days"
            self.urgency.addItem(f"{urgency.name} (response within {within})", urgency.id)
        self.urgency.setCurrentIndex(-1)
        self.referred_to = QLineEdit(
            placeholderText="For example, DI Patel, Child Abuse Investigation Team"
        )
        self.referred_to.setAccessibleName("Referred to")
        self.referred_on = date_edit(date.today(), "Referred on")
        self.referred_on.setMaximumDate(to_qdate(date.today()))
        form, self.errors = form_with_errors(
            (
                ("&Risk to the child:", self.risk),
                ("&Urgency:", self.urgency),
                ("Referred &to:", self.referred_to),
                ("Referred &on:", self.referred_on),
            )
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.raise_button = buttons.addButton(
            "Raise referral", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_main_action(self.raise_button)

    discard_text = "Close without raising the referral? What you typed will be lost."

    def accept(self) -> None:
        problems: dict[QWidget, str] = {}
        if not self.risk.toPlainText().strip():
            problems[self.risk] = "Say what the continued risk to the child is."
        if self.urgency.currentIndex() < 0:
            problems[self.urgency] = "Choose how urgently the force must respond."
        if not show_problems(self.errors, problems):
            return
        day = from_qdate(self.referred_on.date())
        try:
            self.referral_id = raise_referral(
                self.store,
                self.case_id,
                risk_summary=self.risk.toPlainText(),
                urgency=self.urgency.currentData(),
                referred_to=self.referred_to.text(),
                referred_at=None if day == date.today() else day,
            )
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        super().accept()


class ReferralDetailDialog(FormDialog):
    """One referral, the force's responses so far, and a form to add the next one."""

    changed = Signal(str)  # the referral id, after a response was added

    def __init__(self, store: Store, referral_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.referral_id = store, referral_id
        self.referral = get_referral(store, referral_id)
        case = case_detail(store, self.referral.case_id)
        self.inspection_id = case.inspection_id
        self.method = load_methodology(case.methodology_id)
        self.setWindowTitle(f"Referral for case {self.referral.case_reference}")
        self.resize(680, 560)
        self.facts = {name: selectable() for name in ("case", "urgency", "to", "on", "state")}
        self.risk = selectable()
        self.risk.setAccessibleName("Risk summary")
        facts = QFormLayout()
        for label, key in (
            ("Case:", "case"),
            ("Urgency:", "urgency"),
            ("Referred to:", "to"),
            ("Referred on:", "on"),
            ("State:", "state"),
        ):
            self.facts[key].setAccessibleName(label.rstrip(":"))
            facts.addRow(label, self.facts[key])
        facts.addRow("Risk to the child:", self.risk)
        self.responses = ResponsesModel(self.method, self.referral, self)
        self.history = read_only_table("Responses from the force")
        self.history.setModel(self.responses)
        self.history.setWordWrap(True)
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        history_box = QGroupBox("Responses from the force")
        QVBoxLayout(history_box).addWidget(self.history)
        self.add_box = self._response_form()
        self.correct_button = QPushButton("&Correct the referral…")
        self.correct_button.clicked.connect(self.correct)
        self.reopen_box = self._reopen_form()
        self.closed_note = selectable()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(facts)
        layout.addWidget(history_box, 1)
        layout.addWidget(self.add_box)
        layout.addWidget(self.closed_note)
        layout.addWidget(self.reopen_box)
        row = QHBoxLayout()
        row.addWidget(self.correct_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self._show_referral()

    def _reopen_form(self) -> QGroupBox:
        box = QGroupBox("Reopen the referral (the lead inspector)")
        self.reopen_reason = text_box("Reason for reopening", "Why the referral is reopened", 2)
        self.reopen_button = QPushButton("&Reopen the referral")
        self.reopen_button.clicked.connect(self.reopen)
        form = QFormLayout(box)
        self.reopen_error = add_with_error(form, "Re&ason:", self.reopen_reason)
        form.addRow("", self.reopen_button)
        return box

    def reopen(self) -> None:
        self.reopen_error.clear_problem()
        if not self.reopen_reason.toPlainText().strip():
            self.reopen_error.show_problem("Say why the referral is reopened.")
            return
        try:
            reopen_referral(self.store, self.referral_id, self.reopen_reason.toPlainText())
        except WorkbenchError as exc:
            self.reopen_error.show_problem(str(exc))
            return
        self.reopen_reason.clear()
        self._refresh()

    def correct(self) -> None:
        dialog = CorrectReferralDialog(self.store, self.referral, self.method, self)
        if dialog.exec() == FormDialog.DialogCode.Accepted:
            self._refresh()

    def _refresh(self) -> None:
        self.referral = get_referral(self.store, self.referral_id)
        self.keep_typed_text()
        self._show_referral()
        self.changed.emit(self.referral_id)

    def _response_form(self) -> QGroupBox:
        box = QGroupBox("Record the force's response")
        self.response = QComboBox()
        self.response.setAccessibleName("Response")
        self.response.setPlaceholderText("Choose the response…")
        for response in self.method.responses:
            self.response.addItem(response.name, response.id)
        self.response.setCurrentIndex(-1)
        self.response.currentIndexChanged.connect(self._update_add_button)
        self.response_on = date_edit(date.today(), "Date of the response")
        self.response_on.setMaximumDate(to_qdate(date.today()))
        self.note = text_box("Note", "What the force did or said (optional)", 3)
        self.add_button = QPushButton("&Add response")
        self.add_button.clicked.connect(self.add)
        form = QFormLayout(box)
        self.response_error = add_with_error(form, "&Response:", self.response)
        form.addRow("&Date:", self.response_on)  # a text label with & gets the field as buddy
        form.addRow("N&ote:", self.note)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        form.addRow(row)
        self._update_add_button()
        return box

    def _update_add_button(self) -> None:
        closes = any(r.closes for r in self.method.responses if r.id == self.response.currentData())
        self.add_button.setText(
            "&Add response and close the referral" if closes else "&Add response"
        )

    def _show_referral(self) -> None:
        row = self.referral
        self.facts["case"].setText(row.case_reference + (f" ({row.unit})" if row.unit else ""))
        try:
            urgency = self.method.urgency(row.urgency)
            self.facts["urgency"].setText(
                f"{urgency.name}: response expected within {urgency.respond_within_days} "
                f"day{'s' * (urgency.respond_within_days != 1)}"
            )
        except KeyError:
            self.facts["urgency"].setText(row.urgency)
        self.facts["to"].setText(row.referred_to or "Not recorded")
        self.facts["on"].setText(f"{shown_date(row.referred_at)} by {row.raised_by}")
        age = row.age_days()
        days = f"{age} day{'s' * (age != 1)}"
        after = "after" if row.status == CLOSED else "since"
        self.facts["state"].setText(f"{state_text(row, self.method)}, {days} {after} the referral")
        self.risk.setText(row.risk_summary)
        self.responses.set_referral(row)
        self.history.resizeColumnsToContents()
        closed = row.status == CLOSED
        self.add_box.setVisible(not closed)
        self.closed_note.setVisible(closed)
        self.reopen_box.setVisible(closed and holds_key(self.store, self.inspection_id))
        self.correct_button.setVisible(not closed and row.raised_by == store_user(self.store))
        self.set_main_action(self.close_button if closed else self.add_button)
        self.closed_note.setText(
            f"This referral was closed on {shown_date(row.closed_at)}. Its history can be read "
            "but no further responses can be added."
        )
        self.response_on.setMinimumDate(to_qdate(row.referred_at.date()))

    def add(self) -> None:
        self.response_error.clear_problem()
        if self.response.currentIndex() < 0:
            self.response_error.show_problem("Choose the force's response.")
            return
        closes = any(r.closes for r in self.method.responses if r.id == self.response.currentData())
        if closes and not confirm(
            self,
            "Close the referral?",
            f"'{self.response.currentText()}' closes the referral for case "
            f"{self.referral.case_reference}: no further responses can be added, and only the "
            "lead inspector can reopen it. Close it?",
        ):
            return
        day = from_qdate(self.response_on.date())
        try:
            add_response(
                self.store,
                self.referral_id,
                response=self.response.currentData(),
                note=self.note.toPlainText(),
                occurred_at=None if day == date.today() else day,
            )
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self.response.setCurrentIndex(-1)
        self.note.clear()
        self._refresh()


# --- The window's commands (declared in ui.actions) -------------------------------------------


def raise_referral_command(window: MainWindow, case_id: str | None = None) -> None:
    """Case ▸ Raise referral… for the case open in the panel (or ``case_id``)."""
    case_id = case_id or window.panel.case_id
    if case_id is None:
        return
    window.panel.flush()
    window.exec_dialog(RaiseReferralDialog(window.active_store(), case_id, window))


def show_case_referrals(window: MainWindow, case_id: str) -> None:
    """The latest open referral of the case (else the latest) with its history."""
    if window.inspection is None:
        return
    found = list_referrals(window.active_store(), window.inspection.id, case_id)
    if not found:
        return
    chosen = next((r for r in reversed(found) if r.status != CLOSED), found[-1])
    window.exec_dialog(ReferralDetailDialog(window.active_store(), chosen.id, window))
