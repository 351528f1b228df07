"""Table models for referrals: the register of every referral, and one referral's history.

Both are thin read-only adapters over ``workbench.services.referrals.ReferralRow``; words come
from the inspection's methodology (urgency and response names), dates are shown 29/11/2026.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from workbench.dates import short_date
from workbench.methodology import Methodology
from workbench.services.referrals import CLOSED, ReferralRow

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


def shown_day(moment: datetime | None) -> str:
    """29/11/2026 on the UK calendar (empty when unknown)."""
    return short_date(moment, "")


def _name(lookup, key: str) -> str:
    try:
        return lookup(key).name
    except KeyError:
        return key


def state_text(row: ReferralRow, method: Methodology, today: date | None = None) -> str:
    """Open / closed in words, and whether the force's first response is overdue."""
    if row.status == CLOSED:
        return f"Closed on {shown_day(row.closed_at)}"
    if not row.responses:
        try:
            allowed = method.urgency(row.urgency).respond_within_days
        except KeyError:
            allowed = None
        if allowed is not None and row.age_days(today) > allowed:
            return "Open: response overdue"
    return "Open"


def last_response_text(row: ReferralRow, method: Methodology) -> str:
    if not row.responses:
        return "None yet"
    response, _note, when, _by = row.responses[-1]
    return f"{_name(method.response, response)}, {shown_day(when)}"


class _ReadOnlyTable(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def _valid(self, index: _Index) -> bool:
        return index.isValid() and 0 <= index.row() < len(self._rows)


class ReferralsModel(_ReadOnlyTable):
    """Every referral of an inspection: one row each, sortable by any column."""

    headers = (
        "Case",
        "Unit",
        "Urgency",
        "Referred on",
        "State",
        "Age (days)",
        "Last response",
    )
    AGE = 5

    def __init__(self, method: Methodology, rows: Sequence[ReferralRow] = (), parent=None) -> None:
        super().__init__(parent)
        self.method = method
        self._rows: list[ReferralRow] = list(rows)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[ReferralRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._rows.sort(key=lambda r: self._key(r, self._sort[0]))
            if self._sort[1] == Qt.SortOrder.DescendingOrder:
                self._rows.reverse()
        self.endResetModel()

    def referral(self, row: int) -> ReferralRow:
        return self._rows[row]

    def row_of(self, referral_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == referral_id), -1)

    def _display(self, row: ReferralRow, column: int) -> str:
        if column == 0:
            return row.case_reference
        if column == 1:
            return row.unit
        if column == 2:
            return _name(self.method.urgency, row.urgency)
        if column == 3:
            return shown_day(row.referred_at)
        if column == 4:
            return state_text(row, self.method)
        if column == self.AGE:
            return str(row.age_days())
        return last_response_text(row, self.method)

    def _key(self, row: ReferralRow, column: int) -> object:
        if column == 2:
            urgencies = [u.id for u in self.method.urgencies]
            return urgencies.index(row.urgency) if row.urgency in urgencies else len(urgencies)
        if column == 3:
            return row.referred_at
        if column == self.AGE:
            return row.age_days()
        if column == 6:
            return (1, row.responses[-1][2]) if row.responses else (0, row.referred_at)
        return self._display(row, column).casefold()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self._valid(index):
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.risk_summary
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in before]
        self._rows.sort(key=lambda r: self._key(r, column))
        if order == Qt.SortOrder.DescendingOrder:
            self._rows.reverse()
        after = [
            self.index(self.row_of(i), old.column()) for i, old in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class ResponsesModel(_ReadOnlyTable):
    """The force's responses to one referral, oldest first."""

    headers = ("Date", "Response", "Recorded by", "Note")

    def __init__(self, method: Methodology, row: ReferralRow | None = None, parent=None) -> None:
        super().__init__(parent)
        self.method = method
        self._rows: list[tuple[str, str, datetime, str]] = list(row.responses if row else ())

    def set_referral(self, row: ReferralRow) -> None:
        self.beginResetModel()
        self._rows = list(row.responses)
        self.endResetModel()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self._valid(index):
            return None
        response, note, when, by = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (shown_day(when), _name(self.method.response, response), by, note)[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole and note:
            return note
        return None
