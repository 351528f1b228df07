"""The national view: the figures by force and year, a chart, and baseline to re-inspection,
narrowed by year and force; what an analyst reads in the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from db.engine import Store
from db.models import Case
from ui.national_view import NationalView
from workbench import fields
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.inspections import create_inspection

ME = "Alex Inspector"


def _graded(store: Store, force: str, year: int, grades: list[str]) -> None:
    inspection = create_inspection(
        store, force=force, title=f"{force} {year}", start=date(year, 3, 2), end=date(year, 3, 27)
    )
    method = load_methodology()
    with store.sessions.begin() as session:
        rows = [Case(inspection_id=inspection.id, reference=f"R{n}", category="section_47",
                     methodology_version="1.0") for n in range(len(grades))]  # fmt: skip
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows]
    for case_id, overall in zip(ids, grades, strict=True):
        for stage in method.stages_for("section_47"):
            grading.edit(store, case_id, ME, fields.stage_grade(stage.id), overall)
        grading.edit(store, case_id, ME, "overall_grade", overall)
        grading.edit(store, case_id, ME, "rationale", "Seen.")
        grading.mark_graded(store, case_id, ME)


def test_the_national_view_shows_each_force_and_year_and_the_change(
    qtbot, qtmodeltester, store: Store, tmp_path: Path
) -> None:
    _graded(store, "Northshire Police", 2024, ["inadequate", "requires_improvement", "good"])
    _graded(store, "Northshire Police", 2026, ["good", "requires_improvement"])
    _graded(store, "Southshire Police", 2025, ["good"])
    view = NationalView(store)
    qtbot.addWidget(view)
    view.show()
    qtmodeltester.check(view.years)
    qtmodeltester.check(view.baselines)

    assert view.heading.text() == "OFFICIAL-SENSITIVE\n3 inspections"
    rows = [[view.years.index(r, c).data() for c in range(9)] for r in range(3)]
    assert rows[0] == ["Northshire Police", "2024", "1", "3", "2", "67%", "–", "–", "–"]
    assert rows[1][:6] == ["Northshire Police", "2026", "1", "2", "1", "50%"]
    assert view.years.index(0, 5).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert view.chart.accessibleDescription() == (
        "Northshire Police 2024: 67%; Northshire Police 2026: 50%; Southshire Police 2025: 0%"
    )
    change = [view.baselines.index(0, c).data() for c in range(6)]
    assert change == ["Northshire Police", "Northshire Police 2024 (2024)", "67%",
                      "Northshire Police 2026 (2026)", "50%", "-16.7 points"]  # fmt: skip

    view.since.setValue(2025)
    assert view.years.rowCount() == 2 and view.baselines.rowCount() == 0
    view.force.setCurrentText("Southshire Police")
    assert [view.years.index(0, c).data() for c in range(2)] == ["Southshire Police", "2025"]
    assert view.heading.text().endswith("1 inspection")
    view.grab().save(str(tmp_path / "national.png"))


def test_view_national_summary_opens_from_the_window_and_follows_a_recorded_baseline(
    qtbot, store: Store
) -> None:
    from sqlalchemy import select

    from db.models import Inspection
    from ui.main_window import MainWindow
    from workbench.followup.recommendations import set_baseline

    _graded(store, "Northshire Police", 2024, ["inadequate", "good"])
    _graded(store, "Northshire Police", 2025, ["requires_improvement", "good"])
    _graded(store, "Northshire Police", 2026, ["good", "good"])
    window = MainWindow(store, ME)
    qtbot.addWidget(window)
    window.reload_inspections()
    window.show()
    action = window.actions["view.national"]
    assert action.isEnabled() and action.text() == "&National summary"
    action.trigger()
    [view] = window.findChildren(NationalView)
    assert [view.baselines.text(0, c) for c in (1, 6)] == [
        "Northshire Police 2024 (2024)", "earliest and latest",
    ]  # fmt: skip

    with store.sessions() as session:
        ids = dict(session.execute(select(Inspection.title, Inspection.id)).all())
    set_baseline(store, ids["Northshire Police 2026"], ids["Northshire Police 2025"])
    qtbot.waitUntil(lambda: view.baselines.text(0, 6) == "recorded baseline")
    assert view.baselines.text(0, 1) == "Northshire Police 2025 (2025)"
    assert view.baselines.text(0, 5) == "-50.0 points"  # 50% requiring improvement to none
