"""The Moderation view: dual-graded cases whose grades differ, every stage and the overall
grade side by side, each inspector's prompt answers and notes for the row chosen, and the
lead's agreed grade for that stage (or overall) recorded with its reason.

Grades are shown as words; a row where the inspectors differ is marked "differs" in its own
column (and shaded), never by colour alone. No agreed grade is pre-selected: the lead
chooses one.
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
    QHeaderView,
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
from workbench.services.moderation import (
    ModerationCase,
    moderate,
    moderate_stage,
    moderation_cases,
)

if TYPE_CHECKING:
    from ui.main_window import MainWindow


MODERATION_TOPICS = (Topic.MODERATION, Topic.ASSESSMENTS, Topic.IMPORTS)
DIFFERS_SHADE = QColor("#FFF3CD")
EVIDENCE_COLUMN = 140  # pixels for each inspector's answers and notes (they wrap)


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
        if role == Qt.ItemDataRole.ToolTipRole:  # a stage name elided in a narrow view
            return self.rows[row][column] or None
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
        self.set_cells(cells, [not c.settled for c in cases])


def _status(case: ModerationCase, method: Methodology) -> str:
    if case.moderation is not None:
        done = f"Moderated: {grade_word(method, case.moderation.grade)}"
        return done if case.settled else f"{done}; stages to moderate"
    if case.overall_differs:
        return "Awaiting moderation"
    if case.stages_differ:
        return "Stage grades moderated" if case.settled else "Stage grades differ"
    return "Graded alike"


OVERALL = ""  # the comparison row of the overall grade (stages are keyed by their id)


class ComparisonModel(_TableModel):
    """One case's assessments side by side: a row per stage, then the overall grade, with
    the agreed grade where the lead has moderated it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys: list[str] = []

    def set_case(self, case: ModerationCase, method: Methodology) -> None:
        headers = ("Stage", *(g.inspector for g in case.graders), "Agreed", "")
        cells, shaded = [], []
        for s in case.stages:
            agreed = grade_word(method, s.moderation.grade) if s.moderation else ""
            grades = (grade_word(method, g) for g in s.grades)
            cells.append((s.name, *grades, agreed, "differs" if s.differs else ""))
            shaded.append(not s.settled)
        overall = tuple(grade_word(method, g.overall_grade) for g in case.graders)
        agreed = grade_word(method, case.moderation.grade) if case.moderation else ""
        cells.append(("Overall", *overall, agreed, "differs" if case.overall_differs else ""))
        shaded.append(case.overall_differs and case.moderation is None)
        self.keys = [*(s.stage_id for s in case.stages), OVERALL]
        self.set_cells(cells, shaded, headers)

    def clear(self) -> None:
        self.keys = []
        self.set_cells([], [], ())


class EvidenceModel(_TableModel):
    """The evidence behind one row: each prompt's answer by each inspector and their notes
    (for a stage), or their rationales (for the overall grade); differences shaded."""

    def set_evidence(self, case: ModerationCase, method: Methodology, key: str) -> None:
        headers = ("What we expect to see", *(g.inspector for g in case.graders))
        rows: list[tuple[str, ...]] = []
        if key == OVERALL:
            rows.append(("Rationale", *(g.rationale or "(none)" for g in case.graders)))
        else:
            for prompt in method.stage(key).prompts:
                answers = (_answer(method, g.answers.get(prompt.id)) for g in case.graders)
                rows.append((prompt.text, *answers))
            notes = (g.stage_notes.get(key) or "(none)" for g in case.graders)
            rows.append(("Evidence notes", *notes))
        shaded = [len(set(row[1:])) > 1 for row in rows]
        self.set_cells(rows, shaded, headers)

    def clear(self) -> None:
        self.set_cells([], [], ())


def _answer(method: Methodology, answer_id: str | None) -> str:
    if not answer_id:
        return "Not answered"
    try:
        return method.answer(answer_id).name
    except KeyError:
        return answer_id


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
        self.unsettled_only = QCheckBox("Only differences &not yet moderated")
        self.unsettled_only.toggled.connect(self.refresh)
        self.summary = QLabel()
        self.comparison = ComparisonModel(self)
        self.comparison_view = read_only_table("Grades side by side, every stage and overall")
        self.comparison_view.setModel(self.comparison)
        self.comparison_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.comparison_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.comparison_view.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.evidence = EvidenceModel(self)
        self.evidence_view = read_only_table("Each inspector's answers and notes side by side")
        self.evidence_view.setModel(self.evidence)
        self.evidence_view.setWordWrap(True)
        self.evidence_view.horizontalHeader().sectionResized.connect(
            lambda *_: self.evidence_view.resizeRowsToContents()
        )
        self.rationales = selectable()
        self.rationales.setAccessibleName("Each inspector's rationale")
        self.rationales.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.moderating = QLabel()
        self.grade = QComboBox()
        self.grade.setAccessibleName("Agreed grade")
        self.reason = text_box("Reason for the agreed grade", "Why this grade is the right one", 5)
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
        column.addWidget(self.rationales)
        column.addWidget(self.include_agreed)
        column.addWidget(self.unsettled_only)
        right = QWidget()
        details = QVBoxLayout(right)
        box = QGroupBox("Moderation")
        form = QFormLayout(box)
        form.addRow(self.moderating)
        self.grade_error = add_with_error(form, "Agreed &grade:", self.grade)
        self.reason_error = add_with_error(form, "Rea&son:", self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.record_button)
        form.addRow(buttons)
        box.setMaximumWidth(400)
        # The moderation beside the grades it settles, the evidence below both: at half of
        # a 768-pixel screen the form and its Record button are in sight without scrolling.
        top = QHBoxLayout()
        top.addWidget(self.comparison_view, 1)
        top.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
        details.addLayout(top)
        details.addWidget(self.evidence_view, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def refresh(self) -> None:
        current = self.current_case()
        cases = moderation_cases(
            self.store,
            self.inspection_id,
            include_agreed=self.include_agreed.isChecked(),
            unsettled=self.unsettled_only.isChecked(),
        )
        self.cases_model.set_cases(cases, self.method)
        waiting = sum(not c.settled for c in cases)
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

    def current_key(self) -> str | None:
        """The stage id of the comparison row chosen, ``OVERALL`` for the overall grade."""
        index = self.comparison_view.currentIndex()
        keys = self.comparison.keys
        return keys[index.row()] if index.isValid() and index.row() < len(keys) else None

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        cases = self.cases_model.cases
        self._show(cases[current.row()] if current.isValid() else None)

    def _show(self, case: ModerationCase | None, key: str | None = None) -> None:
        self.record_button.setEnabled(case is not None)
        if case is None:
            self.comparison.clear()
            self.evidence.clear()
            self.rationales.clear()
            self._choose(None, None)
            return
        self.comparison.set_case(case, self.method)
        self._size_comparison_columns()
        self._fit_comparison()
        self.rationales.setText(
            "\n".join(f"{g.inspector}: {g.rationale or '(no rationale)'}" for g in case.graders)
        )
        keys = self.comparison.keys
        if key not in keys:
            shaded = [k for k, s in zip(keys, self.comparison.shaded, strict=True) if s]
            key = shaded[0] if shaded else OVERALL
        row = keys.index(key)
        self.comparison_view.selectRow(row)
        self.comparison_view.setCurrentIndex(self.comparison.index(row, 0))
        self._choose(case, key)

    def _size_comparison_columns(self) -> None:
        """The grades as wide as their words; the stage names take the rest (elided when the
        view is narrow), so the table never scrolls sideways beside the moderation form."""
        header = self.comparison_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.comparison.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _fit_comparison(self) -> None:
        """Every stage and the overall row visible at once, without scrolling."""
        view = self.comparison_view
        rows = self.comparison.rowCount()
        header = max(view.horizontalHeader().height(), view.horizontalHeader().sizeHint().height())
        row = max(view.verticalHeader().defaultSectionSize(), view.rowHeight(0) if rows else 0)
        view.setFixedHeight(header + rows * row + 2 * view.frameWidth() + 4)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self.current_case()
        if case is not None and current.isValid() and current.row() < len(self.comparison.keys):
            self._choose(case, self.comparison.keys[current.row()])

    def _choose(self, case: ModerationCase | None, key: str | None) -> None:
        """Show the evidence of one row and prepare the moderation of it (nothing chosen)."""
        self.grade_error.clear_problem()
        self.reason_error.clear_problem()
        self.grade.clear()
        if case is None or key is None:
            self.moderating.clear()
            self.reason.clear()
            self.status.clear()
            return
        self.evidence.set_evidence(case, self.method, key)
        header = self.evidence_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.evidence.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.evidence_view.setColumnWidth(column, EVIDENCE_COLUMN)
        self.evidence_view.resizeRowsToContents()
        stage = next((s for s in case.stages if s.stage_id == key), None)
        record = case.moderation if stage is None else stage.moderation
        what = "the overall grade" if stage is None else f"the stage {stage.name}"
        self.moderating.setText(f"Moderating {what} of case {case.reference}.")
        ids = list(self.method.grade_ids) + ([] if stage is None else [self.method.not_assessed.id])
        self.grade.addItem("Choose the agreed grade…", None)
        for grade_id in ids:
            self.grade.addItem(self.method.grade(grade_id).name, grade_id)
        if record is not None:
            self.grade.setCurrentIndex(self.grade.findData(record.grade))
            self.reason.setPlainText(record.reason)
            self.status.setText(
                f"Moderated by {record.moderated_by} on {shown_date(record.moderated_at)}."
            )
        else:
            self.grade.setCurrentIndex(0)
            self.reason.clear()
            self.status.clear()

    def record(self) -> None:
        case, key = self.current_case(), self.current_key()
        if case is None or key is None:
            return
        self.grade_error.clear_problem()
        self.reason_error.clear_problem()
        grade_id = self.grade.currentData()
        reason = self.reason.toPlainText().strip()
        if grade_id is None:
            self.grade_error.show_problem("Choose the agreed grade.")
        if not reason:
            self.reason_error.show_problem("Give the reason for the agreed grade.")
        if grade_id is None or not reason:
            return
        # When the moderation shown was made: one changed since (by another lead on a
        # server) is refused, saying who changed it, rather than overwritten.
        if key == OVERALL:
            shown = case.moderation
        else:
            shown = next((s.moderation for s in case.stages if s.stage_id == key), None)
        seen_at = shown.moderated_at if shown is not None else None
        try:
            if key == OVERALL:
                record = moderate(
                    self.store, self.inspection_id, case.reference, grade_id, reason, seen_at
                )
            else:
                record = moderate_stage(
                    self.store, self.inspection_id, case.reference, key, grade_id, reason, seen_at
                )
        except WorkbenchError as exc:
            self.reason_error.show_problem(str(exc))
            return
        self.refresh()
        self.select_case(case.reference)
        current = self.current_case()
        if current is not None and current.reference == case.reference:
            self._show(current, key)
        what = "overall" if key == OVERALL else self.method.stage_name(key)
        self.status.setText(
            f"Recorded: case {case.reference} ({what}) moderated as "
            f"{grade_word(self.method, record.grade)}."
        )
        self.moderated.emit(case.case_id)


def show_moderation(window: MainWindow) -> None:
    """View ▸ Moderation, in a dock that follows the inspection shown."""

    def make(inspection_id: str) -> ModerationView:
        view = ModerationView(window.active_store(), inspection_id)
        # A moderation, a new grade or a merged pack changes which cases differ.
        window.changes.follow(view, view.refresh, *MODERATION_TOPICS)
        return view

    window.show_dock("moderation", "Moderation", make)
