"""View ▸ Audit check and Case ▸ History: the audit trail, as ``workbench audit verify`` and
``workbench audit history`` give it, in the window.

The check runs on a worker (a lead's store holds hundreds of thousands of events); its
result, intact or each problem found (a screenful, then a count), is shown in a dialog.
The history of the case open in the grading panel is a read-only table: when, who, what,
field, old and new value, from which store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.dialogs import read_only_table, selectable
from ui.table_model import ReadOnlyTableModel
from ui.worker import run_task

if TYPE_CHECKING:  # the window loads without the database layer; the work imports it
    from db.engine import Store
    from workbench.audit_check import AuditCheck
    from workbench.audit_history import HistoryEntry


def _shown_time(at: str) -> str:
    return f"{at[8:10]}/{at[5:7]}/{at[:4]} {at[11:19]}"


def _shown_value(value: str | None) -> str:
    if not value:
        return "–"
    text = value.replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


class AuditCheckDialog(QDialog):
    """The result of the audit check: intact, or every problem found."""

    def __init__(self, result: AuditCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit check")
        layout = QVBoxLayout(self)
        if result.intact:
            gaps = (
                f" ({result.gaps} declared gaps: other inspections' events)" if result.gaps else ""
            )
            text = (
                f"The audit trail is intact: {result.events:,} events from {result.origins} "
                f"store(s).\nEvery audited value of {result.records:,} records matches it{gaps}."
            )
        else:
            count = len(result.problems)
            text = f"The audit check found {count} problem{'s' if count != 1 else ''}:\n\n"
            text += "\n".join(f"• {line}" for line in result.shown())
        self.summary = selectable(text)
        self.summary.setAccessibleName("Audit check result")
        layout.addWidget(self.summary)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 200 if result.intact else 460)


class HistoryModel(ReadOnlyTableModel):
    headers = ("When (UTC)", "Who", "What", "Field", "Old value", "New value", "From")

    def text(self, row: int, column: int) -> str:
        entry: HistoryEntry = self.rows[row]
        values: tuple[Any, ...] = (
            _shown_time(entry.at), entry.actor, f"{entry.action} {entry.entity}",
            entry.field or "–", _shown_value(entry.old_value), _shown_value(entry.new_value),
            entry.store,
        )  # fmt: skip
        return str(values[column])


class CaseHistoryDialog(QDialog):
    """Who changed what on a case, when, the old and new value, from which store."""

    def __init__(
        self, reference: str, entries: list[HistoryEntry], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"History of case {reference}")
        layout = QVBoxLayout(self)
        count = len(entries)
        self.heading = QLabel(
            f"{count} change{'s' if count != 1 else ''} to case {reference}, oldest first."
        )
        layout.addWidget(self.heading)
        self.model = HistoryModel(entries, self)
        self.table = read_only_table(f"History of case {reference}")
        self.table.setModel(self.model)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1100, 520)


def show_audit_check(window: Any) -> None:
    """View ▸ Audit check: check the store on a worker, then show the result."""
    from workbench.audit_check import verify_store

    store: Store | None = window.store
    if store is None:
        return
    run_task(
        window,
        "Checking the audit trail…",
        lambda progress: verify_store(store),
        lambda result: AuditCheckDialog(result, window).open(),
    )


def show_case_history(window: Any) -> None:
    """Case ▸ History: the history of the case open in the grading panel."""
    from workbench.audit_history import history_of_case

    store: Store | None = window.store
    case_id = window.panel.case_id
    if store is None or case_id is None:
        return
    run_task(
        window,
        "Reading the case's history…",
        lambda progress: history_of_case(store, case_id),
        lambda found: CaseHistoryDialog(found[0], found[1], window).open(),
    )
