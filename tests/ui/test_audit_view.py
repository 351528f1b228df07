"""View ▸ Audit check and Case ▸ History show what ``audit verify`` and ``audit history``
say, and the window's menus offer them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from db.engine import Store
from db.models import Case
from ui import audit_view
from workbench.audit_check import verify_store
from workbench.audit_history import history_of_case
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.inspections import create_inspection


@pytest.fixture
def case_id(store: Store, tmp_path: Path) -> str:
    inspection = create_inspection(
        store, force="Testshire Police", title="T", start=date(2026, 1, 5), end=date(2026, 1, 9)
    )
    sample = tmp_path / "sample.csv"
    sample.write_text("reference,category,unit\nUI-1,section_47,North\n", encoding="utf-8")
    import_cases(store, inspection.id, sample)
    with store.sessions() as session:
        case_id = session.scalars(select(Case.id)).one()
    grading.edit(store, case_id, "Alex Inspector", "overall_grade", "good")
    grading.edit(store, case_id, "Alex Inspector", "overall_grade", "inadequate")
    return case_id


def test_the_audit_check_dialog_says_intact_or_lists_each_problem(
    qtbot, store: Store, store_path: Path, case_id: str
) -> None:
    dialog = audit_view.AuditCheckDialog(verify_store(store))
    qtbot.addWidget(dialog)
    assert dialog.summary.text().startswith("The audit trail is intact: 7 events from 1 store(s).")
    with store.engine.begin() as conn:  # a direct edit, past the services and the trail
        conn.execute(text("UPDATE assessment SET overall_grade = 'good'"))
    dialog = audit_view.AuditCheckDialog(verify_store(store))
    qtbot.addWidget(dialog)
    summary = dialog.summary.text()
    assert summary.startswith("The audit check found 1 problem:")
    assert "(case UI-1, Alex Inspector): its overall grade is 'good' in the store" in summary


def test_the_case_history_lists_each_change_oldest_first(qtbot, store: Store, case_id: str):
    reference, entries = history_of_case(store, case_id)
    dialog = audit_view.CaseHistoryDialog(reference, entries)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "History of case UI-1"
    cells = [[dialog.model.text(r, c) for c in range(7)] for r in range(len(entries))]
    assert [row[2:6] for row in cells] == [
        ["create assessment", "–", "–", '{"case": "UI-1", "inspector": "Alex Ins…'],
        ["update assessment", "overall_grade", "–", "good"],
        ["update assessment", "overall_grade", "good", "inadequate"],
    ]
    assert {row[6] for row in cells} == {"this store"}


def test_the_window_offers_the_audit_check_and_the_case_history(qtbot, store: Store, case_id):
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert "&Audit check" in [a.text() for a in menus["&View"].actions()]
    assert "&History" in [a.text() for a in menus["&Case"].actions()]
    window.actions["view.audit_check"].trigger()

    def shown() -> list:
        return [d for d in window.findChildren(audit_view.AuditCheckDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=20_000)
    assert "The audit trail is intact" in shown()[0].summary.text()
