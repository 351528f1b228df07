"""The national view for analysts: figures across every inspection in the store, by force
and year, with a chart of the share requiring improvement or inadequate and each force's
change from its baseline inspection to its re-inspection.

Read only: it calls ``workbench.server.national`` and writes nothing, so an analyst's
read-only login on a server can use it. Shares are shown as words and numbers as well as
bars, never by colour alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.dialogs import read_only_table
from ui.table_model import RIGHT, ReadOnlyTableModel
from workbench.changes import Topic
from workbench.server.national import NationalSummary, national_summary

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# What the national figures are made of: a change to any of these redraws an open view.
NATIONAL_TOPICS = (
    Topic.INSPECTIONS, Topic.CASES, Topic.ASSESSMENTS, Topic.REFERRALS, Topic.MODERATION,
    Topic.FOLLOWUP,
)  # fmt: skip

ALL_FORCES = "All forces"
BAR = QColor("#B45309")


def _share(value: Any) -> str:
    return "–" if value is None or value != value else f"{int(float(value) * 100 + 0.5)}%"


def _number(value: Any, places: int = 0) -> str:
    if value is None or value != value:
        return "–"
    return f"{float(value):.{places}f}" if places else str(int(value))


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class ForceYearModel(ReadOnlyTableModel):
    headers = ("Force", "Year", "Inspections", "Graded", "Requires improvement or inadequate",
               "Share", "Referrals", "Median days to response", "Agreement with force")  # fmt: skip

    def text(self, row: int, column: int) -> str:
        r = self.rows[row]
        cells = (
            r["force"], str(r["year"]), _number(r["inspections"]), _number(r["graded"]),
            _number(r["requires_improvement_or_inadequate"]), _share(r["share"]),
            _number(r["referrals"]), _number(r["median_days_to_first_response"], 1),
            _share(r["agreement"]),
        )  # fmt: skip
        return cells[column]

    def role_data(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 1:
            return RIGHT
        return None


class BaselineModel(ReadOnlyTableModel):
    headers = ("Force", "Baseline", "Share then", "Re-inspection", "Share now", "Change",
               "Paired by")  # fmt: skip

    def text(self, row: int, column: int) -> str:
        r = self.rows[row]
        change = r["change_points"]
        cells = (
            r["force"], f"{r['baseline']} ({r['baseline_year']})", _share(r["baseline_share"]),
            f"{r['reinspection']} ({r['reinspection_year']})", _share(r["reinspection_share"]),
            "–" if change is None else f"{change:+.1f} points", r["pairing"],
        )  # fmt: skip
        return cells[column]


class ShareChart(QWidget):
    """Horizontal bars: each force and year's share requiring improvement or inadequate,
    labelled with the force, the year and the percentage."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, float]] = []
        self.setAccessibleName("Share requiring improvement or inadequate, by force and year")
        self.setMinimumHeight(120)

    def set_bars(self, bars: list[tuple[str, float]]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(120, 22 * len(bars) + 10))
        self.setAccessibleDescription("; ".join(f"{n}: {_share(v)}" for n, v in bars))
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        label_width = min(self.width() // 2, 320)
        for n, (name, value) in enumerate(self.bars):
            top = 5 + n * 22
            painter.setPen(text)
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(0, top, label_width - 8, 18), right, name)
            width = (self.width() - label_width - 60) * (value if value == value else 0)
            painter.fillRect(QRectF(label_width, top + 2, max(width, 1), 14), BAR)
            painter.drawText(QRectF(label_width + width + 6, top, 54, 18),
                             Qt.AlignmentFlag.AlignVCenter, _share(value))  # fmt: skip
        painter.end()


class NationalView(QDialog):
    """Every inspection in the store, from a year on, for one force or all."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("National summary")
        self.since = QSpinBox()
        self.since.setAccessibleName("From the year")
        self.since.setRange(1990, 2100)
        self.since.setSpecialValueText("Every year")
        self.since.setMinimum(1999)
        self.since.setValue(1999)  # the special value: every year
        self.force = QComboBox()
        self.force.setAccessibleName("Force")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.years = ForceYearModel(parent=self)
        self.years_view = read_only_table("Figures by force and year")
        self.years_view.setModel(self.years)
        self.chart = ShareChart()
        self.baselines = BaselineModel(parent=self)
        self.baselines_view = read_only_table("Baseline to re-inspection")
        self.baselines_view.setModel(self.baselines)
        self.pairing = QLabel()
        self.pairing.setWordWrap(True)
        self._layout()
        self.refresh()
        self.since.valueChanged.connect(self.refresh)
        self.force.currentIndexChanged.connect(self.refresh)

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(_label("&From:", self.since))
        filters.addWidget(self.since)
        filters.addWidget(_label("F&orce:", self.force))
        filters.addWidget(self.force, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.heading)
        layout.addWidget(self.years_view, 2)
        layout.addWidget(QLabel("Share of graded cases requiring improvement or inadequate"))
        layout.addWidget(self.chart)
        layout.addWidget(QLabel("Baseline to re-inspection"))
        layout.addWidget(self.baselines_view, 1)
        layout.addWidget(self.pairing)
        self.resize(1100, 700)

    def refresh(self) -> None:
        since = None if self.since.value() == self.since.minimum() else self.since.value()
        chosen = self.force.currentText()
        found = national_summary(self.store, since=since, force=None)
        forces = sorted(set(found.by_force_year["force"])) if found.inspections else []
        if chosen and chosen != ALL_FORCES and chosen in forces:
            found = national_summary(self.store, since=since, force=chosen)
        self._fill_forces(forces, chosen)
        self.show_summary(found)

    def _fill_forces(self, forces: list[str], chosen: str) -> None:
        self.force.blockSignals(True)
        self.force.clear()
        self.force.addItems([ALL_FORCES, *forces])
        self.force.setCurrentText(chosen if chosen in forces else ALL_FORCES)
        self.force.blockSignals(False)

    def show_summary(self, found: NationalSummary) -> None:
        marking = " / ".join(found.markings)
        words = f"{found.inspections} inspection{'s' if found.inspections != 1 else ''}"
        if found.fictional_left_out:
            words += f" ({found.fictional_left_out} fictional left out)"
        self.heading.setText(f"{marking}\n{words}" if marking else words)
        rows = found.by_force_year.to_dict("records")
        self.years.set_rows(rows)
        self.chart.set_bars([(f"{r['force']} {r['year']}", r["share"]) for r in rows])
        self.baselines.set_rows(found.baseline_changes.to_dict("records"))
        self.pairing.setText(
            "A re-inspection is set beside the baseline its follow-up records; a force with "
            "no recorded baseline has its earliest inspection taken as the baseline of its "
            "latest (shown as 'earliest and latest')."
        )
        self.years_view.resizeColumnsToContents()
        self.baselines_view.resizeColumnsToContents()


def show_national_summary(parent: QWidget, store: Store | None) -> NationalView | None:
    """Open the national view over the window's store (none before a store is open)."""
    if store is None:
        return None
    view = NationalView(store, parent)
    view.show()
    return view


def show_national(window: MainWindow) -> None:
    """View ▸ National summary: the window's store, kept up to date as the window changes it."""
    view = show_national_summary(window, window.active_store())
    if view is not None:
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # and its change subscription
        window.changes.follow(view, view.refresh, *NATIONAL_TOPICS)
