"""The Moderation view: dual-graded cases whose grades differ, side by side stage by stage,
and the lead's agreed grade recorded with its reason.

Grades are shown as words; a stage where the inspectors differ is marked "differs" in its own
column (and shaded), never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import add_with_error, read_only_table, selectable, shown_date, text_box
from ui.style import grade_name
from ui.table_model import ReadOnlyTableModel
from workbench.changes import Topic
from workbench.errors import WorkbenchError
from workbench.methodology import Methodology
from workbench.services.inspections import inspection_methodology
from workbench.services.moderation import ModerationCase, moderate, moderation_cases

if TYPE_CHECKING:
    from ui.main_window import MainWindow


DIFFERS_SHADE = QColor("#FFF3CD")


def grade_word(method: Methodology, grade_id: str | None) -> str:
    return grade_name(method, grade_id, "Not recorded")


class _TableModel(ReadOnlyTableModel):
    """A read-only table of text cells, with a shade for rows marked as differing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.shaded: list[bool] = []

    @property
    def cells(self) -> list[tuple[str, ...]]:
        return self.rows

    def set_cells(
        self,
        cells: Sequence[tuple[str, ...]],
        shaded: Sequence[bool],
        headers: tuple[str, ...] | None = None,
    ) -> None:
        self.beginResetModel()
        self.rows, self.shaded = list(cells), list(shaded)
        if headers is not None:
            self.headers = headers
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]

    def role_data(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.BackgroundRole and self.shaded[row]:
            return QBrush(DIFFERS_SHADE)
        return None


class ModerationCasesModel(_TableModel):
    """The cases to moderate: reference, category, unit, the grades given, where it stands."""

    headers = ("Case", "Category", "Unit", "Overall grades", "Status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cases: list[ModerationCase] = []

    def set_cases(self, cases: Sequence[ModerationCase], method: Methodology) -> None:
        self.cases = list(cases)
        cells = [
            (
                c.reference, c.category_name, c.unit,
                " / ".join(grade_word(method, g.overall_grade) for g in c.graders),
                _status(c, method),
            )
            for c in cases
        ]  # fmt: skip
        self.set_cells(cells, [c.overall_differs and c.moderation is None for c in cases])


def _status(case: ModerationCase, method: Methodology) -> str:
    if case.moderation is not None:
        return f"Moderated: {grade_word(method, case.moderation.grade)}"
    if case.overall_differs:
        return "Awaiting moderation"
    return "Stage grades differ" if case.stages_differ else "Graded alike"


class ComparisonModel(_TableModel):
    """One case's assessments side by side: a row per stage, then the overall grade."""

    def set_case(self, case: ModerationCase, method: Methodology) -> None:
        headers = ("Stage", *(g.inspector for g in case.graders), "")
        cells = [
            (s.name, *(grade_word(method, g) for g in s.grades), "differs" if s.differs else "")
            for s in case.stages
        ]
        overall = tuple(grade_word(method, g.overall_grade) for g in case.graders)
        cells.append(("Overall", *overall, "differs" if case.overall_differs else ""))
        self.set_cells(cells, [*(s.differs for s in case.stages), case.overall_differs], headers)

    def clear(self) -> None:
        self.set_cells([], [], ())


class ModerationView(QWidget):
    """List, compare and moderate; ``moderated`` is emitted with the case id afterwards."""

    moderated = Signal(str)

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.method = inspection_methodology(store, inspection_id)
        self.cases_model = ModerationCasesModel(self)
        self.cases_view = read_only_table("Dual-graded cases to moderate")
        self.cases_view.setModel(self.cases_model)
        self.cases_view.selectionModel().currentRowChanged.connect(self._show_current)
        self.include_agreed = QCheckBox("Show cases graded &alike too")
        self.include_agreed.toggled.connect(self.refresh)
        self.summary = QLabel()
        self.comparison = ComparisonModel(self)
        self.comparison_view = read_only_table("Grades side by side, stage by stage")
        self.comparison_view.setModel(self.comparison)
        self.rationales = selectable()
        self.rationales.setAccessibleName("Each inspector's rationale")
        self.grade = QComboBox()
        self.grade.setAccessibleName("Agreed grade")
        for grade_id in self.method.grade_ids:
            self.grade.addItem(self.method.grade(grade_id).name, grade_id)
        self.reason = text_box("Reason for the agreed grade", "Why this grade is the right one", 4)
        self.record_button = QPushButton("&Record agreed grade")
        self.record_button.clicked.connect(self.record)
        self.status = selectable()
        self.status.setAccessibleName("Moderation outcome")
        self._layout()
        self.refresh()

    def _layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(self.summary)
        column.addWidget(self.cases_view, 1)
        column.addWidget(self.include_agreed)
        right = QWidget()
        details = QVBoxLayout(right)
        details.addWidget(self.comparison_view, 2)
        details.addWidget(self.rationales)
        box = QGroupBox("Moderation")
        form = QFormLayout(box)
        form.addRow("Agreed &grade:", self.grade)
        self.reason_error = add_with_error(form, "Rea&son:", self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.record_button)
        form.addRow(buttons)
        details.addWidget(box)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def refresh(self) -> None:
        current = self.current_case()
        cases = moderation_cases(
            self.store, self.inspection_id, include_agreed=self.include_agreed.isChecked()
        )
        self.cases_model.set_cases(cases, self.method)
        waiting = sum(c.overall_differs and c.moderation is None for c in cases)
        self.summary.setText(
            "No dual-graded case has differing grades."
            if not cases
            else f"{len(cases)} dual-graded case{'s' if len(cases) != 1 else ''} shown; "
            f"{waiting} awaiting moderation."
        )
        self.cases_view.resizeColumnsToContents()
        self.select_case(current.reference if current else None)

    def select_case(self, reference: str | None) -> None:
        """Select the case with ``reference`` (else the first) and show its grades."""
        rows = [c.reference for c in self.cases_model.cases]
        row = rows.index(reference) if reference in rows else 0
        if rows:
            self.cases_view.selectRow(row)
            self.cases_view.setCurrentIndex(self.cases_model.index(row, 0))
        self._show(self.current_case())

    def current_case(self) -> ModerationCase | None:
        index = self.cases_view.currentIndex()
        cases = self.cases_model.cases
        return cases[index.row()] if index.isValid() and index.row() < len(cases) else None

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        cases = self.cases_model.cases
        self._show(cases[current.row()] if current.isValid() else None)

    def _show(self, case: ModerationCase | None) -> None:
        self.reason_error.clear_problem()
        self.record_button.setEnabled(case is not None)
        if case is None:
            self.comparison.clear()
            self.rationales.clear()
            return
        self.comparison.set_case(case, self.method)
        self.comparison_view.resizeColumnsToContents()
        self.rationales.setText(
            "\n".join(f"{g.inspector}: {g.rationale or '(no rationale)'}" for g in case.graders)
        )
        if case.moderation is not None:
            self.grade.setCurrentIndex(self.grade.findData(case.moderation.grade))
            self.reason.setPlainText(case.moderation.reason)
            self.status.setText(
                f"Moderated by {case.moderation.moderated_by} on "
                f"{shown_date(case.moderation.moderated_at)}."
            )
        else:
            self.reason.clear()
            self.status.clear()

    def record(self) -> None:
        case = self.current_case()
        if case is None:
            return
        self.reason_error.clear_problem()
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.reason_error.show_problem("Give the reason for the agreed grade.")
            return
        try:
            record = moderate(
                self.store, self.inspection_id, case.reference, self.grade.currentData(), reason
            )
        except WorkbenchError as exc:
            self.reason_error.show_problem(str(exc))
            return
        self.refresh()
        self.select_case(case.reference)
        self.status.setText(
            f"Recorded: case {case.reference} moderated as {grade_word(self.method, record.grade)}."
        )
        self.moderated.emit(case.case_id)


def show_moderation(window: MainWindow) -> None:
    """View ▸ Moderation, in a dock that follows the inspection shown."""

    def make(inspection_id: str) -> ModerationView:
        view = ModerationView(window.active_store(), inspection_id)
        window.changes.follow(view, view.refresh, Topic.MODERATION)
        return view

    window.show_dock("moderation", "Moderation", make)
