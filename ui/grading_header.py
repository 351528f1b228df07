"""The grading panel's header: what the case is, the force's grade beside ours, referrals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.style import Card, GradeChip, grade_name, role_label
from workbench.dates import long_date
from workbench.services.status import STATUS_NAMES

if TYPE_CHECKING:
    from workbench.methodology import Methodology
    from workbench.services.caselist import CaseDetail


class CaseHeader(Card):
    """Case details above the form, with buttons to raise or view referrals."""

    raise_referral = Signal()
    show_referrals = Signal()
    assessment_chosen = Signal(object)  # whose assessment to show: None for one's own

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, tint=True)
        self.setObjectName("caseHeader")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(6)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title = self._label("caseTitle")
        self.subtitle = self._label("caseSubtitle")
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.referral_button = QPushButton("Raise referral…")
        self.referral_button.setAccessibleName("Raise a referral to the force for this case")
        self.referral_button.clicked.connect(self.raise_referral)
        top.addWidget(self.referral_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        self.values: dict[str, QLabel] = {}
        facts = [("unit", "Unit"), ("assigned", "Assigned to"), ("opened", "Opened")]
        facts += [("closed", "Closed"), ("child", "Child"), ("status", "Our status")]
        for i, (key, caption) in enumerate(facts):
            self.values[key] = self._fact(grid, i // 2, (i % 2) * 2, caption)
        row = len(facts) // 2
        self.force_grade = GradeChip()
        self.our_grade = GradeChip()
        # The grades get whole rows: a grade's name beside a chip never wraps or crowds.
        self._pair(grid, row, 0, "Force's grade", self.force_grade, span=3)
        self._pair(grid, row + 1, 0, "Our grade", self.our_grade, span=3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)

        flags = QHBoxLayout()
        self.referral_flag = self._label("referralFlag")
        flags.addWidget(self.referral_flag, 1)
        self.referrals_button = QPushButton("Referral history…")
        self.referrals_button.setAccessibleName("Show this case's referrals and add a response")
        self.referrals_button.clicked.connect(self.show_referrals)
        flags.addWidget(self.referrals_button)
        outer.addLayout(flags)
        self.others = self._label("muted")
        outer.addWidget(self.others)
        whose = QHBoxLayout()
        self.whose_caption = role_label("Showing:", "muted", wrap=False)
        self.whose = QComboBox()
        self.whose.setAccessibleName("Whose assessment the form shows")
        self.whose.setToolTip("Read another inspector's assessment of this case (read only)")
        self.whose.currentIndexChanged.connect(self._whose_chosen)
        whose.addWidget(self.whose_caption)
        whose.addWidget(self.whose)
        whose.addStretch(1)
        outer.addLayout(whose)

    def _label(self, name: str) -> QLabel:
        label = role_label("", name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _fact(self, grid: QGridLayout, row: int, column: int, caption: str) -> QLabel:
        value = self._label("")
        self._pair(grid, row, column, caption, value)
        return value

    def _pair(
        self, grid: QGridLayout, row: int, column: int, caption: str, value: QWidget, span: int = 1
    ):
        name = role_label(f"{caption}:", "muted", wrap=False)
        grid.addWidget(name, row, column)
        grid.addWidget(value, row, column + 1, 1, span)
        value.setAccessibleName(caption)

    def show_case(self, method: Methodology, detail: CaseDetail, status: str) -> None:
        self.title.setText(detail.reference)
        self.subtitle.setText(detail.category_name)
        self.values["unit"].setText(detail.unit or "—")
        self.values["assigned"].setText(detail.assigned_to or "Not assigned")
        self.values["opened"].setText(long_date(detail.opened_on, "—"))
        closed = long_date(detail.closed_on) if detail.closed_on else "Not closed yet"
        self.values["closed"].setText(closed)
        self.values["child"].setText(detail.child_ref or "—")
        self.set_status(status)
        self.force_grade.set_grade(method, detail.force_grade, "Not given by the force")
        self._show_referrals(detail)
        lines = []
        if detail.moderated_grade:
            lines.append(f"Moderated grade: {grade_name(method, detail.moderated_grade)}")
        if detail.others:
            graders = [
                f"{o.inspector} ({_other_grade(method, o)}, "
                f"{STATUS_NAMES.get(o.status, o.status).lower()})"
                for o in detail.others
            ]
            lines.append("Also graded by " + "; ".join(graders))
        self.others.setText("\n".join(lines))
        self.others.setVisible(bool(lines))
        self._fill_whose(detail)

    def _fill_whose(self, detail: CaseDetail) -> None:
        """One's own assessment, then each other inspector's that may be read (not blind)."""
        self.whose.blockSignals(True)
        self.whose.clear()
        self.whose.addItem("Your assessment", None)
        for other in detail.others:
            if not other.hidden and other.status != "not_started":
                self.whose.addItem(f"{other.inspector}'s assessment (read only)", other.inspector)
        self.whose.blockSignals(False)
        shown = self.whose.count() > 1
        self.whose.setVisible(shown)
        self.whose_caption.setVisible(shown)

    def _whose_chosen(self, _index: int) -> None:
        self.assessment_chosen.emit(self.whose.currentData())

    def _show_referrals(self, detail: CaseDetail) -> None:
        if detail.referrals == 1:
            state = "open" if detail.open_referrals else "closed"
            self.referral_flag.setText(f"⚑ Referred to the force (referral {state})")
        elif detail.referrals:
            self.referral_flag.setText(
                f"⚑ Referred to the force: {detail.referrals} referrals, "
                f"{detail.open_referrals} open"
            )
        self.referral_flag.setVisible(bool(detail.referrals))
        self.referrals_button.setVisible(bool(detail.referrals))

    def set_status(self, status: str) -> None:
        self.values["status"].setText(STATUS_NAMES.get(status, status))

    def set_our_grade(self, method: Methodology, grade_id: str | None) -> None:
        self.our_grade.set_grade(method, grade_id, "Not graded yet")


def _other_grade(method, other) -> str:
    """Another inspector's grade, or why it is not shown (blind dual grading)."""
    if other.hidden:
        return "grade shown once you have both graded"
    return grade_name(method, other.overall_grade, "no grade yet")
