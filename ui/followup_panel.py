"""The follow-up panel (View ▸ Follow-up): the inspection's recommendations (edited and
discharged here), the force's action plans (template out, returns in), each quarter's
judgements, and the quarterly update report. Every change goes through
``workbench.followup`` as an audited edit; the service publishes it (``Topic.FOLLOWUP``) and
the window calls ``refresh`` (``ui.followup_view`` subscribes the panel), so no command here
re-reads the store by hand.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import read_only_table, text_box
from ui.followup_models import ActionsModel, QuarterModel, RecommendationsModel
from ui.messages import show_error
from workbench.errors import WorkbenchError
from workbench.followup import plan_sheet, plans, quarters
from workbench.followup import recommendations as recs
from workbench.followup.scale import load_scale


def _row(*widgets: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return layout


class FollowupView(QWidget):
    """Three tabs over one inspection's follow-up."""

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.inspection_id, self.scale = store, inspection_id, load_scale()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._recommendations_tab(), "Recommendations")
        self.tabs.addTab(self._plans_tab(), "Action plans")
        self.tabs.addTab(self._quarters_tab(), "Quarters")
        self.status = QLabel()
        self.status.setAccessibleName("Follow-up status")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.status)
        self.refresh()

    # --- Recommendations --------------------------------------------------------------------

    def _recommendations_tab(self) -> QWidget:
        page = QWidget()
        self.rec_model = RecommendationsModel(parent=self)
        self.rec_table = read_only_table("Recommendations")
        self.rec_table.setModel(self.rec_model)
        self.rec_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_rec())
        self.rec_title = QLineEdit()
        self.rec_timeframe = QLineEdit()
        self.rec_timeframe.setPlaceholderText("immediately, within 3 months, by 2027-06-30")
        self.rec_text = text_box("Recommendation text", "What the force should do", 4)
        self.rec_discharged = QSpinBox()
        self.rec_discharged.setRange(0, 40)
        self.rec_discharged.setSpecialValueText("not discharged")
        self.rec_reason = QLineEdit()
        form = QFormLayout()
        for label, field in (("&Title", self.rec_title), ("Time&frame", self.rec_timeframe),
                             ("Te&xt", self.rec_text), ("&Discharged in quarter",
                             self.rec_discharged), ("&Reason", self.rec_reason)):  # fmt: skip
            form.addRow(label, field)
            field.setAccessibleName(label.replace("&", ""))
        save = QPushButton("&Save recommendation")
        save.clicked.connect(self.save_recommendation)
        load = QPushButton("&Import recommendations…")
        load.clicked.connect(self.import_recommendations)
        layout = QVBoxLayout(page)
        layout.addWidget(self.rec_table, 2)
        layout.addLayout(form, 1)
        layout.addLayout(_row(save, load))
        return page

    def selected_rec(self) -> recs.RecommendationView | None:
        row = self.rec_table.currentIndex().row()
        return self.rec_model.rows[row] if 0 <= row < len(self.rec_model.rows) else None

    def _show_rec(self) -> None:
        rec = self.selected_rec()
        self.rec_title.setText(rec.title if rec else "")
        self.rec_timeframe.setText(rec.timeframe.text if rec else "")
        self.rec_text.setPlainText(rec.text if rec else "")
        self.rec_discharged.setValue(rec.discharged_quarter or 0 if rec else 0)
        self.rec_reason.setText(rec.discharged_reason if rec else "")

    def save_recommendation(self) -> None:
        rec = self.selected_rec()
        if rec is None:
            return
        # Read the form before saving: each saved field is published and the panel re-read.
        quarter, reason = self.rec_discharged.value() or None, self.rec_reason.text()
        fields = (("title", self.rec_title.text()), ("timeframe", self.rec_timeframe.text()),
                  ("text", self.rec_text.toPlainText()))  # fmt: skip

        def save() -> None:
            for field, value in fields:
                recs.edit_recommendation(self.store, self.inspection_id, rec.number, field, value)
            if quarter != rec.discharged_quarter or reason != rec.discharged_reason:
                recs.discharge(self.store, self.inspection_id, rec.number, quarter, reason)

        self._apply(save, f"Recommendation {rec.number} saved.")

    def import_recommendations(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Import recommendations", "", "Recommendations (*.toml *.xlsx *.csv)"
            )
        if path:
            self._apply(lambda: self._say_import(recs.import_recommendations(
                self.store, self.inspection_id, path)), None)  # fmt: skip

    def _say_import(self, result: recs.ImportResult) -> None:
        self.status.setText(
            f"Recommendations: {result.added} added, {result.changed} changed, "
            f"{result.unchanged} unchanged."
        )

    # --- Action plans -----------------------------------------------------------------------

    def _plans_tab(self) -> QWidget:
        page = QWidget()
        self.actions_model = ActionsModel(parent=self)
        table = self.actions_table = read_only_table("The force's actions")
        table.setModel(self.actions_model)
        export = QPushButton("&Export template…")
        export.clicked.connect(lambda: self.export_template())
        load = QPushButton("Import &return…")
        load.clicked.connect(lambda: self.import_return())
        self.returns_label = QLabel()
        layout = QVBoxLayout(page)
        layout.addWidget(table)
        layout.addWidget(self.returns_label)
        layout.addLayout(_row(export, load))
        return page

    def export_template(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export action-plan template",
                                                  "action-plan.xlsx", "Excel (*.xlsx)")  # fmt: skip
        if path:
            self._apply(lambda: plan_sheet.write_template(self.store, self.inspection_id, path),
                        f"The action-plan template was written to {path}.")  # fmt: skip

    def import_return(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import the force's return", "",
                                                  "Excel (*.xlsx)")  # fmt: skip
        if not path:
            return

        def load() -> None:
            result = plan_sheet.import_return(self.store, self.inspection_id, path)
            self.status.setText(
                f"Action plans: {len(result.added)} added, {len(result.changed)} changed, "
                f"{len(result.removed)} removed. The return is kept as evidence."
            )

        self._apply(load, None)

    # --- Quarters ---------------------------------------------------------------------------

    def _quarters_tab(self) -> QWidget:
        page = QWidget()
        self.quarter = QSpinBox()
        self.quarter.setRange(1, 40)
        self.quarter.setPrefix("Quarter ")
        self.quarter.setAccessibleName("Quarter")
        self.quarter.valueChanged.connect(lambda *_: self.refresh())
        self.quarter_model = QuarterModel(self.scale, parent=self)
        self.quarter_table = read_only_table("Judgements of the quarter")
        self.quarter_table.setModel(self.quarter_model)
        self.quarter_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_q())
        self.judgement = QComboBox()
        self.judgement.setAccessibleName("Judgement")
        for judgement in self.scale.judgements:
            self.judgement.addItem(judgement.name, judgement.id)
        self.finding = text_box("Finding", "What the inspectors found this quarter", 4)
        self.concerns = text_box("Concerns", "Concerns to carry forward", 2)
        form = QFormLayout()
        form.addRow("&Judgement", self.judgement)
        form.addRow("&Finding", self.finding)
        form.addRow("&Concerns", self.concerns)
        save = QPushButton("Save &judgement")
        save.clicked.connect(self.save_judgement)
        evidence = QPushButton("Add &evidence…")
        evidence.clicked.connect(lambda: self.add_evidence())
        report = QPushButton("Write &update report…")
        report.clicked.connect(lambda: self.write_report())
        layout = QVBoxLayout(page)
        layout.addLayout(_row(self.quarter))
        layout.addWidget(self.quarter_table, 2)
        layout.addLayout(form, 1)
        layout.addLayout(_row(save, evidence, report))
        return page

    def add_evidence(self):
        """Add evidence… for the selected recommendation in the quarter shown."""
        from ui.followup_evidence import EvidenceDialog

        selected = self._selected_q()
        if selected is None:
            return None
        dialog = EvidenceDialog(self.store, self.inspection_id, self.quarter.value(),
                                selected[0].number, self)  # fmt: skip
        dialog.open()
        return dialog

    def _selected_q(self) -> tuple | None:
        row = self.quarter_table.currentIndex().row()
        rows = self.quarter_model.rows
        return rows[row] if 0 <= row < len(rows) else None

    def _show_q(self) -> None:
        selected = self._selected_q()
        view = selected[1] if selected else None
        index = self.judgement.findData(view.judgement) if view and view.judgement else 0
        self.judgement.setCurrentIndex(max(index, 0))
        self.finding.setPlainText(view.finding if view else "")
        self.concerns.setPlainText(view.concerns if view else "")

    def save_judgement(self) -> None:
        selected = self._selected_q()
        if selected is None:
            return
        rec = selected[0]
        quarter = self.quarter.value()
        self._apply(lambda: quarters.assess(
            self.store, self.inspection_id, quarter, rec.number,
            judgement=self.judgement.currentData(), finding=self.finding.toPlainText(),
            concerns=self.concerns.toPlainText(),
        ), f"Recommendation {rec.number}, quarter {quarter} saved.")  # fmt: skip

    def write_report(self, path: str | None = None):
        from ui.worker import run_task
        from workbench.reports.registry import report_kind

        kind = report_kind("update")  # the registry's kind, with its --quarter option
        quarter = self.quarter.value()
        if path is None:
            suggested = f"update-quarter-{quarter}{kind.suffix}"
            path, _ = QFileDialog.getSaveFileName(self, kind.title, suggested, kind.file_filter)
        if not path:
            return None
        return run_task(
            self, kind.title,
            lambda progress: kind.write(self.store, self.inspection_id, path, progress,
                                        quarter=quarter),
            lambda written: self.status.setText(
                f"The quarter {quarter} update report was written to {written.path} "
                f"({written.pages} pages), with its HTML twin beside it."),
        )  # fmt: skip

    # --- Shared -----------------------------------------------------------------------------

    def _apply(self, change, message: str | None) -> bool:
        """Run one change; show a refusal as the person's to act on. The service publishes
        what it changed and the panel, subscribed to it, reads the store again."""
        try:
            change()
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        if message:
            self.status.setText(message)
        return True

    def refresh(self) -> None:
        keep = self.rec_table.currentIndex().row()
        rows = recs.list_recommendations(self.store, self.inspection_id)
        self.rec_model.set_rows(rows)
        actions = plans.list_actions(self.store, self.inspection_id)
        self.actions_model.set_rows(actions)
        returns = plans.list_returns(self.store, self.inspection_id)
        overdue = sum(1 for a in actions if a.overdue())
        self.returns_label.setText(
            f"{len(actions)} actions in {len({a.plan for a in actions})} plans, {overdue} "
            f"overdue today; {len(returns)} return{'s' if len(returns) != 1 else ''} received."
        )
        quarter = self.quarter.value()
        chosen = quarters.chosen_assessments(self.store, self.inspection_id)
        keep_q = self.quarter_table.currentIndex().row()
        self.quarter_model.set_rows([(r, chosen.get((r.number, quarter))) for r in rows])
        for table, row in ((self.rec_table, keep), (self.quarter_table, keep_q)):
            if 0 <= row < table.model().rowCount():
                table.selectRow(row)
        for table in (self.rec_table, self.quarter_table, self.actions_table):
            for column in range(table.model().columnCount() - 1):
                table.resizeColumnToContents(column)
