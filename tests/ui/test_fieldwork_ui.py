"""The lead's fieldwork in the window: assign the selected cases, draw the sample with a
preview, the keys dialog, and the dashboard, driven through their widgets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from sqlalchemy import select

from db.engine import Store
from db.models import AuditEvent, Case
from ui.dashboard_view import DashboardView
from ui.dialogs.assign import AssignDialog
from ui.dialogs.keys import KeysDialog
from ui.dialogs.sample import DrawSampleDialog
from ui.main_window import MainWindow
from workbench.methodology import load_methodology
from workbench.services.demo import create_demo
from workbench.services.inspections import create_inspection
from workbench.services.summary import summarise

USER = "Alex Inspector"
WAIT_MS = 10_000
PASSPHRASE = "correct horse battery staple"


def _inspection(store: Store, refs: list[str]) -> str:
    made = create_inspection(
        store, force="Testshire Police", title="Fieldwork", start=date(2026, 1, 5),
        end=date(2026, 1, 30), passphrase=PASSPHRASE,
    )  # fmt: skip
    version = load_methodology().version
    with store.sessions.begin() as session:
        session.add_all(
            Case(inspection_id=made.id, reference=ref, category="section_47", unit="North",
                 assigned_to="Jo Marsh", methodology_version=version)
            for ref in refs
        )  # fmt: skip
    return made.id


def _assigned(store: Store) -> dict[str, tuple[str | None, str | None]]:
    with store.sessions() as session:
        rows = session.execute(select(Case.reference, Case.assigned_to, Case.second_inspector))
        return {ref: (first, second) for ref, first, second in rows}


@pytest.fixture
def window(qtbot, store: Store, monkeypatch) -> MainWindow:
    _inspection(store, ["F/1", "F/2", "F/3", "F/4"])
    main = MainWindow(store, USER)
    qtbot.addWidget(main)
    main.show()
    return main


def _select(window: MainWindow, rows: list[int]) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(window.model.index(row, 0), flags)


def test_bulk_assignment_and_reassignment_through_the_window(window, store, monkeypatch):
    def assign_to(name: str, second: str | None = None):
        def run(dialog) -> bool:
            assert isinstance(dialog, AssignDialog)
            dialog.to.setCurrentText(name)
            if second:
                dialog.second.setCurrentText(second)
            dialog.assign_button.click()
            return dialog.result() == dialog.DialogCode.Accepted

        return run

    assert window.actions["case.assign"].isEnabled()
    _select(window, [0, 1, 2])
    monkeypatch.setattr(window, "exec_dialog", assign_to("Ann Able"))
    window.actions["case.assign"].trigger()
    assert [v[0] for _, v in sorted(_assigned(store).items())] == ["Ann Able"] * 3 + ["Jo Marsh"]
    shown = {window.model.row_at(r).reference: window.model.row_at(r).assigned_to
             for r in range(window.model.rowCount())}  # fmt: skip
    assert shown["F/1"] == "Ann Able" and shown["F/4"] == "Jo Marsh"

    _select(window, [0])
    monkeypatch.setattr(window, "exec_dialog", assign_to("Bob Baker", second="Jo Marsh"))
    window.actions["case.assign"].trigger()
    assert _assigned(store)["F/1"] == ("Bob Baker", "Jo Marsh")
    with store.sessions() as session:
        fields = session.scalars(select(AuditEvent.field).where(AuditEvent.entity == "case"))
        assert sorted(fields) == ["assigned_to"] * 4 + ["second_inspector"]


def test_the_assign_dialog_says_why_it_refuses(qtbot, store):
    inspection_id = _inspection(store, ["F/1"])
    dialog = AssignDialog(store, inspection_id, ["F/1"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.assign_button.click()
    assert dialog.errors[dialog.to].isVisible()
    dialog.second.setCurrentText("Jo Marsh")
    dialog.assign_button.click()
    assert "graded twice by Jo Marsh" in dialog.errors[dialog.to].text()
    assert _assigned(store)["F/1"] == ("Jo Marsh", None)


def test_draw_sample_previews_the_strata_then_draws(qtbot, store, tmp_path: Path):
    inspection_id = _inspection(store, [])
    listing = tmp_path / "list.csv"
    rows = [f"L/{n},{('cse', 'section_47')[n % 2]},North" for n in range(40)]
    listing.write_text("reference,category,unit\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dialog = DrawSampleDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(listing))
    dialog.how.setCurrentIndex(dialog.how.findData("per"))
    dialog.amount.setText("3")
    dialog.seed.setText("77")
    assert not dialog.draw_button.isEnabled()
    dialog.preview_button.click()
    assert dialog.model.rows[-1] == ("All strata", 40, 6)
    assert "Nothing is saved" in dialog.outcome.text()
    assert _assigned(store) == {}
    with qtbot.waitSignal(dialog.drawn, timeout=WAIT_MS):
        dialog.draw_button.click()
    assert len(_assigned(store)) == 6
    assert "Drew 6 of the 40 cases listed (seed 77)" in dialog.outcome.text()


def test_keys_dialog_shows_fingerprints_and_reregisters_with_a_reason(qtbot, store):
    inspection_id = _inspection(store, ["F/1"])
    dialog = KeysDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "this store holds its private key" in dialog.facts.text()
    dialog.inspector.setCurrentText("Jo Marsh")
    dialog.fingerprint.setText("ab" * 16)
    dialog.reregister_button.click()
    assert dialog.errors[dialog.reason].isVisible()  # a reason is required
    dialog.reason.setPlainText("New laptop; fingerprint read out by phone.")
    dialog.reregister_button.click()
    assert dialog.model.rows[0][0] == "Jo Marsh" and dialog.model.rows[0][4] == "yes"
    with store.sessions() as session:
        reason = session.scalars(select(AuditEvent.new_value).where(AuditEvent.action == "reason"))
        assert list(reason) == ["New laptop; fingerprint read out by phone."]


def test_the_dashboard_view_shows_the_summarys_figures(qtbot, store):
    inspection_id = create_demo(store)
    view = DashboardView(store, inspection_id)
    qtbot.addWidget(view)
    view.show()
    summary = summarise(store, inspection_id)
    assert f"{summary['graded']} of {summary['cases']} cases graded" in view.headline.text()
    for grade in ("Good", "Requires improvement", "Inadequate"):
        key = grade.lower().replace(" ", "_")
        assert f"{grade}: {summary['overall'][key]}" in view.findings.figures.text()
    assert "1 case awaiting moderation" in view.team.text()
    bars = [sum(series.values) for series in view.findings.plot.data.series]
    assert bars == [summary["overall"][k] for k in ("good", "requires_improvement",
                                                    "inadequate", "unresolved")]  # fmt: skip
    graded_bars = view.progress.plot.data.series[0].values
    assert list(graded_bars) == [p.graded for p in view.board.inspectors]
    assert "Alex Inspector: 16 / 4 / 0 (of 20)" in view.progress.figures.text()


def test_the_dashboard_is_the_leads_default_and_follows_new_grades(qtbot, window, store):
    from workbench.services import grading

    qtbot.waitUntil(lambda: "dashboard" in window.docks)  # once the case list is painted
    dock = window.docks["dashboard"]
    assert dock.isVisible()
    before = dock.widget().board
    grading.edit(store, window.model.row_at(0).id, USER, "rationale", "Started.")
    # The service's change reached it, nothing else was called; read on a worker thread.
    qtbot.waitUntil(lambda: dock.widget().board is not before, timeout=10_000)
    assert dock.widget().board.summary["in_progress"] == 1
    assert "1 in progress" in dock.widget().headline.text()


def test_a_burst_of_changes_reads_the_dashboard_twice_at_most(qtbot, window, store, monkeypatch):
    from workbench.services import dashboard as service
    from workbench.services import grading

    qtbot.waitUntil(lambda: "dashboard" in window.docks)
    view = window.docks["dashboard"].widget()
    reads = []
    original = service._compute
    window_thread = view.thread()

    def counted(*args):
        from PySide6.QtCore import QThread

        reads.append(QThread.currentThread() is not window_thread)  # off the window's thread
        return original(*args)

    monkeypatch.setattr(service, "_compute", counted)
    for n in range(4):
        grading.edit(store, window.model.row_at(n).id, USER, "rationale", f"Started {n}.")
    qtbot.waitUntil(lambda: view.board.summary["in_progress"] == 4, timeout=10_000)
    qtbot.waitUntil(lambda: not view._reading, timeout=10_000)
    assert 1 <= len(reads) <= 2 and all(reads)
    assert "4 in progress" in view.headline.text()


def test_a_moderation_reaches_the_dashboard_at_once(qtbot, store):
    from workbench.services.moderation import moderate, moderation_cases

    inspection_id = create_demo(store)
    window = MainWindow(store, USER)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "dashboard" in window.docks)
    view = window.docks["dashboard"].widget()
    assert isinstance(view, DashboardView) and "1 case awaiting moderation" in view.team.text()
    [waiting] = [c for c in moderation_cases(store, inspection_id) if c.moderation is None]
    moderate(store, inspection_id, waiting.reference, "requires_improvement", "Agreed on review.")
    qtbot.waitUntil(
        lambda: "0 cases awaiting moderation" in window.docks["dashboard"].widget().team.text(),
        timeout=10_000,
    )


def test_share_out_and_dual_grading_through_the_window(qtbot, store):
    from ui.dialogs.balance import ShareOutDialog

    inspection_id = _inspection(store, [f"S/{n}" for n in range(6)])
    with store.sessions.begin() as session:
        for case in session.scalars(select(Case)):
            case.assigned_to = None
    dialog = ShareOutDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.team.setText("Ann Able, Bob Baker, Cal Carter")
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS):
        dialog.balance_button.click()
    firsts = [first for first, _ in _assigned(store).values()]
    assert sorted(firsts) == ["Ann Able"] * 2 + ["Bob Baker"] * 2 + ["Cal Carter"] * 2
    dialog.share.setText("50%")
    dialog.seed.setText("4")
    with qtbot.waitSignal(dialog.changed, timeout=WAIT_MS):
        dialog.dual_button.click()
    pairs = [pair for pair in _assigned(store).values() if pair[1]]
    assert len(pairs) == 3 and all(first != second for first, second in pairs)
    assert dialog.outcome.text() == "3 cases given a second inspector."


def test_archive_and_delete_from_the_inspection_menu(qtbot, store, monkeypatch):
    import ui.dialogs.inspection_admin as admin
    from workbench.services.inspections import list_inspections

    kept = _inspection(store, ["K/1"])
    gone = _inspection(store, ["G/1", "G/2"])
    window = MainWindow(store, USER)
    qtbot.addWidget(window)
    window.show()
    window.reload_inspections(gone)
    asked: list[str] = []
    monkeypatch.setattr(admin, "confirm", lambda _parent, _title, text: asked.append(text) or True)
    window.actions["inspection.archive"].trigger()
    assert [i.archived for i in list_inspections(store) if i.id == gone] == [True]
    assert window.inspection is not None and window.inspection.id == kept  # left the list
    assert window.inspection_combo.findData(gone) == -1
    window.actions["inspection.delete"].trigger()
    assert "with its 1 case, their grades" in asked[-1]
    assert [i.id for i in list_inspections(store)] == [gone]  # the archived one is kept
    assert window.inspection is None and not window.actions["inspection.keys"].isEnabled()


def test_each_inspector_has_a_small_chart_of_graded_per_day_against_assigned(qtbot, store):
    inspection_id = create_demo(store)
    view = DashboardView(store, inspection_id)
    qtbot.addWidget(view)
    view.show()
    board = view.board
    assert list(view.each.charts) == [p.inspector for p in board.inspectors]
    days = [d[0] for d in board.team_per_day]
    for person in board.inspectors:
        caption, chart = view.each.charts[person.inspector]
        [bars] = chart.data.series
        assert list(bars.values) == [person.graded_per_day.get(day, 0) for day in days]
        running, assigned = chart.data.lines
        assert running.values[-1] == person.graded == sum(bars.values)
        assert set(assigned.values) == {person.assigned} and assigned.dashed
        assert f"{person.inspector}: {person.graded} of {person.assigned} graded" in (
            caption.text().replace("<b>", "").replace("</b>", "")
        )
    assert "Alex Inspector: 16 of 20 graded (80%), 4 in progress" in (
        view.each.charts["Alex Inspector"][0].text().replace("<b>", "").replace("</b>", "")
    )
