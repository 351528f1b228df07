"""The set-up, referral, identity and shortcuts dialogs, driven through their widgets."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from dialog_helpers import Answer
from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox

from db.engine import Store
from db.models import Referral
from ui.dialogs.identity import IdentityDialog, current_user_name
from ui.dialogs.referral import RaiseReferralDialog, ReferralDetailDialog
from ui.dialogs.setup import ImportCasesDialog, ImportGradesDialog, NewInspectionDialog
from ui.dialogs.shortcuts import ShortcutsDialog, ShortcutsModel
from ui.messages import show_error
from ui.referral_model import ReferralsModel, ResponsesModel
from ui.referrals_register import ReferralsRegister
from ui.row_errors_model import RowErrorsModel
from ui.shortcuts import SHORTCUTS
from workbench.errors import ImportRefused, RowError
from workbench.methodology import load_methodology
from workbench.packs import key_report
from workbench.services import grading
from workbench.services.case_import import import_cases
from workbench.services.caselist import case_rows
from workbench.services.inspections import create_inspection, list_inspections
from workbench.services.referrals import add_response, list_referrals, raise_referral
from workbench.store import open_workbench_store

HEADER = "reference,category,unit,opened_on,closed_on,child_ref,force_grade,assigned_to\n"
GOOD_CASES = (
    "MPS-001,section_47,Lambeth,2025-03-01,14/04/2025,C-17,Requires improvement,Jo Smith\n"
    "MPS-002,Child sexual exploitation,Croydon,01/02/2025,,,good,\n"
    "MPS-003,rso_management,,,,,,Sam Patel\n"
)
WAIT_MS = 10_000
SHOTS = os.environ.get("WORKBENCH_SHOTS")  # a folder for screenshots to look at


@pytest.fixture
def inspection_id(store: Store) -> str:
    return create_inspection(
        store, force="Testshire Police", title="Test", start=date(2026, 1, 5), end=date(2026, 1, 30)
    ).id


@pytest.fixture
def cases_csv(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + GOOD_CASES, encoding="utf-8")
    return path


@pytest.fixture
def case_ids(store: Store, inspection_id: str, cases_csv: Path) -> dict[str, str]:
    import_cases(store, inspection_id, cases_csv)
    return {row.reference: row.id for row in case_rows(store, inspection_id)}


def click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def run_import(qtbot, dialog, path: Path) -> None:
    dialog.path.setText(str(path))
    click(qtbot, dialog.import_button)
    assert dialog.task is not None
    with qtbot.waitSignal(dialog.task.finished, timeout=WAIT_MS):
        pass


def table_text(model) -> list[list[str]]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


# --- New inspection ---------------------------------------------------------------------


def test_new_inspection_dialog_creates_the_inspection(qtbot, store):
    dialog = NewInspectionDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.force, "Metropolitan Police Service")
    qtbot.keyClicks(dialog.title_edit, "Child protection: post-inspection review")
    dialog.start.setDate(QDate(2026, 11, 2))
    dialog.end.setDate(QDate(2026, 11, 27))
    assert dialog.start.text() == "02/11/2026"
    assert dialog.marking.currentText() == "OFFICIAL-SENSITIVE"
    qtbot.keyClicks(dialog.passphrase, "correct horse battery staple")
    qtbot.keyClicks(dialog.passphrase_again, "correct horse battery staple")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        click(qtbot, dialog.create_button)

    [info] = list_inspections(store)
    assert key_report(store, info.id).holds_private_key  # never an inspection without keys
    assert dialog.inspection_id == info.id
    assert (info.force, info.title) == (
        "Metropolitan Police Service",
        "Child protection: post-inspection review",
    )
    assert (info.start_date, info.end_date) == (date(2026, 11, 2), date(2026, 11, 27))
    assert (info.methodology_id, info.marking) == ("ncpi-child-protection", "OFFICIAL-SENSITIVE")


def test_new_inspection_dialog_says_what_is_missing_next_to_the_field(qtbot, store):
    dialog = NewInspectionDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title_edit, "Review")
    dialog.start.setDate(QDate(2026, 11, 20))
    dialog.end.setDate(QDate(2026, 11, 2))
    click(qtbot, dialog.create_button)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors[dialog.force].isVisible()
    assert dialog.errors[dialog.force].text() == "⚠ Give the force being inspected."
    assert dialog.errors[dialog.end].text() == "⚠ The fieldwork cannot end before it starts."
    assert not dialog.errors[dialog.title_edit].isVisible()
    assert dialog.errors[dialog.passphrase].isVisible()  # the keys cannot be skipped
    assert dialog.focusWidget() is dialog.force
    assert list_inspections(store) == []


def test_new_inspection_cannot_end_without_keys_and_cancel_creates_nothing(qtbot, store):
    dialog = NewInspectionDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.force, "Northshire Police")
    qtbot.keyClicks(dialog.title_edit, "Keyed")
    qtbot.keyClicks(dialog.passphrase, "correct horse battery staple")
    qtbot.keyClicks(dialog.passphrase_again, "correct horse battery stapler")
    click(qtbot, dialog.create_button)
    assert dialog.isVisible()
    assert dialog.errors[dialog.passphrase_again].text() == "⚠ The two passphrases differ."
    assert list_inspections(store) == []

    answer = Answer("Discard")  # what was typed is thrown away only when the user says so
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert answer.asked
    assert list_inspections(store) == []


# --- Imports ----------------------------------------------------------------------------


def test_import_dialog_lists_the_bad_rows_and_imports_nothing(
    qtbot, store, inspection_id, tmp_path
):
    bad = tmp_path / "sample.csv"
    bad.write_text(
        HEADER
        + "MPS-001,section_47,Lambeth,,,,,\n"
        + "MPS-002,burglary,Croydon,,,,,\n"
        + "MPS-003,cse,Bromley,31/02/2025,,,,\n"
        + "MPS-001,cse,Bexley,,,,,\n",
        encoding="utf-8",
    )
    dialog = ImportCasesDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    run_import(qtbot, dialog, bad)

    assert dialog.errors_view.isVisible()
    assert dialog.errors_view.model() is dialog.row_errors
    rows = table_text(dialog.row_errors)
    assert [row[0] for row in rows] == ["3", "4", "5"]
    assert [row[1] for row in rows] == ["category", "opened_on", "reference"]
    assert "'burglary' is not a category" in rows[0][2]
    assert "nothing was imported" in dialog.outcome.text()
    assert dialog.outcome.text().startswith("⚠ 3 rows of sample.csv")
    assert case_rows(store, inspection_id) == []
    assert dialog.import_button.isEnabled()  # fix the file and try again


def test_import_dialog_imports_a_good_file_and_says_so(qtbot, store, inspection_id, cases_csv):
    dialog = ImportCasesDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        run_import(qtbot, dialog, cases_csv)

    assert dialog.outcome.text() == "Imported 3 cases from cases.csv."
    assert not dialog.errors_view.isVisible()
    assert [r.reference for r in case_rows(store, inspection_id)] == [
        "MPS-001",
        "MPS-002",
        "MPS-003",
    ]


def test_import_dialog_explains_a_file_it_cannot_read(qtbot, store, inspection_id, tmp_path):
    dialog = ImportCasesDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    run_import(qtbot, dialog, tmp_path / "missing.csv")
    assert dialog.outcome.text().startswith("⚠ There is no file")
    assert not dialog.errors_view.isVisible()


def test_grades_import_dialog_applies_the_grades(qtbot, store, inspection_id, case_ids, tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_text(
        "case_ref,overall_grade,rationale\nMPS-002,inadequate,Risk to the child was missed.\n",
        encoding="utf-8",
    )
    dialog = ImportGradesDialog(store, inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.inspector.text() == "Alex Inspector"
    run_import(qtbot, dialog, grades)

    assert dialog.outcome.text().startswith(
        "Imported Alex Inspector's grades for 1 case from grades.csv"
    )
    view = grading.view(store, case_ids["MPS-002"], "Alex Inspector")
    assert (view.overall_grade, view.rationale) == ("inadequate", "Risk to the child was missed.")


# --- Referrals --------------------------------------------------------------------------


def test_raise_referral_then_respond_until_closed(qtbot, store, inspection_id, case_ids):
    raising = RaiseReferralDialog(store, case_ids["MPS-002"])
    qtbot.addWidget(raising)
    raising.show()
    assert raising.windowTitle() == "Refer case MPS-002 to the force"
    qtbot.keyClicks(raising.risk, "The child is still in contact with the suspect.")
    raising.urgency.setCurrentIndex(raising.urgency.findData("urgent"))
    qtbot.keyClicks(raising.referred_to, "DI Patel")
    with qtbot.waitSignal(raising.accepted, timeout=WAIT_MS):
        click(qtbot, raising.raise_button)

    [row] = list_referrals(store, inspection_id)
    assert row.id == raising.referral_id
    assert (row.case_reference, row.urgency, row.referred_to, row.status) == (
        "MPS-002",
        "urgent",
        "DI Patel",
        "open",
    )
    assert row.risk_summary == "The child is still in contact with the suspect."

    register = ReferralsRegister(store, inspection_id)
    qtbot.addWidget(register)
    register.show()
    assert register.summary.text() == "1 referral: 1 open, 0 closed"
    listed = dict(zip(ReferralsModel.headers, table_text(register.model)[0], strict=True))
    assert listed["Case"] == "MPS-002" and listed["Unit"] == "Croydon"
    assert listed["Urgency"] == "Urgent" and listed["State"] == "Open"
    assert listed["Last response"] == "None yet" and listed["Age (days)"] == "0"

    rect = register.table.visualRect(register.model.index(0, 0))
    qtbot.mouseClick(register.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(register.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    detail = register.detail_dialog
    assert detail is not None and detail.isVisible()

    detail.response.setCurrentIndex(detail.response.findData("acknowledged"))
    qtbot.keyClicks(detail.note, "Passed to the CAIT duty inspector.")
    click(qtbot, detail.add_button)
    assert table_text(detail.responses)[0][1:] == [
        "Acknowledged",
        "Alex Inspector",
        "Passed to the CAIT duty inspector.",
    ]
    assert table_text(register.model)[0][6].startswith("Acknowledged, ")

    detail.response.setCurrentIndex(detail.response.findData("closed"))
    assert detail.add_button.text() == "&Add response and close the referral"
    answer = Answer("No")  # a closing response asks first; No leaves the referral open
    click(qtbot, detail.add_button)
    assert answer.asked and answer.title == "Close the referral?"
    assert "only the lead inspector can reopen it" in answer.text
    assert list_referrals(store, inspection_id)[0].status == "open"
    assert detail.add_box.isVisible()
    answer = Answer("Yes")
    with qtbot.waitSignal(register.changed, timeout=WAIT_MS):
        click(qtbot, detail.add_button)
    assert answer.asked
    assert not detail.add_box.isVisible()
    assert detail.closed_note.isVisible()

    [row] = list_referrals(store, inspection_id)
    assert row.status == "closed"
    assert [r[0] for r in row.responses] == ["acknowledged", "closed"]
    assert table_text(register.model)[0][4].startswith("Closed on ")
    assert register.summary.text() == "1 referral: 0 open, 1 closed"


def test_raise_referral_refuses_without_a_risk_summary(qtbot, store, inspection_id, case_ids):
    dialog = RaiseReferralDialog(store, case_ids["MPS-001"])
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.raise_button)
    assert dialog.errors[dialog.risk].text() == "⚠ Say what the continued risk to the child is."
    assert dialog.errors[dialog.urgency].isVisible()
    assert dialog.referral_id is None
    assert list_referrals(store, inspection_id) == []


def test_a_closed_referral_is_read_only(qtbot, store, inspection_id, case_ids):
    referral = raise_referral(
        store,
        case_ids["MPS-003"],
        risk_summary="Offender living with children.",
        urgency="immediate",
    )
    add_response(store, referral, response="closed", note="Offender moved out.")
    dialog = ReferralDetailDialog(store, referral)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.add_box.isVisible()
    assert dialog.closed_note.text().startswith("This referral was closed on ")
    assert table_text(dialog.responses)[0][1] == "Closed"


def test_register_shows_an_overdue_first_response(qtbot, store, inspection_id, case_ids):
    raise_referral(
        store,
        case_ids["MPS-001"],
        risk_summary="Missing child not searched for.",
        urgency="immediate",
        referred_at=date.today() - timedelta(days=3),
    )
    register = ReferralsRegister(store, inspection_id)
    qtbot.addWidget(register)
    register.show()
    assert table_text(register.model)[0][4] == "Open: response overdue"
    assert table_text(register.model)[0][5] == "3"

    register.table.setFocus()
    register.table.selectRow(0)
    qtbot.keyClick(register.table, Qt.Key.Key_Return)
    assert register.detail_dialog is not None
    assert register.detail_dialog.facts["state"].text() == (
        "Open: response overdue, 3 days since the referral"
    )


# --- Identity, shortcuts, messages ------------------------------------------------------


def test_identity_dialog_records_the_name(qtbot, tmp_path):
    fresh = open_workbench_store(tmp_path / "fresh.sqlite")
    try:
        dialog = IdentityDialog(fresh)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.ok_button.isEnabled()
        qtbot.keyClicks(dialog.name_edit, "  Sam Lead ")
        with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
            click(qtbot, dialog.ok_button)
        assert dialog.name == "Sam Lead"
        assert current_user_name(fresh) == "Sam Lead"
    finally:
        fresh.close()


def test_shortcuts_dialog_lists_every_shortcut(qtbot):
    dialog = ShortcutsDialog(SHORTCUTS)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = table_text(dialog.model)
    assert len(rows) == len(SHORTCUTS)
    assert ["Cases", "Ctrl+F", "Jump to the search box to find a case"] in rows
    assert [s.description for s in SHORTCUTS] == [row[2] for row in rows]


def test_show_error_puts_the_refused_rows_in_the_details(qtbot):
    refused = ImportRefused(
        "2 rows of cases.csv cannot be imported; nothing was imported.",
        [RowError(3, "'x' is not a category", "category"), RowError(7, "the reference is empty")],
    )
    box = show_error(None, refused)
    qtbot.addWidget(box)
    assert box.text() == "2 rows of cases.csv cannot be imported; nothing was imported."
    assert box.detailedText() == (
        "line 3, column 'category': 'x' is not a category\nline 7: the reference is empty"
    )
    assert box.icon() == QMessageBox.Icon.Warning
    box.close()


# --- Every model through qtmodeltester -----------------------------------------------------


def test_models_pass_the_model_tester(qtmodeltester, store, inspection_id, case_ids):
    referral = raise_referral(
        store, case_ids["MPS-001"], risk_summary="Risk remains.", urgency="routine"
    )
    add_response(store, referral, response="acknowledged", note="Seen.")
    raise_referral(store, case_ids["MPS-002"], risk_summary="Another risk.", urgency="urgent")
    rows = list_referrals(store, inspection_id)
    method = load_methodology()

    referrals = ReferralsModel(method, rows)
    qtmodeltester.check(referrals)
    referrals.sort(5, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(referrals)
    qtmodeltester.check(ResponsesModel(method, rows[0]))
    errors = RowErrorsModel([RowError(2, "bad date", "opened_on"), RowError(9, "empty")])
    qtmodeltester.check(errors)
    qtmodeltester.check(ShortcutsModel(SHORTCUTS))
    assert errors.rowCount(errors.index(0, 0)) == 0 and errors.rowCount(QModelIndex()) == 2


# --- Correcting and reopening a referral --------------------------------------------------


def test_the_author_corrects_an_open_referral_and_the_lead_reopens_a_closed_one(
    qtbot, store, case_ids, tmp_path
):
    from workbench.packs import create_inspection_keys

    referral = raise_referral(store, case_ids["MPS-001"], risk_summary="Risk.", urgency="urgent")
    detail = ReferralDetailDialog(store, referral)
    qtbot.addWidget(detail)
    detail.show()
    assert detail.correct_button.isVisible() and not detail.reopen_box.isVisible()

    def correct() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.risk.setPlainText("Risk from the mother's partner.")
        dialog.referred_to.setText("DI Patel")
        dialog.save_button.click()

    QTimer.singleShot(0, correct)
    click(qtbot, detail.correct_button)
    assert detail.risk.text() == "Risk from the mother's partner."
    assert detail.facts["to"].text() == "DI Patel"

    add_response(store, referral, response="closed")
    detail = ReferralDetailDialog(store, referral)
    qtbot.addWidget(detail)
    detail.show()
    assert not detail.correct_button.isVisible()
    assert not detail.reopen_box.isVisible()  # no inspection key here: not the lead's store
    with store.sessions() as session:
        inspection_id = session.get(Referral, referral).case.inspection_id
    create_inspection_keys(store, inspection_id, "correct horse battery staple")
    detail = ReferralDetailDialog(store, referral)
    qtbot.addWidget(detail)
    detail.show()
    assert detail.reopen_box.isVisible()
    if SHOTS:
        detail.grab().save(str(Path(SHOTS) / "referral-closed-reopen.png"))
    click(qtbot, detail.reopen_button)
    assert detail.reopen_error.text() == "⚠ Say why the referral is reopened."
    qtbot.keyClicks(detail.reopen_reason, "The child was seen with the suspect again.")
    with qtbot.waitSignal(detail.changed, timeout=WAIT_MS):
        click(qtbot, detail.reopen_button)
    assert list_referrals(store, inspection_id)[0].status == "open"
    assert detail.add_box.isVisible() and not detail.reopen_box.isVisible()
    if SHOTS:
        detail.grab().save(str(Path(SHOTS) / "referral-reopened.png"))
