"""The case list pane: search box, filters, the table of cases and "Showing n of m".

The pane holds every case of the inspection as plain rows in a ``CaseIndex``, kept in the
table's sort order, and shows the rows that match the filters through ``CaseModel``.
It tells the window which case the user chose (``case_chosen``); the window decides
what opening a case means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.case_filter import UNGRADED, CaseFilter, CaseIndex
from ui.case_model import ASSIGNED, CATEGORY, COLUMNS, UNIT, CaseModel
from ui.style import chip_icon, set_role
from workbench.services.status import STATUS_NAMES

if TYPE_CHECKING:
    from workbench.methodology import Methodology
    from workbench.services.caselist_rows import CaseRow

COLUMN_WIDTHS = (92, 170, 108, 104, 86, 162, 84)  # until the first rows are measured
# Fitting the columns to their content: the category stretches into what the others
# leave, and wants at least CATEGORY_ROOM (enough to tell "Section 47 child protection…"
# from "Children in custody"; the whole name is the cell's tooltip). Where the list is too
# narrow for that, the unit and then the inspector's name give way, down to their floors.
CATEGORY_ROOM = 190
GIVE_WAY = ((UNIT, 96), (ASSIGNED, 84))
FIT_ROWS = 300  # rows measured when fitting, as QHeaderView's resizeContentsPrecision


def labelled_combo(name: str, width: int = 0) -> QComboBox:
    """A combo box with an accessible name, sized by ``width`` characters when given."""
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(name)
    if width:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(width)
    return combo


class CaseListPane(QWidget):
    """Find a case: search words, filters and a sortable table."""

    case_chosen = Signal(str)  # case id: the user moved to this row
    reveal_requested = Signal()  # the keyboard was sent here: bring the list to the front

    def __init__(
        self, user_name: str, open_case: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.user_name = user_name
        self._open_case = open_case
        self.index = CaseIndex([])
        self._index_sorted = True
        self.model = CaseModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(self._search_row())
        layout.addLayout(self._filter_row())
        layout.addWidget(self._table(), 1)
        self.showing = QLabel()
        set_role(self.showing, "muted")
        self.showing.setAccessibleName("Number of cases shown")
        layout.addWidget(self.showing)

    def _search_row(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by reference, unit, category or inspector")
        self.search.setAccessibleName("Search cases")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self._open_first_match)
        self.referred_check = QCheckBox("&Referred")
        self.referred_check.setAccessibleName("Show only cases referred to the force")
        self.mine_check = QCheckBox("&Mine only")
        self.set_user_name(self.user_name)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        for box in (self.referred_check, self.mine_check):
            box.toggled.connect(self.apply_filter)
            row.addWidget(box)
        return row

    def _filter_row(self) -> QHBoxLayout:
        self.category_filter = labelled_combo("Filter by category", 16)
        self.status_filter = labelled_combo("Filter by status")
        self.grade_filter = labelled_combo("Filter by overall grade", 14)
        row = QHBoxLayout()
        for combo, empty in (
            (self.category_filter, "All categories"),
            (self.status_filter, "Any status"),
            (self.grade_filter, "Any grade"),
        ):
            combo.setPlaceholderText(empty)  # before an inspection is open, not a blank box
            combo.currentIndexChanged.connect(self.apply_filter)
            row.addWidget(combo, 1)
        return row

    def _table(self) -> QTableView:
        table = self.table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName("Cases")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows for Case ▸ Assign to…; the current row is the case open.
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setSortingEnabled(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setTabKeyNavigation(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(60)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(CATEGORY, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(FIT_ROWS)
        self.columns_fitted = False  # True once fitted, or set out as the user left them
        self._fit_when_shown = False
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_index)  # after the view sorts the model
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        return table

    def set_user_name(self, user_name: str) -> None:
        """Whose cases "Mine only" shows."""
        self.user_name = user_name
        self.mine_check.setAccessibleName(f"Show only cases assigned to {user_name}")

    # --- Rows -------------------------------------------------------------------------------

    def set_methodology(self, method: Methodology) -> None:
        """Offer the methodology's categories and grades as filters."""
        self.model.set_methodology(method)
        choices = (
            (self.category_filter, "All categories", [(c.name, c.id) for c in method.categories]),
            (self.status_filter, "Any status", [(n, s) for s, n in STATUS_NAMES.items()]),
            (self.grade_filter, "Any grade", [(g.name, g.id) for g in method.grades]),
        )
        for combo, anything, items in choices:
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anything, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)
        for position, grade in enumerate(method.grades, start=1):
            self.grade_filter.setItemIcon(position, chip_icon(grade.colour))
        self.grade_filter.addItem("Not graded yet", UNGRADED)

    def set_rows(self, rows: list[CaseRow]) -> None:
        """Every case of the inspection; shows those that match the filters."""
        self.index = CaseIndex(rows)
        self._sort_index()
        self.apply_filter()
        # The search text for every case, once the list is on screen: ready for the first search.
        QTimer.singleShot(0, self, lambda: self.index.prepare_search())
        if rows and not self.columns_fitted:
            if self.table.isVisible():
                self.fit_columns()
            else:
                self._fit_when_shown = True  # the list's width is not known yet

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._fit_when_shown and not self.columns_fitted:
            self.fit_columns()
        self._fit_when_shown = False

    def fit_columns(self) -> None:
        """Size each column to its content (the header's text and the first rows), within
        ``FIT_CAPS``; the category takes the rest. Done once: then the user's widths stay."""
        header = self.table.horizontalHeader()
        widths = {
            column: max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in range(len(COLUMNS))
            if column != CATEGORY
        }
        room = self.table.viewport().width() - sum(widths.values())
        for column, floor in GIVE_WAY:
            short = CATEGORY_ROOM - room
            if short <= 0:
                break
            given = min(short, max(widths[column] - floor, 0))
            widths[column] -= given
            room += given
        for column, width in widths.items():
            header.resizeSection(column, width)
        self.columns_fitted = True

    def replace_row(self, fresh: CaseRow) -> None:
        """A case changed: show its new values in place (it stays even if it no longer matches)."""
        self.index.replace(fresh)
        self._index_sorted = False
        self.model.update_row(fresh)

    def _sort_index(self, *_args: object) -> None:
        """Sort every case as the table is sorted, so a filter's result needs no sorting."""
        key, reverse = self.model.sort_key()
        self.index.sort(key, reverse)
        self._index_sorted = True

    def current_filter(self) -> CaseFilter:
        return CaseFilter(
            text=self.search.text(),
            category=self.category_filter.currentData(),
            status=self.status_filter.currentData(),
            grade=self.grade_filter.currentData(),
            referred=self.referred_check.isChecked(),
            mine_only=self.mine_check.isChecked(),
        )

    def apply_filter(self) -> None:
        """Show the cases that match the search and filters; keep the open case selected."""
        if not self._index_sorted:  # an edit may have moved a case in the sort order
            self._sort_index()
        rows = self.index.apply(self.current_filter(), self.user_name)
        self.model.set_rows(rows, in_order=True)
        self.showing.setText(f"Showing {len(rows):,} of {len(self.index):,} cases")
        current = self._open_case()
        position = self.model.row_of(current) if current else None
        if position is not None:
            flags = QItemSelectionModel.SelectionFlag
            self.table.selectionModel().setCurrentIndex(
                self.model.index(position, 0), flags.ClearAndSelect | flags.Rows
            )

    # --- Moving between cases ---------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.case_chosen.emit(self.model.row_at(current.row()).id)

    def select(self, case_id: str) -> bool:
        """Select a case's row; False when the filters hide it."""
        position = self.model.row_of(case_id)
        if position is None:
            self.table.clearSelection()
            return False
        self.select_row(position)
        return True

    def current_case_id(self) -> str | None:
        """The case of the current row (the one the user moved to), if any."""
        current = self.table.currentIndex()
        return self.model.row_at(current.row()).id if current.isValid() else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def step(self, delta: int) -> None:
        """Move to the next (1) or previous (-1) case in the list as shown."""
        count = self.model.rowCount()
        if not count:
            return
        current = self.table.currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else count - 1)
        self.select_row(min(max(row, 0), count - 1))

    def focus_search(self) -> None:
        self.reveal_requested.emit()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def focus_table(self) -> None:
        self.reveal_requested.emit()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_first_match(self) -> None:
        if self.model.rowCount():
            self.select_row(0)
            self.table.setFocus()
