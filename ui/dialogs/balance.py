"""Inspection ▸ Share out cases…: share the unassigned cases between the team (evenly in all
or for each category), and choose a share of the cases for blind dual grading."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QVBoxLayout, QWidget

from db.engine import Store
from ui.dialogs import form_with_errors, selectable, show_problems
from ui.dialogs.form import FormDialog
from workbench.errors import WorkbenchError
from workbench.services.assignment import AssignResult, balance_cases, choose_dual, inspectors_of
from workbench.services.sampling_plan import parse_amount

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ShareOutDialog(FormDialog):
    """``changed`` is emitted after cases were assigned."""

    changed = Signal(object)

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.setWindowTitle("Share out cases")
        self.setMinimumWidth(600)
        self.team = QLineEdit(", ".join(inspectors_of(store, inspection_id)))
        self.team.setAccessibleName("The inspectors, separated by commas")
        self.by = QComboBox()
        self.by.setAccessibleName("Balance by")
        self.by.addItem("The same number each", "count")
        self.by.addItem("The same number of each category each", "category")
        self.share = QLineEdit(placeholderText="For example 10%")
        self.share.setAccessibleName("Share of the cases to grade twice")
        self.seed = QLineEdit(str(secrets.randbelow(10**8)))
        self.seed.setAccessibleName("Seed for choosing the dual-graded cases")
        form, self.errors = form_with_errors(
            (
                ("&Inspectors:", self.team),
                ("&Balance:", self.by),
                ("&Dual grading share:", self.share),
                ("&Seed:", self.seed),
            )
        )
        self.outcome = selectable()
        self.outcome.setAccessibleName("Outcome")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.balance_button = self.buttons.addButton(
            "Share out &unassigned cases", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.dual_button = self.buttons.addButton(
            "Choose &dual grading", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.balance_button.clicked.connect(self.balance)
        self.dual_button.clicked.connect(self.dual)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            selectable(
                "Unassigned cases go each to whoever has fewest so far. Dual grading draws "
                "the share of the assigned cases at random from the seed (recorded) and gives "
                "each a second inspector, who grades it blind."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.set_main_action(self.balance_button)

    def _names(self) -> list[str]:
        return [n.strip() for n in self.team.text().split(",") if n.strip()]

    def _done(self, result: AssignResult, what: str) -> None:
        text = f"{result.changed} case{'s' if result.changed != 1 else ''} {what}."
        if result.kits_out_of_date:
            text += f" Kits now out of date: {', '.join(result.kits_out_of_date)}."
        self.outcome.setText(text)
        self.keep_typed_text()
        self.changed.emit(result)

    def balance(self) -> None:
        problems: dict[QWidget, str] = {} if self._names() else {self.team: "Name them."}
        if not show_problems(self.errors, problems):
            return
        try:
            result = balance_cases(
                self.store, self.inspection_id, self._names(), by=self.by.currentData()
            )
        except WorkbenchError as exc:
            self.errors[self.team].show_problem(str(exc))
            return
        self._done(result, "shared out")

    def dual(self) -> None:
        problems: dict[QWidget, str] = {}
        share = None
        try:
            share = parse_amount(self.share.text(), "the share for dual grading")
            if share >= 1:
                problems[self.share] = "Give a share, such as 10%, not a number of cases."
        except WorkbenchError as exc:
            problems[self.share] = str(exc)
        if not self._names():
            problems[self.team] = "Name the inspectors who grade the second time."
        if not show_problems(self.errors, problems) or share is None:
            return
        try:
            result = choose_dual(
                self.store, self.inspection_id, share, self.seed.text(), self._names()
            )
        except WorkbenchError as exc:
            self.errors[self.share].show_problem(str(exc))
            return
        self._done(result, "given a second inspector")


def share_out_command(window: MainWindow) -> None:
    """Inspection ▸ Share out cases… (the views follow the assignments themselves)."""
    if window.inspection is not None:
        window.exec_dialog(ShareOutDialog(window.active_store(), window.inspection.id, window))
