"""Add evidence… (Quarters tab of View ▸ Follow-up): what a quarterly judgement rests on — a
document (its file is read for its SHA-256), the force's own audit figures (one
``name = number`` a line), an interview or a meeting. A problem is said under its field and
nothing is saved."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
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
from ui.dialogs import date_edit, form_with_errors, from_qdate, show_problems, text_box
from ui.dialogs.form import FormDialog
from workbench.errors import WorkbenchError
from workbench.followup.quarters import KINDS, add_evidence


def parse_figures(text: str) -> dict[str, object]:
    """``cases audited = 170`` lines (or ``;``-separated) as a map; ValueError naming a bad one."""
    figures: dict[str, object] = {}
    for part in text.replace(";", "\n").splitlines():
        if not part.strip():
            continue
        name, sep, number = part.rpartition("=")
        try:
            value = float(number.replace(",", ""))
        except ValueError:
            value = None
        if not sep or not name.strip() or value is None:
            raise ValueError(f"'{part.strip()}' is not 'name = number'")
        figures[name.strip()] = int(value) if value.is_integer() else value
    return figures


class EvidenceDialog(FormDialog):
    def __init__(self, store: Store, inspection_id: str, quarter: int, number: int,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.quarter, self.number = quarter, number
        self.setWindowTitle(f"Evidence for recommendation {number}, quarter {quarter}")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of evidence")
        for kind, name in KINDS.items():
            self.kind.addItem(name, kind)
        self.title = QLineEdit()
        self.title.setAccessibleName("What it is")
        self.on_date = date_edit(date.today(), "Its date")
        self.file = QLineEdit()
        self.file.setAccessibleName("The document's file")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        file_row = self.file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file)
        row.addWidget(browse)
        self.figures = text_box("The force's figures", "cases audited = 170", 3)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        form, self.errors = form_with_errors([
            ("&Kind", self.kind), ("&What it is", self.title), ("&Date", self.on_date),
            ("Document &file", file_row), ("&Figures", self.figures), ("&Note", self.note),
        ])  # fmt: skip
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_main_action(buttons.button(QDialogButtonBox.StandardButton.Save))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The document the force provided")
        if path:
            self.file.setText(path)

    def save(self) -> None:
        problems: dict[QWidget, str] = {}
        if not self.title.text().strip():
            problems[self.title] = "Say what the evidence is."
        document = self.file.text().strip() or None
        if document and not Path(document).is_file():
            problems[self.file_row] = f"There is no file '{document}'."
        try:
            figures = parse_figures(self.figures.toPlainText())
        except ValueError as exc:
            problems[self.figures] = str(exc)
            figures = {}
        if not show_problems(self.errors, problems):
            return
        try:
            add_evidence(
                self.store, self.inspection_id, self.quarter, self.number,
                self.kind.currentData(), self.title.text(), on_date=from_qdate(self.on_date.date()),
                document=document, figures=figures, note=self.note.text(),
            )  # fmt: skip
        except WorkbenchError as exc:
            refused: dict[QWidget, str] = {self.title: str(exc)}
            show_problems(self.errors, refused)
            return
        self.accept()
