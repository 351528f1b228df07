"""The one dialog for long work: a form, an action button that runs the work on the worker
(``ui.worker.run_task``, with its progress dialog), the outcome in words and, when there is
one, a table of results or of the rows that were refused.

A dialog for new long work subclasses ``WorkDialog``: it adds its fields with ``add_row``,
calls ``run(title, work)`` from ``start`` and says what happened in ``describe(result)``.
An error of a type in ``field_errors`` (a wrong passphrase, say) is shown under that field;
a refused spreadsheet (``ImportRefused``) lists its rows in the table; a cancelled task and
any other ``WorkbenchError`` are said in the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs import (
    WARNING_SIGN,
    FieldError,
    add_with_error,
    fit_height,
    read_only_table,
    selectable,
    set_buddy,
)
from ui.dialogs.form import FormDialog
from ui.messages import show_error
from ui.row_errors_model import RowErrorsModel
from ui.worker import Cancelled, Task, run_task
from workbench.errors import ImportRefused, WorkbenchError

if TYPE_CHECKING:
    from collections.abc import Callable

    from db.engine import Store
    from workbench.progress import Progress

WRAP_ROWS = 300  # up to this many refused rows, whole reasons wrapped; past that, one line each


class WorkDialog(FormDialog):
    """A form, an action that runs long work on the worker, its outcome and result table."""

    action_text = ""
    working_text = "Working…"
    cancelled_text = "Cancelled; nothing was changed."
    table_name = "Results"  # what the table holds, for screen readers
    field_errors: dict[type[BaseException], str] = {}

    def __init__(
        self, store: Store, title: str, intro: str, parent: QWidget | None, width: int = 620
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.task: Task | None = None
        self.errors: dict[str, FieldError] = {}
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.form = QFormLayout()
        self.outcome = selectable()
        self.outcome.setAccessibleName("Outcome")
        self.row_errors = RowErrorsModel(parent=self)
        self.table = read_only_table(self.table_name)
        self.table.setModel(self.row_errors)
        self.table.hide()
        self.copy_button = QPushButton("Copy the list")
        self.copy_button.setAccessibleName(f"Copy the list of {self.table_name.lower()}")
        self.copy_button.clicked.connect(self.copy_rows)
        self.copy_button.hide()
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.action = self.buttons.addButton(
            self.action_text, QDialogButtonBox.ButtonRole.ActionRole
        )
        self.action.clicked.connect(lambda _checked=False: self.start())
        self.buttons.rejected.connect(self.reject)
        self.body = layout = QVBoxLayout(self)
        layout.addWidget(selectable(intro))
        layout.addLayout(self.form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.table, 1)
        layout.addLayout(copy_row)
        layout.addStretch(0)  # takes the slack while there is no table to show
        layout.addWidget(self.buttons)
        self.set_main_action(self.action)  # Enter runs the work, never Close

    # --- The form ---------------------------------------------------------------------------

    def add_row(self, key: str, label: str, field: QWidget, row: QHBoxLayout | None = None) -> None:
        """A form row for ``field`` (inside ``row`` when it has buttons beside it)."""
        if row is None:
            self.errors[key] = add_with_error(self.form, label, field)
            return
        self.errors[key] = FieldError(field)
        inner = QVBoxLayout()
        inner.addLayout(row)
        inner.addWidget(self.errors[key])
        self.form.addRow(label, inner)
        set_buddy(self.form, inner, field)

    # --- The outcome and the table ----------------------------------------------------------

    def show_outcome(self, text: str) -> None:
        self.outcome.setText(text)
        fit_height(self)

    def show_table(self, model: QAbstractItemModel | None, copyable: bool = False) -> None:
        """Show ``model`` in the table below the outcome (None hides the table)."""
        if model is None:
            self.table.hide()
            self.copy_button.hide()
            fit_height(self)
            return
        if self.table.model() is not model:
            self.table.setModel(model)
        self.table.show()
        self.copy_button.setVisible(copyable)
        self.table.resizeColumnsToContents()

    def show_refused_rows(self, text: str, refused: ImportRefused) -> None:
        self.show_outcome(text)
        self.row_errors.set_rows(refused.rows)
        self.show_table(self.row_errors, copyable=True)
        self.resize(max(self.width(), 860), max(self.height(), 560))
        wrap = len(refused.rows) <= WRAP_ROWS
        self.table.setWordWrap(wrap)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents if wrap else QHeaderView.ResizeMode.Fixed
        )

    def copy_rows(self) -> None:
        """The refused rows, one a line, to the clipboard (to paste beside the spreadsheet)."""
        rows = self.row_errors
        lines = [str(rows.row_error(i)) for i in range(rows.rowCount())]
        QGuiApplication.clipboard().setText("\n".join(lines))

    # --- The work ---------------------------------------------------------------------------

    def run(self, title: str, work: Callable[[Progress], Any]) -> None:
        """Run ``work(progress)`` on the worker; ``describe`` its result when it is done."""
        if self.task is not None:
            return
        self.action.setEnabled(False)
        if self.table.model() is self.row_errors:
            self.show_table(None)
        self.show_outcome(self.working_text)
        self.task = run_task(self, title, work, self._succeeded, self._failed)
        self.task.finished.connect(self._finished)

    def _finished(self) -> None:
        self.task = None
        self.update_action()

    def update_action(self) -> None:
        """Enable the action when the work can be started (subclasses add conditions)."""
        self.action.setEnabled(self.task is None)

    def _succeeded(self, result: Any) -> None:
        self.keep_typed_text()  # the work used it: closing now loses nothing
        self.show_outcome(self.describe(result))

    def _failed(self, exc: BaseException) -> None:
        field = next((k for t, k in self.field_errors.items() if isinstance(exc, t)), None)
        if field is not None:
            self.show_outcome("")
            self.errors[field].show_problem(str(exc))
        elif isinstance(exc, ImportRefused):
            text = (
                f"{WARNING_SIGN} {exc.summary}\nCorrect these rows in the spreadsheet, save it "
                "and import it again:"
            )
            self.show_refused_rows(text, exc)
        elif isinstance(exc, Cancelled):
            self.show_outcome(self.cancelled_text)
        elif isinstance(exc, WorkbenchError):
            self.show_outcome(f"{WARNING_SIGN} {exc}")
        else:
            self.show_outcome("")
            show_error(self, exc)

    def start(self) -> None:  # pragma: no cover - each dialog defines it
        raise NotImplementedError

    def describe(self, result: Any) -> str:  # pragma: no cover
        raise NotImplementedError
