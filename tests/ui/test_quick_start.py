"""The case list shown before the store is opened: the rows the store gives, kept (not reset)
with the case chosen when the store attaches, nothing editable until then; stores out of the
ordinary opened the normal way, and a wrong passphrase asked again as before."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from dialog_helpers import answer_dialogs
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget
from sqlalchemy import text

from db.engine import Store
from db.models import Case
from ui import app, quick_start
from ui.dialogs.store_passphrase import PassphraseAsker, StorePassphraseDialog, open_store_asking
from ui.main_window import MainWindow
from workbench.identity import set_user_name
from workbench.methodology import load_methodology
from workbench.packs import create_inspection_keys
from workbench.services import grading
from workbench.services.caselist import case_detail, case_rows
from workbench.services.inspections import create_inspection
from workbench.store import open_workbench_store

PASSPHRASE = os.environ["WORKBENCH_STORE_PASSPHRASE"]
LEAD = "Lee Lead"
REFERENCES = ("MPS-CP-4471", "MPS-CP-4472", "MPS-CP-4473", "MPS-CP-4474")
NEEDS_STORE = ("case.mark_graded", "case.referral", "file.import_cases", "file.new_inspection")


@dataclass
class Team:
    lead: Store
    inspection_id: str
    cases: dict[str, str]  # reference -> case id


def grade(store: Store, case_id: str, overall: str) -> None:
    for stage_id in case_detail(store, case_id).stage_ids:
        grading.edit(store, case_id, LEAD, f"stage:{stage_id}:grade", overall)
    grading.edit(store, case_id, LEAD, "overall_grade", overall)
    grading.edit(store, case_id, LEAD, "rationale", "The plan was followed.")
    grading.mark_graded(store, case_id, LEAD)


@pytest.fixture
def team(tmp_path: Path) -> Team:
    """A lead's store (a SQLite file holding the inspection's key), two of four cases graded."""
    lead = open_workbench_store(tmp_path / "lead.sqlite")  # the quick way reads files
    set_user_name(lead, LEAD)
    inspection = create_inspection(
        lead, force="Testshire Police", title="T", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )
    create_inspection_keys(lead, inspection.id, "correct horse battery staple")
    version = load_methodology().version
    with lead.sessions.begin() as session:
        rows = [
            Case(
                inspection_id=inspection.id,
                reference=reference,
                category="section_47",
                unit="North",
                assigned_to=LEAD,
                methodology_version=version,
            )
            for reference in reversed(REFERENCES)
        ]
        session.add_all(rows)
        session.flush()
        cases = {row.reference: row.id for row in rows}
    grade(lead, cases[REFERENCES[1]], "good")
    grade(lead, cases[REFERENCES[3]], "inadequate")
    yield Team(lead, inspection.id, cases)
    lead.close()


def shown_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_rows_listed_early_stay_with_the_case_chosen_when_the_store_attaches(qtbot, team):
    path = str(team.lead.path)
    window = shown_window(qtbot)
    asker = PassphraseAsker(window)

    assert quick_start.list_early(window, path, asker)

    early = window.model.rows()
    assert [row.reference for row in early] == list(REFERENCES)
    assert window.store is None and window.inspection is None and window.panel.case_id is None
    assert window.user_name == LEAD and window.cases.isEnabled()
    assert window.progress_text.text() == "2 of 4 graded" and window.progress_bar.isVisible()
    assert window.inspection_combo.currentData() == team.inspection_id
    assert not window.inspection_combo.isEnabled()
    assert window.panel.placeholder.text() == "Opening the store…"
    window.cases.search.setText("4473")  # the list can be searched while the store opens
    assert [row.reference for row in window.model.rows()] == [REFERENCES[2]]
    window.cases.search.clear()
    window.cases.select_row(2)  # and a case chosen: nothing to edit until the store is open
    assert window.panel.case_id is None
    assert not any(window.actions[name].isEnabled() for name in NEEDS_STORE)

    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    store = open_store_asking(window, path, asker)
    window.attach(store, LEAD)

    assert resets == []  # the rows stayed as they were: no reset, no flicker
    assert window.model.rows() == early == case_rows(store, team.inspection_id)
    assert window.cases.current_case_id() == early[2].id
    assert window.panel.case_id == early[2].id  # the case chosen is open to grade
    assert window.inspection is not None and window.inspection_combo.isEnabled()
    assert all(window.actions[name].isEnabled() for name in NEEDS_STORE)
    qtbot.waitUntil(lambda: "dashboard" in window.docks)  # the lead's dashboard, after
    store.close()


def test_without_a_choice_the_first_case_opens_once_attached(qtbot, team):
    path = str(team.lead.path)
    window = shown_window(qtbot)
    asker = PassphraseAsker(window)
    assert quick_start.list_early(window, path, asker)
    store = open_store_asking(window, path, asker)
    window.attach(store, LEAD)
    assert window.panel.case_id == team.cases[REFERENCES[0]]
    store.close()


def test_a_store_needing_an_update_is_opened_before_its_cases_are_listed(qtbot, team):
    with team.lead.sessions.begin() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0013_drafts'"))
    window = shown_window(qtbot)
    assert not quick_start.list_early(window, str(team.lead.path), PassphraseAsker(window))
    assert window.model.rowCount() == 0 and window.store is None


def test_a_first_run_store_is_opened_first_to_ask_the_name(qtbot, tmp_path):
    path = tmp_path / "store.sqlite"
    open_workbench_store(path).close()  # no name recorded yet
    window = shown_window(qtbot)
    assert not quick_start.list_early(window, str(path), PassphraseAsker(window))
    assert window.model.rowCount() == 0


def test_at_start_a_wrong_passphrase_is_asked_again_then_the_cases_listed(qtbot, team, monkeypatch):
    team.lead.close()
    monkeypatch.delenv("WORKBENCH_STORE_PASSPHRASE")
    seen: list[str] = []
    answer_dialogs(["not the passphrase at all", PASSPHRASE], seen)
    ended: list[int] = []

    startup = app.start(str(team.lead.path), ended.append)
    qtbot.addWidget(startup.window)
    qtbot.waitUntil(lambda: startup.window.inspection is not None, timeout=20_000)

    assert len(seen) == 2 and seen[0] == "" and "passphrase is wrong" in seen[1]
    assert [row.reference for row in startup.window.model.rows()] == list(REFERENCES)
    assert ended == []
    startup.close()


def test_at_start_a_declined_passphrase_ends_as_before(qtbot, team, monkeypatch):
    team.lead.close()
    monkeypatch.delenv("WORKBENCH_STORE_PASSPHRASE")
    shown: list[str] = []
    monkeypatch.setattr(app, "show_error", lambda parent, exc, wait=False: shown.append(str(exc)))
    monkeypatch.setattr(StorePassphraseDialog, "exec", lambda dialog: dialog.reject() or 0)
    ended: list[int] = []

    startup = app.start(str(team.lead.path), ended.append)
    qtbot.addWidget(startup.window)
    qtbot.waitUntil(lambda: ended == [1])

    assert shown == ["No store passphrase was given; the store was not opened."]
    assert startup.window.model.rowCount() == 0
    startup.close()


class Paints(QObject):
    """Counts a widget's paint events."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_lead_s_dashboard_is_built_once_the_case_list_has_been_painted(
    qtbot, team, monkeypatch
):
    import ui.dashboard_view

    built_after: list[int] = []
    real = ui.dashboard_view.show_dashboard_for_lead

    def watched(window: MainWindow, **how: bool) -> None:
        built_after.append(list_paints.count)
        real(window, **how)

    monkeypatch.setattr(ui.dashboard_view, "show_dashboard_for_lead", watched)
    window = MainWindow(team.lead, LEAD)
    qtbot.addWidget(window)
    list_paints = Paints(window.table.viewport())
    assert window.model.rowCount() == 4 and "dashboard" not in window.docks

    window.show()
    qtbot.waitUntil(lambda: "dashboard" in window.docks)

    assert len(built_after) == 1 and built_after[0] > 0
    assert window.views.currentWidget() is window.docks["dashboard"]  # in front, as before


def test_a_case_opened_before_the_lead_s_dashboard_is_built_stays_in_front(qtbot, team):
    window = MainWindow(team.lead, LEAD)
    qtbot.addWidget(window)
    first, other = window.model.row_at(0).id, window.model.row_at(2).id
    assert window.panel.case_id == first and "dashboard" not in window.docks

    window.select_case(other)  # before the first paint: the dashboard is not built yet
    window.show()
    qtbot.waitUntil(lambda: "dashboard" in window.docks)

    assert window.views.indexOf(window.docks["dashboard"]) == 1  # its tab, behind
    assert window.views.currentWidget() is window.views.cases
    assert window.panel.case_id == other
