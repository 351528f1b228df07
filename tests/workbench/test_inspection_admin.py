"""An inspection always has its keys; the demo's are under a stated passphrase; inspections
are archived or deleted, the deletion of received packs only on a second confirmation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from packs_helpers import ANN, PASSPHRASE, make_inspector, make_lead, new_store
from sqlalchemy import func, select
from store_helpers import refused

from db.engine import Store
from db.models import AuditEvent, Case, Inspection, InspectionKey
from workbench import crypto
from workbench.cli import main
from workbench.packs import (
    export_kit,
    export_pack,
    import_kit,
    import_packs,
    key_report,
    reregister,
)
from workbench.services.demo import DEMO_PASSPHRASE, PASSPHRASE_NOTE, create_demo
from workbench.services.inspections import (
    ConfirmationNeeded,
    archive_inspection,
    create_inspection,
    delete_inspection,
    list_inspections,
)


def _count(store: Store, model) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_creating_with_a_passphrase_makes_the_keys_and_a_bad_one_creates_nothing(store: Store):
    made = create_inspection(
        store, force="Northshire Police", title="Keyed", start=date(2026, 11, 2),
        end=date(2026, 11, 27), passphrase=PASSPHRASE,
    )  # fmt: skip
    assert key_report(store, made.id).holds_private_key
    with pytest.raises(crypto.WorkbenchError):
        create_inspection(
            store, force="Northshire Police", title="Too short", start=date(2026, 11, 2),
            end=date(2026, 11, 27), passphrase="short",
        )  # fmt: skip
    assert [i.title for i in list_inspections(store)] == ["Keyed"]
    assert _count(store, InspectionKey) == 1


def test_the_demo_has_keys_under_its_stated_passphrase_and_issues_a_kit(
    store: Store, tmp_path: Path
):
    inspection_id = create_demo(store)
    assert DEMO_PASSPHRASE in PASSPHRASE_NOTE
    kit = export_kit(
        store, inspection_id, "Alex Inspector", tmp_path / "alex.wbkit", DEMO_PASSPHRASE
    )
    assert kit.cases > 0
    inspector = new_store(tmp_path / "jo.sqlite", None)
    opened = import_kit(inspector, kit.path, kit.code)
    assert opened.cases_added == kit.cases
    inspector.close()
    pack = export_pack(store, inspection_id, tmp_path / "alex.wbpack")  # Export pack works too
    assert pack.assessments > 0


def test_archive_is_audited_and_undone(store: Store):
    made = create_inspection(
        store, force="F", title="Old", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )
    assert archive_inspection(store, made.id) is True
    assert archive_inspection(store, made.id) is False
    assert list_inspections(store)[0].archived
    assert archive_inspection(store, made.id, archived=False) is True
    assert not list_inspections(store)[0].archived
    with store.sessions() as session:
        fields = session.scalars(
            select(AuditEvent.field).where(AuditEvent.entity_id == made.id)
        ).all()
    assert fields.count("archived_at") == 2


def test_deleting_needs_a_second_confirmation_when_packs_were_received(tmp_path: Path):
    team = make_lead(tmp_path / "team")
    ann = make_inspector(team, ANN)
    pack = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack")
    import_packs(team.lead, [pack.path], PASSPHRASE)

    message = refused(
        team.lead, lambda: delete_inspection(team.lead, team.inspection_id), ConfirmationNeeded
    )
    assert "holds 1 findings pack received" in message
    assert delete_inspection(team.lead, team.inspection_id, with_received_packs=True)
    assert _count(team.lead, Inspection) == 0 and _count(team.lead, Case) == 0
    with team.lead.sessions() as session:
        deleted = session.scalars(select(AuditEvent).where(AuditEvent.action == "delete")).one()
    assert deleted.entity_id == team.inspection_id
    ann.close()
    team.lead.close()


def test_delete_from_the_command_line_asks_for_yes(store: Store, store_path: Path, capsys):
    made = create_inspection(
        store, force="F", title="Scratch", start=date(2026, 1, 5), end=date(2026, 1, 30)
    )
    args = ["--db", str(store_path), "inspection", "delete", "--inspection", made.id]
    assert main(args) == 1
    assert "again with --yes" in capsys.readouterr().err
    assert main([*args, "--yes"]) == 0
    assert "Deleted Scratch." in capsys.readouterr().out
    assert _count(store, Inspection) == 0


def test_reregistering_a_key_keeps_the_reason_in_the_audit_trail(tmp_path: Path):
    team = make_lead(tmp_path / "team")
    reregister(team.lead, team.inspection_id, ANN, "AB" * 16, reason="New laptop, checked by phone")
    with team.lead.sessions() as session:
        reasons = session.scalars(
            select(AuditEvent.new_value).where(AuditEvent.action == "reason")
        ).all()
    assert reasons == ["New laptop, checked by phone"]
    team.lead.close()


def test_keys_reregister_takes_a_reason_on_the_command_line(tmp_path: Path, capsys):
    team = make_lead(tmp_path / "team")
    args = ["--db", str(team.folder / "lead.sqlite"), "keys", "reregister"]
    args += ["--inspection", team.inspection_id, "--inspector", ANN, "--fingerprint", "CD" * 16]
    assert main([*args, "--reason", "Laptop replaced"]) == 0
    assert "now accepted under the key" in capsys.readouterr().out
    with team.lead.sessions() as session:
        reasons = session.scalars(
            select(AuditEvent.new_value).where(AuditEvent.action == "reason")
        ).all()
    assert reasons == ["Laptop replaced"]
    team.lead.close()
