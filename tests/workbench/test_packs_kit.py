"""Inspection keys and kits: issued by the lead, opened in an inspector's own store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, LEAD, PASSPHRASE, REFERENCES, digest, make_lead, new_store
from sqlalchemy import select

from db.models import AuditEvent, Case, Inspection, InspectionKey
from workbench import crypto
from workbench.errors import WorkbenchError
from workbench.identity import identity
from workbench.packs import create_inspection_keys, export_kit, import_kit, key_report
from workbench.packs.keys import unlock


def test_creating_keys_seals_the_private_half_under_the_passphrase(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    with team.lead.sessions() as session:
        row = session.get(InspectionKey, team.inspection_id)
        assert row.private_blob and json.loads(row.kdf)["name"] == "argon2id"
        assert row.source == "created"
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "inspection_key")
        ).all()
        assert [e.actor for e in events] == [LEAD]
        assert unlock(session, team.inspection_id, PASSPHRASE).public.fingerprint == row.fingerprint
        with pytest.raises(crypto.WrongPassphrase):
            unlock(session, team.inspection_id, "not the passphrase at all")
    with pytest.raises(WorkbenchError, match="already has its key pair"):
        create_inspection_keys(team.lead, team.inspection_id, PASSPHRASE)
    report = key_report(team.lead, team.inspection_id)
    assert report.holds_private_key and report.inspection_fingerprint == row.fingerprint
    assert report.kdf == {"name": "argon2id", "memory_kib": 19456, "iterations": 2, "lanes": 1}


def test_a_kit_carries_the_inspectors_cases_with_the_same_ids(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    assert kit.cases == 2
    ann = new_store(tmp_path / "ann.sqlite", None)
    opened = import_kit(ann, kit.path, kit.code)
    assert (opened.cases_added, opened.cases_updated, opened.user_name_set) == (2, 0, True)
    assert opened.fingerprint == kit.fingerprint
    with ann.sessions() as session:
        cases = {c.reference: c.id for c in session.scalars(select(Case))}
        assert cases == {ref: team.cases[ref] for ref in REFERENCES[:2]}
        inspection = session.get(Inspection, team.inspection_id)
        assert inspection.title == "Child protection inspection"
        key = session.get(InspectionKey, team.inspection_id)
        assert key.private_blob is None and key.source == "kit"
        assert identity(session).user_name == ANN
    # The inspector's store can never open packs or issue kits: it has no private key.
    with ann.sessions() as session, pytest.raises(WorkbenchError, match="only the inspection"):
        unlock(session, team.inspection_id, PASSPHRASE)


def test_all_cases_and_opening_a_kit_again_changes_nothing_new(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(
        team.lead, team.inspection_id, BOB, tmp_path / "bob.wbkit", PASSPHRASE, all_cases=True
    )
    assert kit.cases == 4
    bob = new_store(tmp_path / "bob.sqlite", BOB)
    assert import_kit(bob, kit.path, kit.code).cases_added == 4
    again = import_kit(bob, kit.path, kit.code)
    assert (again.cases_added, again.cases_updated) == (0, 0)


def test_a_kit_for_nobody_assigned_is_refused_with_the_reason(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    with pytest.raises(WorkbenchError, match="No cases in this inspection are assigned to Cy"):
        export_kit(team.lead, team.inspection_id, "Cy", tmp_path / "cy.wbkit", PASSPHRASE)
    assert not (tmp_path / "cy.wbkit").exists()


def test_issuing_a_kit_needs_the_right_passphrase(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    with pytest.raises(crypto.WrongPassphrase):
        export_kit(team.lead, team.inspection_id, ANN, tmp_path / "a.wbkit", "wrong passphrase!")
    assert not (tmp_path / "a.wbkit").exists()


def test_a_wrong_kit_code_is_refused_and_nothing_is_added(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    ann = new_store(tmp_path / "ann.sqlite", ANN)
    before = digest(ann)
    with pytest.raises(crypto.WrongKitCode, match="kit code is wrong"):
        import_kit(ann, kit.path, crypto.new_kit_code())
    assert digest(ann) == before


def test_a_kit_for_someone_else_is_refused_in_my_store(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    bob = new_store(tmp_path / "bob.sqlite", BOB)
    before = digest(bob)
    with pytest.raises(WorkbenchError, match="issued to Ann Able, but this store belongs to Bob"):
        import_kit(bob, kit.path, kit.code)
    assert digest(bob) == before


def test_the_lead_cannot_open_their_own_kit(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(
        team.lead, team.inspection_id, LEAD, tmp_path / "x.wbkit", PASSPHRASE, all_cases=True
    )
    before = digest(team.lead)
    with pytest.raises(WorkbenchError, match="lead inspector's store"):
        import_kit(team.lead, kit.path, kit.code)
    assert digest(team.lead) == before


def test_a_kit_file_shows_no_case_data(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    raw = kit.path.read_bytes()
    for secret in (*REFERENCES, "CHILD-1", ANN, "Ann", "Testshire", "Child protection", "North"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw
