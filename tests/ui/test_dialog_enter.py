"""Enter in every dialog does its main action, and closing a dialog that holds typed text
asks first (Esc, Cancel and the window's close button alike)."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from dialog_helpers import Answer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWidget
from sqlalchemy import select

from db.engine import Store
from db.models import Case
from ui.dialogs.assign import AssignDialog
from ui.dialogs.balance import ShareOutDialog
from ui.dialogs.form import DISCARD_TITLE, FormDialog
from ui.dialogs.identity import IdentityDialog
from ui.dialogs.keys import KeysDialog
from ui.dialogs.pack_import import ImportPacksDialog
from ui.dialogs.packs import IssueKitDialog, NewPassphraseDialog, OpenKitDialog
from ui.dialogs.referral import RaiseReferralDialog, ReferralDetailDialog
from ui.dialogs.sample import DrawSampleDialog
from ui.dialogs.setup import ImportCasesDialog, ImportGradesDialog, NewInspectionDialog
from ui.dialogs.store_passphrase import StorePassphraseDialog
from workbench import packs
from workbench.identity import user_name
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.caselist import case_rows
from workbench.services.inspections import create_inspection, list_inspections
from workbench.services.referrals import list_referrals, raise_referral
from workbench.store import open_workbench_store

PASSPHRASE = "correct horse battery staple"
WAIT_MS = 20_000


@pytest.fixture
def inspection_id(store: Store) -> str:
    made = create_inspection(
        store, force="Testshire Police", title="Enter", start=date.today() - timedelta(days=5),
        end=date.today() + timedelta(days=20), passphrase=PASSPHRASE,
    )  # fmt: skip
    version = load_methodology().version
    with store.sessions.begin() as session:
        session.add_all(
            Case(inspection_id=made.id, reference=ref, category="section_47", unit="North",
                 assigned_to="Alex Inspector", methodology_version=version)
            for ref in ("E/1", "E/2")
        )  # fmt: skip
    return made.id


def _case(store: Store, reference: str) -> str:
    with store.sessions() as session:
        return session.scalars(select(Case.id).where(Case.reference == reference)).one()


def shown(qtbot, dialog: FormDialog) -> FormDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def enter(qtbot, field: QWidget) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Return)


def the_default(dialog: FormDialog) -> str:
    [button] = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
    return button.text().replace("&", "")


# --- Enter does the main action ----------------------------------------------------------


def test_enter_raises_the_referral(qtbot, store, inspection_id):
    dialog = shown(qtbot, RaiseReferralDialog(store, _case(store, "E/1")))
    assert the_default(dialog) == "Raise referral"
    qtbot.keyClicks(dialog.risk, "The child still lives with the suspect.")
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("urgent"))
    qtbot.keyClicks(dialog.referred_to, "DI Patel")
    if os.environ.get("WORKBENCH_SHOTS"):  # a folder for screenshots to look at
        dialog.grab().save(os.path.join(os.environ["WORKBENCH_SHOTS"], "refer-case.png"))
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        enter(qtbot, dialog.referred_to)
    [row] = list_referrals(store, inspection_id)
    assert (row.risk_summary, row.urgency, row.referred_to) == (
        "The child still lives with the suspect.", "urgent", "DI Patel",
    )  # fmt: skip


def test_enter_creates_the_inspection(qtbot, store):
    dialog = shown(qtbot, NewInspectionDialog(store))
    qtbot.keyClicks(dialog.force, "Northshire Police")
    qtbot.keyClicks(dialog.title_edit, "Child protection inspection")
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClicks(dialog.passphrase_again, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        enter(qtbot, dialog.passphrase_again)
    assert [i.title for i in list_inspections(store)] == ["Child protection inspection"]


def test_enter_imports_the_packs(qtbot, store, inspection_id, tmp_path):
    kit = packs.export_kit(
        store, inspection_id, "Jo Marsh", tmp_path / "jo.wbkit", PASSPHRASE, all_cases=True
    )
    laptop = open_workbench_store(tmp_path / "laptop.sqlite")
    packs.import_kit(laptop, kit.path, kit.code)
    case_id = _case(laptop, "E/1")
    grading.edit(laptop, case_id, "Jo Marsh", "overall_grade", "good")
    packs.export_pack(laptop, inspection_id, tmp_path / "a.wbpack")
    dialog = shown(qtbot, ImportPacksDialog(store, [tmp_path / "a.wbpack"], inspection_id))
    assert the_default(dialog) == "Import"
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        enter(qtbot, dialog.passphrase)
    assert grading.view(store, case_id, "Jo Marsh").overall_grade == "good"


def test_enter_imports_the_cases_and_the_grades(qtbot, store, inspection_id, tmp_path):
    sample = tmp_path / "cases.csv"
    sample.write_text("reference,category\nE/3,cse\n", encoding="utf-8")
    dialog = shown(qtbot, ImportCasesDialog(store, inspection_id))
    dialog.path.setText(str(sample))
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        enter(qtbot, dialog.path)
    assert "E/3" in [r.reference for r in case_rows(store, inspection_id)]
    assert the_default(dialog) == "Close"  # imported: Enter now closes, never imports twice

    grades = tmp_path / "grades.csv"
    grades.write_text("case_ref,overall_grade,rationale\nE/2,inadequate,Missed.\n", "utf-8")
    dialog = shown(qtbot, ImportGradesDialog(store, inspection_id))
    dialog.path.setText(str(grades))
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        enter(qtbot, dialog.path)
    assert grading.view(store, _case(store, "E/2"), "Alex Inspector").overall_grade == "inadequate"


def test_enter_issues_and_opens_a_kit(qtbot, store, inspection_id, tmp_path):
    issuing = shown(qtbot, IssueKitDialog(store, inspection_id))
    issuing.passphrase.setText(PASSPHRASE)
    issuing.path.setText(str(tmp_path / "alex.wbkit"))
    enter(qtbot, issuing.path)
    qtbot.waitUntil(lambda: "Kit code" in issuing.outcome.text(), timeout=WAIT_MS)
    code = issuing.outcome.text().split("Kit code:")[1].split()[0]

    laptop = open_workbench_store(tmp_path / "laptop.sqlite")
    opening = shown(qtbot, OpenKitDialog(laptop))
    opening.path.setText(str(tmp_path / "alex.wbkit"))
    qtbot.keyClicks(opening.code, code)
    with qtbot.waitSignal(opening.opened, timeout=WAIT_MS):
        enter(qtbot, opening.code)
    assert [i.id for i in list_inspections(laptop)] == [inspection_id]


def test_enter_assigns_shares_out_and_reregisters(qtbot, store, inspection_id):
    assign = shown(qtbot, AssignDialog(store, inspection_id, ["E/1"]))
    assign.to.setCurrentText("Jo Marsh")
    with qtbot.waitSignal(assign.accepted, timeout=WAIT_MS):
        enter(qtbot, assign.to)
    share = shown(qtbot, ShareOutDialog(store, inspection_id))
    assert the_default(share) == "Share out unassigned cases"
    keys = shown(qtbot, KeysDialog(store, inspection_id))
    keys.inspector.setCurrentText("Jo Marsh")
    keys.reason.setPlainText("New laptop.")
    keys.fingerprint.setText("ab" * 16)
    enter(qtbot, keys.fingerprint)
    assert keys.model.rows[0][0] == "Jo Marsh"
    with store.sessions() as session:
        assert session.get(Case, _case(store, "E/1")).assigned_to == "Jo Marsh"


def test_enter_previews_then_draws_the_sample(qtbot, store, inspection_id, tmp_path):
    listing = tmp_path / "list.csv"
    rows = [f"L/{n},cse,North" for n in range(10)]
    listing.write_text("reference,category,unit\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dialog = shown(qtbot, DrawSampleDialog(store, inspection_id))
    dialog.path.setText(str(listing))
    dialog.amount.setText("4")
    assert the_default(dialog) == "Preview"
    enter(qtbot, dialog.amount)
    assert dialog.model.rows[-1][2] == 4
    assert the_default(dialog) == "Draw sample"
    with qtbot.waitSignal(dialog.drawn, timeout=WAIT_MS):
        enter(qtbot, dialog.seed)
    assert len(case_rows(store, inspection_id)) == 2 + 4


def test_enter_saves_the_name_and_the_passphrases(qtbot, tmp_path):
    fresh = open_workbench_store(tmp_path / "fresh.sqlite")
    naming = shown(qtbot, IdentityDialog(fresh))
    qtbot.keyClicks(naming.name_edit, "Sam Jones")
    with qtbot.waitSignal(naming.accepted, timeout=WAIT_MS):
        enter(qtbot, naming.name_edit)
    with fresh.sessions() as session:
        assert user_name(session) == "Sam Jones"
    for dialog, fields in (
        (StorePassphraseDialog("/tmp/x.sqlite", True), ("first", "again")),
        (NewPassphraseDialog(), ("first", "second")),
    ):
        shown(qtbot, dialog)
        for name in fields:
            qtbot.keyClicks(getattr(dialog, name), PASSPHRASE)
        with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
            enter(qtbot, getattr(dialog, fields[-1]))


# --- Closing a dialog that holds typed text asks first -------------------------------------


def _typed_referral(qtbot, store: Store) -> RaiseReferralDialog:
    dialog = shown(qtbot, RaiseReferralDialog(store, _case(store, "E/1")))
    qtbot.keyClicks(dialog.risk, "Siblings not seen.")
    return dialog


@pytest.mark.parametrize("how", ["Esc", "Cancel", "close"])
def test_a_typed_referral_closed_asks_first_and_keep_editing_keeps_it(
    qtbot, store, inspection_id, how
):
    dialog = _typed_referral(qtbot, store)
    answer = Answer("Keep editing")
    if how == "Esc":
        qtbot.keyClick(dialog.referred_to, Qt.Key.Key_Escape)
    elif how == "Cancel":
        qtbot.mouseClick(
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel),
            Qt.MouseButton.LeftButton,
        )
    else:
        dialog.close()  # the window's close button
    assert answer.asked and answer.title == DISCARD_TITLE
    assert "raising the referral" in answer.text
    assert dialog.isVisible()
    assert dialog.risk.toPlainText() == "Siblings not seen."

    answer = Answer("Discard")
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog.referred_to, Qt.Key.Key_Escape)
    assert answer.asked and not dialog.isVisible()
    assert list_referrals(store, inspection_id) == []


def test_an_untouched_dialog_closes_without_asking(qtbot, store, inspection_id):
    dialog = shown(qtbot, RaiseReferralDialog(store, _case(store, "E/1")))
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog.referred_to, Qt.Key.Key_Escape)
    opened = shown(qtbot, IdentityDialog(store))  # its name is already there: nothing typed
    with qtbot.waitSignal(opened.rejected, timeout=WAIT_MS):
        opened.close()


def test_a_response_typed_but_not_added_asks_before_the_referral_closes(
    qtbot, store, inspection_id
):
    referral = raise_referral(store, _case(store, "E/2"), risk_summary="Risk.", urgency="urgent")
    dialog = shown(qtbot, ReferralDetailDialog(store, referral))
    qtbot.keyClicks(dialog.note, "The force phoned back.")
    answer = Answer("Keep editing")
    dialog.close()
    assert answer.asked and dialog.isVisible()
