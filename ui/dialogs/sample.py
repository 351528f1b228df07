"""File ▸ Draw sample…: choose the force's full list, the strata and how many to draw, see
the counts per stratum, then draw. The draw runs on the worker; it is all or nothing."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import form_with_errors, read_only_table, selectable, show_problems
from ui.dialogs.form import FormDialog
from ui.table_model import ReadOnlyTableModel
from ui.worker import Task, run_task
from workbench.errors import WorkbenchError
from workbench.services.inspections import inspection_methodology
from workbench.services.sampling import (
    DrawRecord,
    SamplePreview,
    draw_sample,
    preview_sample,
    stratum_names,
)
from workbench.services.sampling_plan import SamplePlan, parse_amount, read_plan

if TYPE_CHECKING:
    from ui.main_window import MainWindow

HOW = (("size", "A number of cases in all"), ("per", "A number or share from each stratum"),
       ("plan", "A plan file: a count or share per stratum"))  # fmt: skip
FILTER = "Spreadsheets (*.csv *.xlsx)"


class StrataModel(ReadOnlyTableModel):
    headers = ("Stratum", "Listed", "To draw")

    def text(self, row: int, column: int) -> str:
        value = self.rows[row][column]
        return f"{value:,}" if isinstance(value, int) else value


class DrawSampleDialog(FormDialog):
    """Preview the counts per stratum, then draw; ``drawn`` is emitted with the record."""

    drawn = Signal(object)

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.method = inspection_methodology(store, inspection_id)
        self.preview: SamplePreview | None = None
        self.task: Task | None = None
        self.setWindowTitle("Draw the case sample")
        self.setMinimumWidth(720)
        self.path = QLineEdit(placeholderText="The force's full list: a .csv or .xlsx file")
        self.path.setAccessibleName("The force's list of cases")
        choose = QPushButton("&Choose…")
        choose.clicked.connect(lambda: self._choose(self.path))
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        self.by_category = QCheckBox("&Category")
        self.by_category.setChecked(True)
        self.by_unit = QCheckBox("&Unit")
        strata = QWidget()
        strata_row = QHBoxLayout(strata)
        strata_row.setContentsMargins(0, 0, 0, 0)
        strata_row.addWidget(self.by_category)
        strata_row.addWidget(self.by_unit)
        strata_row.addStretch(1)
        self.how = QComboBox()
        self.how.setAccessibleName("How many to draw")
        for key, text in HOW:
            self.how.addItem(text, key)
        self.amount = QLineEdit(placeholderText="For example 400, or 10 per stratum, or 20%")
        self.amount.setAccessibleName("How many, or the plan file")
        self.oversample = QLineEdit(placeholderText="Optional: cse=2, police_protection=3")
        self.oversample.setAccessibleName("Strata to over-sample and by how much")
        self.seed = QLineEdit(str(secrets.randbelow(10**8)))
        self.seed.setAccessibleName("Seed (recorded, so the draw can be repeated)")
        form, self.errors = form_with_errors(
            (
                ("Force's &list:", file_row),
                ("Strata &by:", strata),
                ("&How many:", self.how),
                ("&Number or file:", self.amount),
                ("&Over-sample:", self.oversample),
                ("&Seed:", self.seed),
            )
        )
        self.model = StrataModel(parent=self)
        self.table = read_only_table("Cases listed and to draw in each stratum")
        self.table.setModel(self.model)
        self.outcome = selectable()
        self.outcome.setAccessibleName("Outcome")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.preview_button = self.buttons.addButton(
            "&Preview", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.draw_button = self.buttons.addButton(
            "&Draw sample", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.draw_button.setEnabled(False)
        self.preview_button.clicked.connect(self.show_preview)
        self.draw_button.clicked.connect(self.draw)
        self.buttons.rejected.connect(self.reject)
        for field in (self.path, self.amount, self.oversample, self.seed):
            field.textChanged.connect(self._stale)
        for box in (self.by_category, self.by_unit):
            box.toggled.connect(self._stale)
        self.how.currentIndexChanged.connect(self._stale)
        layout = QVBoxLayout(self)
        layout.addWidget(
            selectable(
                "Draw a stratified random sample from the force's full list of cases (the "
                "columns of the case import; other columns are kept with each case). Preview "
                "the counts per stratum first. The seed, the method and the counts are "
                "recorded for the report's methodology annex."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.set_main_action(self.preview_button)  # Enter previews; Draw once it is right

    def _choose(self, field: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the force's list", "", FILTER)
        if path:
            field.setText(path)

    def _stale(self, *_args: object) -> None:
        self.preview = None
        self.draw_button.setEnabled(False)
        self.set_main_action(self.preview_button)

    def plan(self) -> SamplePlan:
        """The plan the form describes; a WorkbenchError names what is wrong."""
        by = tuple(
            name for name, box in (("category", self.by_category), ("unit", self.by_unit))
            if box.isChecked()
        )  # fmt: skip
        if not by:
            raise WorkbenchError("Choose the strata: by category, by unit or both.")
        oversample = {}
        for item in filter(None, (p.strip() for p in self.oversample.text().split(","))):
            name, _, factor = item.rpartition("=")
            try:
                oversample[tuple(name.strip().split("/"))] = float(factor)
            except ValueError:
                raise WorkbenchError(f"'{item}' is not STRATUM=FACTOR, such as cse=2.") from None
        amount, how = self.amount.text().strip(), self.how.currentData()
        if how == "size":
            if not amount.isdigit() or int(amount) < 1:
                raise WorkbenchError("Give the number of cases to draw, such as 400.")
            return SamplePlan(by, size=int(amount), oversample=oversample)
        if how == "per":
            return SamplePlan(by, per=parse_amount(amount), oversample=oversample)
        return SamplePlan(by, targets=read_plan(Path(amount), by), oversample=oversample)

    def _inputs(self) -> tuple[Path, SamplePlan] | None:
        problems: dict[QWidget, str] = {}
        if not self.path.text().strip():
            problems[self.path] = "Choose the force's list of cases."
        plan = None
        try:
            plan = self.plan()
        except WorkbenchError as exc:
            problems[self.amount] = str(exc)
        if not self.seed.text().strip():
            problems[self.seed] = "Give a seed, such as 20261201."
        if not show_problems(self.errors, problems) or plan is None:
            return None
        return Path(self.path.text().strip()), plan

    def show_preview(self) -> None:
        inputs = self._inputs()
        if inputs is None:
            return
        path, plan = inputs
        try:
            preview = preview_sample(self.store, self.inspection_id, path, plan, self.seed.text())
        except WorkbenchError as exc:
            self.outcome.setText(str(exc))
            self.model.set_rows([])
            return
        names = stratum_names(self.method, preview.strata, preview.plan.by)
        rows = [(n, s.listed, s.drawn) for n, s in zip(names, preview.strata, strict=True)]
        self.model.set_rows([*rows, ("All strata", preview.listed, preview.drawn)])
        self.table.resizeColumnsToContents()
        self.outcome.setText(
            f"The seed {preview.seed} draws {preview.drawn:,} of the {preview.listed:,} cases "
            "listed. Nothing is saved until you draw."
        )
        self.preview = preview
        self.draw_button.setEnabled(preview.drawn > 0)
        if preview.drawn > 0:
            self.set_main_action(self.draw_button)

    def draw(self) -> None:
        inputs = self._inputs()
        if inputs is None or self.preview is None:
            return
        path, plan = inputs
        seed = self.seed.text()
        self.draw_button.setEnabled(False)
        self.task = run_task(
            self,
            "Drawing the sample",
            lambda progress: draw_sample(
                self.store, self.inspection_id, path, plan, seed, progress
            ),
            self._done,
            self._failed,
        )

    def _done(self, record: DrawRecord) -> None:
        self.task = None
        self.keep_typed_text()
        self.set_main_action(self.buttons.button(QDialogButtonBox.StandardButton.Close))
        self.outcome.setText(
            f"Drew {record.drawn:,} of the {record.listed:,} cases listed (seed {record.seed}); "
            "they are in the case list now."
        )
        self.drawn.emit(record)

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.outcome.setText(str(exc) if isinstance(exc, WorkbenchError) else repr(exc))
        self.draw_button.setEnabled(self.preview is not None)


def draw_sample_command(window: MainWindow) -> None:
    """File ▸ Draw sample… (the drawn cases reach the case list through the change signal)."""
    if window.inspection is not None:
        window.exec_dialog(DrawSampleDialog(window.active_store(), window.inspection.id, window))
