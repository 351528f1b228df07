"""The Dashboard view: the lead's fieldwork at a glance, from ``workbench.services.dashboard``.

Each panel is a small bar chart (``ui.charts``, painted with QPainter) with its numbers
beside it as text, so nothing is told by colour or shape alone and a screen reader reads
every figure. ``refresh()`` reads the dashboard; in the window it follows the change signal
(``DASHBOARD_TOPICS``) with ``refresh_soon()``, which reads it on a worker thread, so a grade
saved, a moderation recorded, a pack merged, a referral raised, a case assigned or a kit
issued shows within a moment without the window waiting for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from db.engine import Store
from ui.charts import BarChart, ChartData, Line, Series
from ui.style import grade_name
from ui.worker import run_task
from workbench.changes import Topic
from workbench.dates import short_date
from workbench.methodology import Methodology
from workbench.services.dashboard import Dashboard, dashboard
from workbench.services.inspections import inspection_methodology

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# What the dashboard shows: a change to any of these reads it again.
DASHBOARD_TOPICS = (
    Topic.CASES,
    Topic.ASSESSMENTS,
    Topic.MODERATION,
    Topic.REFERRALS,
    Topic.IMPORTS,
    Topic.KITS,
)
GRADED, IN_PROGRESS, NOT_STARTED = "#2E7D32", "#F9A825", "#BDBDBD"
OPEN, OVERDUE, EXPECTED = "#1565C0", "#C62828", "#616161"
UNRESOLVED = "#7B1FA2"
WIDE_PANEL = 560  # pixels: narrower, a panel's figures go beneath its chart
NO_PROGRESS_DIALOG = 24 * 3600 * 1000  # ms: a refresh never puts up a progress dialog


def _text(lines: Sequence[str]) -> str:
    return "<br>".join(lines)


class _Panel(QGroupBox):
    """A chart with its figures as text beside it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.plot = BarChart(title)
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.figures.setAccessibleName(f"{title}: the figures")
        self.figures.setWordWrap(True)
        self.figures.setMinimumWidth(220)
        self.figures.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.addWidget(self.plot, 3)
        self.box.addWidget(self.figures, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Figures beside the chart when there is room, else beneath it."""
        wide = event.size().width() >= WIDE_PANEL
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
        super().resizeEvent(event)


class _InspectorCharts(QGroupBox):
    """A small chart per inspector: cases graded each day (bars) and graded by then (line)
    against the cases assigned to them (dashes), over the fieldwork; each with its figures
    as a caption."""

    CELL_WIDTH = 260  # pixels: as many charts side by side as fit, at most four

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Each inspector: graded per day, against their cases", parent)
        outer = QVBoxLayout(self)
        key = QLabel("Bars: graded each day; line: graded by then; dashes: cases assigned.")
        key.setWordWrap(True)
        outer.addWidget(key)
        self.grid = QGridLayout()
        outer.addLayout(self.grid)
        self.grid.setHorizontalSpacing(12)
        self.charts: dict[str, tuple[QLabel, BarChart]] = {}
        self.boxes: list[QWidget] = []
        self.columns = 4

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        columns = max(1, min(4, event.size().width() // self.CELL_WIDTH))
        if columns != self.columns:
            self.columns = columns
            for at, box in enumerate(self.boxes):
                self.grid.removeWidget(box)
                self.grid.addWidget(box, at // columns, at % columns)
        super().resizeEvent(event)

    def _cell(self, name: str) -> tuple[QLabel, BarChart]:
        caption = QLabel()
        caption.setWordWrap(True)
        caption.setAccessibleName(f"{name}: the figures")
        chart = BarChart(f"{name}: graded per day", height=96)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(caption)
        column.addWidget(chart)
        at = len(self.boxes)
        self.grid.addWidget(box, at // self.columns, at % self.columns)
        self.boxes.append(box)
        self.charts[name] = caption, chart
        return caption, chart

    def show_board(self, board: Dashboard) -> None:
        names = [p.inspector for p in board.inspectors]
        if list(self.charts) != names:  # someone new (or gone): lay the grid out again
            for box in self.boxes:
                self.grid.removeWidget(box)
                box.deleteLater()
            self.charts, self.boxes = {}, []
        days = [d[0] for d in board.team_per_day]
        for person in board.inspectors:
            caption, chart = self.charts.get(person.inspector) or self._cell(person.inspector)
            per_day = [person.graded_per_day.get(day, 0) for day in days]
            running = [sum(per_day[: n + 1]) for n in range(len(per_day))]
            chart.set_data(
                ChartData(
                    labels=[f"{day:%d/%m}" for day in days],
                    series=[Series("graded that day", per_day, GRADED)],
                    lines=[Line(running, GRADED), Line([person.assigned] * len(days),
                                                       EXPECTED, dashed=True)],
                    label_every=max(1, len(days) // 3),
                )
            )  # fmt: skip
            share = f" ({person.graded * 100 // person.assigned}%)" if person.assigned else ""
            caption.setText(
                f"<b>{person.inspector}</b>: {person.graded} of {person.assigned} "
                f"graded{share}, {person.in_progress} in progress"
            )


class DashboardView(QWidget):
    """Progress, referrals, moderation, packs, findings and time per case for one inspection."""

    def __init__(self, store: Store, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.inspection_id = store, inspection_id
        self.method: Methodology = inspection_methodology(store, inspection_id)
        self.board: Dashboard | None = None
        self._reading = self._again = False  # a read on the worker thread; another due
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("Fieldwork so far")
        self.progress = _Panel("Progress by inspector")
        self.daily = _Panel("The team's cases graded, against the fieldwork")
        self.referrals = _Panel("Referrals still open, by urgency")
        self.findings = _Panel("Findings so far: overall grades")
        self.each = _InspectorCharts()
        self.team = QLabel()
        self.team.setTextFormat(Qt.TextFormat.RichText)
        self.team.setAccessibleName("Moderation, packs received and time per case")
        self.team.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.team.setWordWrap(True)
        team_box = QGroupBox("Moderation, packs and time per case")
        QVBoxLayout(team_box).addWidget(self.team)
        grid = QGridLayout()
        grid.addWidget(self.progress, 0, 0)
        grid.addWidget(self.daily, 0, 1)
        grid.addWidget(self.findings, 1, 0)
        grid.addWidget(self.referrals, 1, 1)
        grid.addWidget(self.each, 2, 0, 1, 2)
        grid.addWidget(team_box, 3, 0, 1, 2)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.headline)
        inner.addLayout(grid)
        inner.addStretch(1)
        scroll = QScrollArea()  # a small window scrolls rather than squeezing the charts
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.refresh()

    def refresh(self) -> None:
        """Read the dashboard now (when it is first shown)."""
        self.show_board(dashboard(self.store, self.inspection_id))

    def refresh_soon(self) -> None:
        """After a change: read the dashboard on a worker thread (``ui.worker``), so the
        window never waits for it; changes that arrive while it is read are gathered into one
        more read, so a burst of them (a pack merged, a row of grades) costs two at most."""
        if self._reading:
            self._again = True
            return
        self._reading, self._again = True, False
        store, inspection_id = self.store, self.inspection_id
        run_task(
            self, "Reading the dashboard", lambda _progress: dashboard(store, inspection_id),
            self._read, self._not_read, delay_ms=NO_PROGRESS_DIALOG,
        )  # fmt: skip

    def _read(self, board: Dashboard) -> None:
        self._reading = False
        self.show_board(board)
        if self._again:
            self.refresh_soon()

    def _not_read(self, error: BaseException) -> None:
        self._reading = False
        self.headline.setText(f"The dashboard could not be read again: {error}")

    def show_board(self, board: Dashboard) -> None:
        self.board = board
        summary = board.summary
        start, end = board.fieldwork
        self.headline.setText(
            f"<b>{summary['inspection']['title']}</b>: fieldwork {short_date(start)} to "
            f"{short_date(end)}. {summary['graded']:,} of {summary['cases']:,} cases graded, "
            f"{summary['in_progress']:,} in progress, {summary['not_started']:,} not started."
        )
        self._progress(board)
        self.each.show_board(board)
        self._daily(board)
        self._findings(board)
        self._referrals(board)
        self._team(board)

    def _progress(self, board: Dashboard) -> None:
        panel = self.progress
        people = board.inspectors
        panel.plot.set_height(max(170, 20 * len(people) + 30))  # a readable row each
        panel.plot.set_data(
            ChartData(
                labels=[p.inspector for p in people],
                series=[
                    Series("graded", [p.graded for p in people], GRADED),
                    Series("in progress", [p.in_progress for p in people], IN_PROGRESS),
                    Series("not started", [p.not_started for p in people], NOT_STARTED),
                ],
                stacked=True,
                horizontal=True,
            )
        )
        lines = ["<b>Graded / in progress / not started</b> (of assigned)"]
        for p in people:
            today = max(p.graded_per_day.items(), default=None)
            last = f"; {today[1]} on {short_date(today[0])}" if today else ""
            lines.append(
                f"{p.inspector}: {p.graded} / {p.in_progress} / {p.not_started} "
                f"(of {p.assigned}){last}"
            )
        panel.figures.setText(_text(lines))

    def _daily(self, board: Dashboard) -> None:
        panel = self.daily
        days = board.team_per_day
        expected = [board.expected_per_day * (n + 1) for n in range(len(days))]
        panel.plot.set_data(
            ChartData(
                labels=[f"{d[0]:%d/%m}" for d in days],
                series=[Series("graded that day", [d[1] for d in days], GRADED)],
                lines=[Line([d[2] for d in days], GRADED), Line(expected, EXPECTED, dashed=True)],
                label_every=max(1, len(days) // 5),
            )
        )
        busiest = max(days, key=lambda d: d[1], default=None)
        lines = [
            f"<b>{days[-1][2]:,} cases graded</b> by {short_date(days[-1][0])}" if days else "",
            f"Bars: graded each day; line: graded by then; dashes: {board.expected_per_day:g} a "
            "day, the sample spread evenly over the fieldwork.",
        ]
        if busiest and busiest[1]:
            lines.append(f"Most in a day: {busiest[1]} on {short_date(busiest[0])}.")
        panel.figures.setText(_text(lines))

    def _findings(self, board: Dashboard) -> None:
        panel = self.findings
        overall = board.summary["overall"]
        keys = [*self.method.grade_ids, "unresolved"]
        names = [grade_name(self.method, k) if k != "unresolved" else "Unresolved" for k in keys]
        colours = [self.method.grade(k).colour for k in self.method.grade_ids] + [UNRESOLVED]
        heights = [overall[k] for k in keys]
        # One series per grade, each with its value in its own slot: a colour per bar.
        series = [
            Series(name, [h if n == m else 0 for m in range(len(keys))], colour)
            for n, (name, h, colour) in enumerate(zip(names, heights, colours, strict=True))
        ]
        labels = [name.replace("improvement", "impr.") for name in names]
        panel.plot.set_data(ChartData(labels=labels, series=series, stacked=True))
        graded = board.summary["graded"]
        lines = [f"<b>{graded:,} cases graded</b>"]
        lines += [f"{name}: {n:,}" for name, n in zip(names, heights, strict=True)]
        bad = overall[f"percent_{self.method.below_best_key}"]  # the scale's grades below best
        if bad is not None:
            lines.append(f"{bad} percent {self.method.below_best_words}.")
        panel.figures.setText(_text(lines))

    def _referrals(self, board: Dashboard) -> None:
        panel = self.referrals
        rows = board.referrals
        panel.plot.set_data(
            ChartData(
                labels=[r.name for r in rows],
                series=[
                    Series("open", [r.open for r in rows], OPEN),
                    Series("overdue", [r.overdue for r in rows], OVERDUE),
                ],
            )
        )
        lines = ["<b>Open / of them overdue</b> (blue / red)"]
        lines += [f"{r.name}: {r.open} / {r.overdue}" for r in rows]
        panel.figures.setText(_text(lines))

    def _team(self, board: Dashboard) -> None:
        cells = ["<table cellspacing=0 cellpadding=3>",
                 "<tr><th align=left>Inspector</th><th align=left>Last pack received</th>"
                 "<th align=right>Median minutes per case</th></tr>"]  # fmt: skip
        for p in board.inspectors:
            pack = short_date(p.last_pack) + f" {p.last_pack:%H:%M}" if p.last_pack else "None yet"
            minutes = f"{p.median_minutes:g}" if p.median_minutes is not None else "–"
            cells.append(f"<tr><td>{p.inspector}</td><td>{pack}</td>"
                         f"<td align=right>{minutes}</td></tr>")  # fmt: skip
        cells.append("</table>")
        for kit in board.kits:
            state = (
                f"out of date: {kit.to_add} to add, {kit.to_withdraw} to withdraw; issue an "
                "update kit"
                if kit.out_of_date
                else "up to date"
            )
            cells.append(
                f"Kit issued to {kit.inspector} on {short_date(kit.issued_at)} "
                f"({kit.in_kit} cases; {kit.assigned_now} assigned now): {state}.<br>"
            )
        by_category = ", ".join(
            f"{self.method.category_name(k)} {v:g}" for k, v in board.minutes_by_category.items()
        )
        categories = "; ".join(
            f"{entry['name']} {entry['graded']} of {entry['cases']}"
            for entry in board.summary["by_category"].values()
        )
        cells.append(f"<p><b>Graded by category</b> (of the cases sampled): {categories}.</p>")
        waiting = board.awaiting_moderation
        self.team.setText(
            f"<b>{waiting} case{'s' if waiting != 1 else ''} awaiting moderation</b> (graded "
            "differently by two inspectors). "
            + "".join(cells)
            + (f"Median active minutes per case by category: {by_category}." if by_category else "")
        )


def show_dashboard(window: MainWindow, *, front: bool = True) -> None:
    """View ▸ Dashboard, in a dock beside the case list that follows the inspection shown
    (its tab brought to the front unless ``front`` is False)."""

    def make(inspection_id: str) -> DashboardView:
        view = DashboardView(window.active_store(), inspection_id)
        window.changes.follow(view, view.refresh_soon, *DASHBOARD_TOPICS)
        return view

    window.show_dock(
        "dashboard", "Dashboard", make, Qt.DockWidgetArea.RightDockWidgetArea, front=front
    )


def show_dashboard_for_lead(window: MainWindow, *, front: bool = True) -> None:
    """The lead's default: the dashboard opens by itself when the store holds the private key
    of the inspection shown (in front unless ``front`` is False)."""
    from workbench.packs import key_report

    if window.inspection is None:
        return
    if key_report(window.active_store(), window.inspection.id).holds_private_key:
        show_dashboard(window, front=front)
