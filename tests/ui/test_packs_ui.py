"""Kits, packs, the imports log and moderation in the window, driven through their widgets."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import select

from db.engine import Store
from db.models import Case, Moderation, StageModeration
from ui.dialogs import pack_import
from ui.dialogs import packs as packs_ui
from ui.moderation_view import ModerationView
from workbench import packs
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.services.inspections import create_inspection
from workbench.services.summary import summarise
from workbench.store import open_workbench_store

PASSPHRASE = "a long passphrase for tests"
ANN, BOB = "Ann Able", "Bob Baker"
WAIT_MS = 20_000


@pytest.fixture
def inspection_id(store: Store) -> str:
    """An inspection with its key pair and three cases, two for Ann and one for Bob."""
    inspection = create_inspection(
        store,
        force="Testshire Police",
        title="UI test",
        start=date.today() - timedelta(days=10),  # fieldwork under way: packs of today fit
        end=date.today() + timedelta(days=20),
    )
    packs.create_inspection_keys(store, inspection.id, PASSPHRASE)
    version = load_methodology().version
    with store.sessions.begin() as session:
        for reference, inspector in (("UI-1", ANN), ("UI-2", ANN), ("UI-3", BOB)):
            session.add(
                Case(
                    inspection_id=inspection.id, reference=reference, category="section_47",
                    unit="North", assigned_to=inspector, methodology_version=version,
                )
            )  # fmt: skip
    return inspection.id


def _case_id(store: Store, reference: str) -> str:
    with store.sessions() as session:
        return session.scalars(select(Case.id).where(Case.reference == reference)).one()


def _grade(store: Store, case_id: str, inspector: str, overall: str) -> None:
    for stage in load_methodology().stages_for("section_47"):
        grading.edit(store, case_id, inspector, f"stage:{stage.id}:grade", overall)
    grading.edit(store, case_id, inspector, "overall_grade", overall)
    grading.edit(store, case_id, inspector, "rationale", f"{inspector} thinks {overall}.")
    grading.mark_graded(store, case_id, inspector)


def _inspector_store(store: Store, inspection_id: str, tmp_path: Path, name: str) -> Store:
    kit = packs.export_kit(store, inspection_id, name, tmp_path / f"{name}.wbkit", PASSPHRASE)
    other = open_workbench_store(tmp_path / f"{name}.sqlite")
    packs.import_kit(other, kit.path, kit.code)
    return other


def _wait_done(qtbot, dialog) -> None:
    qtbot.waitUntil(
        lambda: dialog.task is None and dialog.outcome.text() != "Working…", timeout=WAIT_MS
    )


def test_issuing_a_kit_shows_the_code_that_opens_it(
    qtbot, store: Store, inspection_id: str, tmp_path: Path
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = packs_ui.issue_kit(parent, store, inspection_id)
    assert [dialog.inspector.itemText(i) for i in range(dialog.inspector.count())] == [ANN, BOB]
    dialog.passphrase.setText("the wrong passphrase")
    dialog.path.setText(str(tmp_path / "ann.wbkit"))
    dialog.action.click()
    qtbot.waitUntil(lambda: dialog.errors["passphrase"].isVisible(), timeout=WAIT_MS)
    assert "passphrase is wrong" in dialog.errors["passphrase"].text()
    assert not (tmp_path / "ann.wbkit").exists()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.action.click()
    qtbot.waitUntil(lambda: "Kit code" in dialog.outcome.text(), timeout=WAIT_MS)
    assert dialog.passphrase.text() == ""
    code = re.search(r"Kit code:\s+(\S+)", dialog.outcome.text()).group(1)
    opened = packs.import_kit(
        open_workbench_store(tmp_path / "ann.sqlite"), tmp_path / "ann.wbkit", code
    )
    assert opened.cases_added == 2 and opened.fingerprint in dialog.outcome.text()


def test_opening_a_kit_adds_the_inspection_or_says_the_code_is_wrong(
    qtbot, store: Store, inspection_id: str, tmp_path: Path
) -> None:
    kit = packs.export_kit(store, inspection_id, BOB, tmp_path / "bob.wbkit", PASSPHRASE)
    bob = open_workbench_store(tmp_path / "bob.sqlite")
    dialog = packs_ui.OpenKitDialog(bob)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(kit.path))
    dialog.code.setText("AAAA-BBBB-CCCC-DDDD-EEEE")
    dialog.action.click()
    qtbot.waitUntil(lambda: dialog.errors["code"].isVisible(), timeout=WAIT_MS)
    assert "kit code is wrong" in dialog.errors["code"].text()
    dialog.code.setText(kit.code.lower())
    with qtbot.waitSignal(dialog.opened, timeout=WAIT_MS) as opened:
        dialog.action.click()
    assert opened.args[0].cases_added == 1
    _wait_done(qtbot, dialog)
    assert "Opened the kit for 'UI test': 1 case added" in dialog.outcome.text()
    assert "This store's user is now Bob Baker." in dialog.outcome.text()


def test_exporting_then_importing_packs_with_an_imports_log(
    qtbot, store: Store, inspection_id: str, tmp_path: Path
) -> None:
    ann = _inspector_store(store, inspection_id, tmp_path, ANN)
    _grade(ann, _case_id(ann, "UI-1"), ANN, "good")
    parent = QWidget()
    qtbot.addWidget(parent)
    task = packs_ui.export_pack(parent, ann, inspection_id, tmp_path / "ann.wbpack")
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    [box] = [w for w in parent.findChildren(QMessageBox) if w.isVisible()]
    assert "Saved ann.wbpack: 1 assessments" in box.text()
    box.close()
    junk = tmp_path / "notes.wbpack"
    junk.write_text("meeting notes")
    dialog = pack_import.import_packs(parent, store, [tmp_path / "ann.wbpack", junk], inspection_id)
    assert "ann.wbpack, notes.wbpack" in dialog.files.text()
    dialog.action.click()
    assert dialog.errors["passphrase"].isVisible()
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        dialog.action.click()
    _wait_done(qtbot, dialog)
    assert dialog.outcome.text() == "1 of 2 packs imported. 1 refused: the reasons are below."
    cells = [dialog.model.cells(o) for o in dialog.model.rows]
    assert cells[0][:2] == ("ann.wbpack", ANN) and cells[0][3:5] == ("1", "0")
    assert cells[0][5] == "Imported; their key is now registered"
    assert "not a findings pack" in cells[1][5]
    log = pack_import.ImportsLogView(store, inspection_id)
    qtbot.addWidget(log)
    assert [log.model.cells(e)[1:3] for e in log.model.rows] == [
        ("refused", "notes.wbpack"),
        ("pack", "ann.wbpack"),
    ]
    assert log.empty.isHidden()


def test_a_new_key_is_accepted_after_confirming_its_fingerprint(
    qtbot, store: Store, inspection_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
    first = _inspector_store(store, inspection_id, tmp_path / "one", ANN)
    second = _inspector_store(store, inspection_id, tmp_path / "two", ANN)  # a new laptop
    _grade(second, _case_id(second, "UI-2"), ANN, "inadequate")
    old = packs.export_pack(first, inspection_id, tmp_path / "old.wbpack").path
    new = packs.export_pack(second, inspection_id, tmp_path / "new.wbpack")
    packs.import_packs(store, [old], PASSPHRASE)
    asked = []
    monkeypatch.setattr(
        pack_import, "confirm", lambda parent, title, text: asked.append(text) or True
    )
    dialog = pack_import.ImportPacksDialog(store, [new.path], inspection_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.action.click()
    qtbot.waitUntil(lambda: dialog.accept_key.isVisible(), timeout=WAIT_MS)
    _wait_done(qtbot, dialog)
    dialog.accept_key.click()
    assert new.fingerprint in asked[0]
    qtbot.waitUntil(lambda: dialog.outcome.text() == "1 of 1 packs imported.", timeout=WAIT_MS)
    assert dialog.model.cells(dialog.model.rows[0])[3] == "1"
    assert not dialog.accept_key.isVisible()


def test_moderation_view_compares_and_records_the_agreed_grade(
    qtbot, store: Store, inspection_id: str
) -> None:
    case = _case_id(store, "UI-1")
    _grade(store, case, ANN, "good")
    _grade(store, case, BOB, "inadequate")
    view = ModerationView(store, inspection_id)
    qtbot.addWidget(view)
    view.show()
    [row] = view.cases_model.cells
    assert (row[0], row[2]) == ("UI-1", "North")
    assert row[3:] == ("Good / Inadequate", "Awaiting moderation")
    assert view.summary.text() == "1 dual-graded case shown; 1 awaiting moderation."
    assert view.comparison.headers == ("Stage", ANN, BOB, "Agreed", "")
    assert view.comparison.cells[-1] == ("Overall", "Good", "Inadequate", "", "differs")
    assert all(row[-1] == "differs" for row in view.comparison.cells)
    assert f"{ANN}: {ANN} thinks good." in view.rationales.text()
    view.comparison_view.selectRow(len(view.comparison.cells) - 1)  # the overall grade
    assert view.grade.currentData() is None  # no grade pre-selected
    view.record_button.click()
    assert view.reason_error.isVisible() and view.grade_error.isVisible()
    view.grade.setCurrentIndex(view.grade.findData("requires_improvement"))
    view.reason.setPlainText("The child was seen but not alone.")
    with qtbot.waitSignal(view.moderated, timeout=WAIT_MS) as signal:
        view.record_button.click()
    assert signal.args == [case]
    assert view.cases_model.cells[0][4] == "Moderated: Requires improvement; stages to moderate"
    with store.sessions() as session:
        assert session.scalars(select(Moderation.grade)).all() == ["requires_improvement"]


def test_moderation_view_moderates_a_stage_with_the_evidence_side_by_side(
    qtbot, store: Store, inspection_id: str
) -> None:
    case = _case_id(store, "UI-1")
    grading.edit(store, case, ANN, "prompt:ic.risk_assessed", "yes")
    grading.edit(store, case, BOB, "prompt:ic.risk_assessed", "no")
    grading.edit(store, case, BOB, "stage:initial_contact:notes", "No risk assessment on file.")
    _grade(store, case, ANN, "good")
    _grade(store, case, BOB, "inadequate")
    view = ModerationView(store, inspection_id)
    qtbot.addWidget(view)
    view.show()
    assert view.current_key() == "initial_contact"  # the first difference
    assert "the stage Initial contact" in view.moderating.text()
    notes = view.evidence.cells[-1]
    assert notes == ("Evidence notes", "(none)", "No risk assessment on file.")
    risk = next(row for row in view.evidence.cells if row[1:] == ("Yes", "No"))
    assert view.evidence.shaded[view.evidence.cells.index(risk)]
    assert view.grade.currentData() is None
    assert view.grade.findData("not_assessed") > 0  # a stage may be agreed as not assessed
    view.grade.setCurrentIndex(view.grade.findData("requires_improvement"))
    view.reason.setPlainText("Risk considered but not recorded.")
    with qtbot.waitSignal(view.moderated, timeout=WAIT_MS):
        view.record_button.click()
    assert view.comparison.cells[0][3] == "Requires improvement"
    assert not view.comparison.shaded[0]
    by_stage = summarise(store, inspection_id)["by_stage"]["initial_contact"]
    assert (by_stage["requires_improvement"], by_stage["unresolved"]) == (1, 0)
    view.unsettled_only.setChecked(True)
    assert len(view.cases_model.cells) == 1  # other stages and the overall still differ


def test_the_moderation_view_does_not_overwrite_a_stage_moderated_since_it_was_shown(
    qtbot, store: Store, inspection_id: str
) -> None:
    from workbench.services.moderation import moderate_stage

    case = _case_id(store, "UI-1")
    _grade(store, case, ANN, "good")
    _grade(store, case, BOB, "inadequate")
    view = ModerationView(store, inspection_id)
    qtbot.addWidget(view)
    view.show()
    assert view.current_key() == "initial_contact"
    view.grade.setCurrentIndex(view.grade.findData("good"))
    view.reason.setPlainText("Agreed at first.")
    with qtbot.waitSignal(view.moderated, timeout=WAIT_MS):
        view.record_button.click()
    # Another lead (another process on the server) moderates the same stage meanwhile.
    moderate_stage(store, inspection_id, "UI-1", "initial_contact", "inadequate", "On review.")
    view.grade.setCurrentIndex(view.grade.findData("requires_improvement"))
    view.reason.setPlainText("Late change.")
    view.record_button.click()
    assert view.reason_error.isVisible()
    assert "was changed by" in view.reason_error.text() and "reload it" in view.reason_error.text()
    with store.sessions() as session:
        assert session.scalars(select(StageModeration.grade)).all() == ["inadequate"]


def test_the_models_pass_the_model_tester(
    qtmodeltester, store: Store, inspection_id: str, tmp_path: Path
) -> None:
    case = _case_id(store, "UI-1")
    _grade(store, case, ANN, "good")
    _grade(store, case, BOB, "inadequate")
    view = ModerationView(store, inspection_id)
    qtmodeltester.check(view.cases_model)
    qtmodeltester.check(view.comparison)
    qtmodeltester.check(view.evidence)
    log = pack_import.ImportsLogView(store)
    qtmodeltester.check(log.model)
    outcomes = pack_import.OutcomesModel()
    outcomes.set_rows(
        [packs.ImportOutcome(tmp_path / "x.wbpack", error=packs.PackRefused("No.", "x"))]
    )
    qtmodeltester.check(outcomes)
    view.deleteLater()
    log.deleteLater()


def test_a_new_passphrase_is_typed_twice_and_makes_the_key_pair(
    qtbot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = packs_ui.NewPassphraseDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.first.setText("short")
    dialog.second.setText("short")
    dialog.accept()
    assert "at least 12 characters" in dialog.error.text() and dialog.isVisible()
    dialog.second.setText("different")
    dialog.accept()
    assert dialog.error.text().endswith("The two passphrases differ.")
    inspection = create_inspection(
        store, force="Testshire", title="Keys", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )

    class Typed(packs_ui.NewPassphraseDialog):
        def exec(self) -> int:
            self.first.setText(PASSPHRASE)
            self.second.setText(PASSPHRASE)
            self.accept()
            return self.result()

    monkeypatch.setattr(packs_ui, "NewPassphraseDialog", Typed)
    parent = QWidget()
    qtbot.addWidget(parent)
    fingerprint = packs_ui.create_keys(parent, store, inspection.id)
    assert packs.key_report(store, inspection.id).inspection_fingerprint == fingerprint
    [box] = [w for w in parent.findChildren(QMessageBox) if w.isVisible()]
    assert fingerprint in box.text()
