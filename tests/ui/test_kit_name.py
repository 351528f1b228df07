"""Your name and your kit: a kit issued to another name than the store's offers its name,
File ▸ My name… changes it, and a pack exported when work was recorded under the first
name includes it (re-attributed, audited), so the lead's store receives every graded case."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from dialog_helpers import Answer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from db.engine import Store
from db.models import AuditEvent, Case
from ui.dialogs import packs as packs_ui
from ui.dialogs.names import KIT_NAME_TITLE, OTHER_NAMES_TITLE
from ui.main_window import NO_INSPECTIONS, MainWindow
from workbench import audit, packs
from workbench.identity import user_name
from workbench.methodology import load_methodology
from workbench.services import grading
from workbench.store import open_workbench_store

PASSPHRASE = "a long passphrase for tests"
WAIT_MS = 30_000
SHOTS = os.environ.get("WORKBENCH_SHOTS")  # a folder to save screenshots in, to look at


def _shot(name: str) -> str | None:
    return str(Path(SHOTS) / name) if SHOTS else None


@pytest.fixture
def inspection_id(store: Store) -> str:
    from workbench.services.inspections import create_inspection

    made = create_inspection(
        store, force="Testshire Police", title="Names", start=date.today() - timedelta(days=5),
        end=date.today() + timedelta(days=20), passphrase=PASSPHRASE,
    )  # fmt: skip
    version = load_methodology().version
    with store.sessions.begin() as session:
        session.add_all(
            Case(inspection_id=made.id, reference=f"N/{n}", category="section_47",
                 unit="North", assigned_to="Sam", methodology_version=version)
            for n in range(1, 4)
        )  # fmt: skip
    return made.id


def _cases(store: Store) -> dict[str, str]:
    with store.sessions() as session:
        return dict(session.execute(select(Case.reference, Case.id)).all())


def _grade(store: Store, case_id: str, inspector: str) -> None:
    for stage in load_methodology().stages_for("section_47"):
        grading.edit(store, case_id, inspector, f"stage:{stage.id}:grade", "good")
    grading.edit(store, case_id, inspector, "overall_grade", "good")
    grading.edit(store, case_id, inspector, "rationale", "Sound work throughout.")
    grading.mark_graded(store, case_id, inspector)


def test_kit_name_accepted_then_the_pack_carries_every_graded_case(
    qtbot, store, inspection_id, tmp_path
):
    # Sam's laptop: a first kit under the short name, and grades recorded under it.
    first = packs.export_kit(store, inspection_id, "Sam", tmp_path / "sam.wbkit", PASSPHRASE)
    laptop = open_workbench_store(tmp_path / "laptop.sqlite")
    packs.import_kit(laptop, first.path, first.code)
    cases = _cases(laptop)
    _grade(laptop, cases["N/1"], "Sam")
    _grade(laptop, cases["N/2"], "Sam")
    grading.edit(laptop, cases["N/3"], "Sam", "overall_grade", "inadequate")  # in progress

    # The lead issues the kit under the full name; opening it offers that name.
    kit = packs.export_kit(
        store, inspection_id, "Samantha Jones", tmp_path / "sj.wbkit", PASSPHRASE, all_cases=True
    )
    dialog = packs_ui.OpenKitDialog(laptop)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(kit.path))
    qtbot.keyClicks(dialog.code, kit.code)
    offer = Answer("Use Samantha Jones", shot=_shot("kit-name-offer.png"))
    with qtbot.waitSignal(dialog.opened, timeout=WAIT_MS):
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert offer.title == KIT_NAME_TITLE
    assert "issued to Samantha Jones, but this store's name is Sam" in offer.text
    with laptop.sessions() as session:
        assert user_name(session) == "Samantha Jones"
        renamed = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "identity").order_by(AuditEvent.seq)
        ).all()[-1]
        assert (renamed.old_value, renamed.new_value) == ("Sam", "Samantha Jones")

    # Exporting warns of the work under Sam and includes it under the kit's name.
    parent = QWidget()
    qtbot.addWidget(parent)
    warning = Answer("Include it as Samantha Jones", shot=_shot("export-other-name.png"))
    task = packs_ui.export_pack(parent, laptop, inspection_id, tmp_path / "sj.wbpack")
    assert warning.title == OTHER_NAMES_TITLE
    assert "Sam: 3 assessments (2 graded), 0 referrals" in warning.text
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):
        pass
    with laptop.sessions() as session:
        moved = session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.field == "inspector", AuditEvent.action == "update"
            )
        ).all()
        assert sorted(moved) == sorted(
            grading.view(laptop, cases[r], "Samantha Jones").id for r in ("N/1", "N/2", "N/3")
        )
        assert audit.verify(session).intact

    # The lead's store, through the real import, holds every graded case under the kit's name.
    [outcome] = packs.import_packs(
        store, [tmp_path / "sj.wbpack"], PASSPHRASE, inspection_id=inspection_id
    )
    assert outcome.error is None, outcome.error
    lead_cases = _cases(store)
    for reference in ("N/1", "N/2"):
        held = grading.view(store, lead_cases[reference], "Samantha Jones")
        assert (held.status, held.overall_grade) == ("graded", "good")
    assert grading.view(store, lead_cases["N/3"], "Samantha Jones").overall_grade == "inadequate"
    assert grading.view(store, lead_cases["N/1"], "Sam").id is None  # nothing left under Sam
    with store.sessions() as session:
        assert audit.verify(session).intact


def test_a_pack_cannot_pass_off_another_names_events_without_the_senders_reattribution(
    store, inspection_id, tmp_path
):
    """Without the re-attribution, work under the first name stays out: nothing graded."""
    first = packs.export_kit(store, inspection_id, "Sam", tmp_path / "sam.wbkit", PASSPHRASE)
    laptop = open_workbench_store(tmp_path / "laptop.sqlite")
    packs.import_kit(laptop, first.path, first.code)
    _grade(laptop, _cases(laptop)["N/1"], "Sam")
    from workbench.identity import set_user_name

    set_user_name(laptop, "Samantha Jones")
    kit = packs.export_kit(
        store, inspection_id, "Samantha Jones", tmp_path / "sj.wbkit", PASSPHRASE, all_cases=True
    )
    packs.import_kit(laptop, kit.path, kit.code)
    exported = packs.export_pack(laptop, inspection_id, tmp_path / "sj.wbpack")
    assert exported.assessments == 0
    [outcome] = packs.import_packs(store, [exported.path], PASSPHRASE, inspection_id=inspection_id)
    assert outcome.error is not None
    assert "recorded by someone other than Samantha Jones" in str(outcome.error)


def test_my_name_changes_the_name_in_the_window_and_is_audited(qtbot, store, monkeypatch):
    window = MainWindow(store, "Alex Inspector")
    qtbot.addWidget(window)
    window.show()
    assert window.panel.placeholder.text() == NO_INSPECTIONS
    assert "File ▸ Open kit…" in NO_INSPECTIONS  # an inspector is told to open their kit

    def typed(dialog) -> bool:
        dialog.name_edit.setText("Alexandra Inspector")
        dialog.accept()
        return True

    monkeypatch.setattr(window, "exec_dialog", typed)
    action = window.menus.actions["file.my_name"]
    assert action.text() == "My &name…" and action.isEnabled()
    action.trigger()
    assert window.user_name == window.panel.user_name == "Alexandra Inspector"
    with store.sessions() as session:
        assert user_name(session) == "Alexandra Inspector"
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "identity").order_by(AuditEvent.seq)
        ).all()[-1]
        assert (event.old_value, event.new_value) == ("Alex Inspector", "Alexandra Inspector")
