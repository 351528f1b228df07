"""View ▸ Follow-up: the recommendations, actions and a quarter's judgements shown from the
store, edits saved through the services (audited) and shown again because the panel follows
the window's change signal, and the menu entry in the window."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from db.engine import Store
from ui.followup_panel import FollowupView
from workbench.followup import plans, quarters
from workbench.followup import recommendations as recs
from workbench.services.inspections import create_inspection

RECOMMENDATIONS = """\
published = 2026-12-14
[[recommendation]]
number = 1
title = "Governance and oversight"
timeframe = "immediately"
text = "Put in place governance of child protection."
[[recommendation]]
number = 2
title = "Children who go missing"
timeframe = "within 3 months"
text = "Improve the response to children who go missing."
"""


@pytest.fixture
def view(qtbot, store: Store, tmp_path: Path) -> FollowupView:
    inspection = create_inspection(
        store, force="Testshire Police", title="Inspection", start=date(2026, 3, 2),
        end=date(2026, 3, 27),
    )  # fmt: skip
    path = tmp_path / "recs.toml"
    path.write_text(RECOMMENDATIONS, encoding="utf-8")
    recs.import_recommendations(store, inspection.id, path)
    quarters.assess(store, inspection.id, 1, 2, judgement="too_early", finding="Plan written.")
    from ui.main_window import MainWindow

    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    window.reload_inspections(inspection.id)
    window.show()
    window.actions["view.followup"].trigger()  # the panel as the window shows it, subscribed
    widget = window.docks["followup"].widget()
    assert isinstance(widget, FollowupView)
    widget.resize(900, 640)
    return widget


def test_the_tables_show_what_the_store_holds(qtmodeltester, view: FollowupView) -> None:
    for model in (view.rec_model, view.actions_model, view.quarter_model):
        qtmodeltester.check(model)
    cells = [[view.rec_model.text(r, c) for c in range(5)] for r in range(2)]
    assert cells == [
        ["1", "immediately", "14/12/2026", "Governance and oversight", ""],
        ["2", "within three months", "14/03/2027", "Children who go missing", ""],
    ]
    assert view.quarter_model.text(1, 2) == "Too early to assess"
    assert view.quarter_model.text(0, 2) == "Not yet assessed"


def test_editing_a_recommendation_and_a_judgement_saves_them(
    view: FollowupView, store: Store
) -> None:
    view.rec_table.selectRow(1)
    view.rec_title.setText("Children who go missing from home")
    view.rec_discharged.setValue(2)
    view.rec_reason.setText("Done and tested.")
    view.save_recommendation()

    saved = recs.list_recommendations(store, view.inspection_id)[1]
    assert (saved.title, saved.discharged_quarter, saved.discharged_reason) == (
        "Children who go missing from home", 2, "Done and tested.",
    )  # fmt: skip
    assert view.status.text() == "Recommendation 2 saved."
    assert view.rec_model.text(1, 4) == "quarter 2"
    view.tabs.setCurrentIndex(2)
    view.quarter_table.selectRow(0)
    view.judgement.setCurrentIndex(view.judgement.findData("some_progress"))
    view.finding.setPlainText("A board now meets.")
    view.save_judgement()

    chosen = quarters.chosen_assessments(store, view.inspection_id)[(1, 1)]
    assert (chosen.judgement, chosen.finding) == ("some_progress", "A board now meets.")
    assert view.quarter_model.text(0, 2) == "Some progress"


def test_a_bad_timeframe_is_refused_with_a_message(
    view: FollowupView, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("ui.followup_panel.show_error", lambda _parent, exc: shown.append(str(exc)))
    view.rec_table.selectRow(0)
    view.rec_timeframe.setText("soonish")
    view.save_recommendation()

    assert shown and "'soonish' is not a timeframe" in shown[0]
    assert recs.list_recommendations(store, view.inspection_id)[0].timeframe.words == "immediately"


def test_a_return_is_imported_from_the_plans_tab(
    view: FollowupView, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    view.export_template(str(path))
    book = openpyxl.load_workbook(path)
    for column, value in enumerate(["Plan A", 1, "Governance", "Set up a board", "ACC"], 2):
        book["Actions"].cell(2, column, value)
    book["Actions"].cell(2, 8, "Planned")
    book.save(path)
    view.import_return(str(path))

    assert view.status.text().startswith("Action plans: 1 added, 0 changed, 0 removed.")
    assert view.actions_model.text(0, 5) == "Set up a board"
    assert view.actions_model.text(0, 3) == "Planned"
    assert len(plans.list_actions(store, view.inspection_id)) == 1
    view.tabs.setCurrentIndex(1)
    view.grab().save(str(tmp_path / "followup.png"))


def test_the_window_opens_the_follow_up_from_the_view_menu(
    qtbot, store: Store, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QDockWidget

    from ui.main_window import MainWindow

    first, second = (
        create_inspection(store, force="Testshire Police", title=title, start=date(2026, 3, 2),
                          end=date(2026, 3, 27))
        for title in ("First inspection", "Second inspection")
    )  # fmt: skip
    window = MainWindow(store, "Alex Inspector")
    window.reload_inspections(first.id)
    qtbot.addWidget(window)
    window.show()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.actions["view.followup"] in view_menu.actions()

    window.actions["view.followup"].trigger()

    dock = window.findChild(QDockWidget, "followupDock")
    assert dock.isVisible() and isinstance(dock.widget(), FollowupView)
    assert dock.widget().rec_model.rowCount() == 0
    path = tmp_path / "recs.toml"
    path.write_text(RECOMMENDATIONS, encoding="utf-8")
    recs.import_recommendations(store, second.id, path)
    window.reload_inspections(first.id)
    window.inspection_combo.setCurrentIndex(window.inspection_combo.findData(second.id))

    assert dock.widget().inspection_id == second.id
    assert dock.widget().rec_model.rowCount() == 2


def test_evidence_is_added_from_the_quarters_tab(
    qtbot, view: FollowupView, store: Store, tmp_path: Path
) -> None:
    document = tmp_path / "minutes.pdf"
    document.write_bytes(b"%PDF-1.4 minutes")
    view.quarter_table.selectRow(1)
    dialog = view.add_evidence()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("audit"))
    dialog.figures.setPlainText("cases audited = 40\nreturned = nothing")
    dialog.save()

    assert dialog.isVisible()  # refused: nothing saved, the problems said under the fields
    assert not dialog.errors[dialog.title].isHidden()
    assert "'returned = nothing' is not 'name = number'" in dialog.errors[dialog.figures].text()
    dialog.title.setText("The force's audit")
    dialog.figures.setPlainText("cases audited = 40; returned = 12")
    dialog.file.setText(str(document))
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()

    [item] = quarters.chosen_assessments(store, view.inspection_id)[(2, 1)].evidence
    assert (item.kind, item.figures) == ("audit", {"cases audited": 40, "returned": 12})
    assert item.sha256 is not None
    assert view.quarter_model.text(1, 3) == "1"
