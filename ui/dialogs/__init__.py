"""Dialogs, and the small pieces they share: dates, inline field errors, read-only tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.window_fit import grow_height
from workbench.dates import short_date

DATE_FORMAT = "dd/MM/yyyy"
WARNING_SIGN = "⚠"
K = TypeVar("K")


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def shown_date(value: date | None) -> str:
    """A date as the interface shows it: 29/11/2026 (empty when unknown)."""
    return short_date(value, "")


def date_edit(value: date, accessible_name: str) -> QDateEdit:
    """A date field written dd/MM/yyyy, with a calendar to pick from."""
    edit = QDateEdit(to_qdate(value))
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setAccessibleName(accessible_name)
    return edit


class FieldError(QLabel):
    """The reason a field is refused, shown under it in words (never by colour alone)."""

    def __init__(self, field: QWidget) -> None:
        super().__init__()
        self.field = field
        self.setWordWrap(True)
        self.setStyleSheet("color: #B71C1C;")
        self.setAccessibleName(f"Problem with {field.accessibleName() or 'this field'}")
        self.hide()

    def show_problem(self, text: str) -> None:
        self.setText(f"{WARNING_SIGN} {text}")
        self.show()
        self.field.setFocus()
        fit_height(self.window())

    def clear_problem(self) -> None:
        self.clear()
        self.hide()


def fit_height(window: QWidget) -> None:
    """Grow a dialog to its preferred height, so nothing is squeezed by a new line, but
    never past the screen (``ui.window_fit.grow_height``); the main window keeps its size."""
    layout = window.layout()
    if layout is None or not isinstance(window, QDialog):
        return
    layout.activate()
    if layout.hasHeightForWidth():  # wrapped text: its height depends on the actual width
        wanted = layout.totalHeightForWidth(window.width())
    else:
        wanted = window.sizeHint().height()
    grow_height(window, wanted)


def with_error(field: QWidget) -> tuple[QWidget, FieldError]:
    """The field with its (hidden) error line beneath, as one widget for a form row."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    error = FieldError(field)
    layout.addWidget(error)
    return box, error


def form_with_errors(
    rows: Sequence[tuple[str, QWidget]],
) -> tuple[QFormLayout, dict[QWidget, FieldError]]:
    """A form of (label, field) rows, each field with its error line beneath and its label
    as the field's buddy (so the label's Alt key reaches it); the error lines by field."""
    form = QFormLayout()
    errors = {field: add_with_error(form, label, field) for label, field in rows}
    return form, errors


def add_with_error(form: QFormLayout, label: str, field: QWidget) -> FieldError:
    """Add a row of the field with its (hidden) error line beneath; the label's Alt key
    reaches the field itself (not the box holding it). The error line is returned."""
    box, error = with_error(field)
    form.addRow(label, box)
    set_buddy(form, box, field)
    return error


def set_buddy(form: QFormLayout, row: QWidget | QLayout, field: QWidget) -> None:
    """The row's label (and its Alt key) leads to ``field`` inside the row."""
    label = form.labelForField(row)
    if isinstance(label, QLabel):
        label.setBuddy(field)


def show_problems(errors: Mapping[K, FieldError], problems: Mapping[K, str]) -> bool:
    """Clear every error line, then show each problem under its field; True when none.

    ``problems`` come in the form's order; they are shown last first, so the keyboard
    focus lands on the first field to correct.
    """
    for error in errors.values():
        error.clear_problem()
    for key, text in reversed(list(problems.items())):
        errors[key].show_problem(text)
    return not problems


def text_box(accessible_name: str, placeholder: str, lines: int) -> QPlainTextEdit:
    """A plain-text box of ``lines`` lines where Tab moves on to the next field."""
    box = QPlainTextEdit()
    box.setAccessibleName(accessible_name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def selectable(text: str = "") -> QLabel:
    """Wrapped text the user can select and copy."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def read_only_table(accessible_name: str) -> QTableView:
    """A table view for reading: whole rows selected, no editing, last column stretched."""
    view = QTableView()
    view.setAccessibleName(accessible_name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.setStyleSheet("QTableView::item { padding: 3px 4px; }")
    view.ensurePolished()  # so sizes fitted to the contents include the padding
    view.horizontalHeader().setStretchLastSection(True)
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    view.horizontalHeader().setDefaultAlignment(left)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view
