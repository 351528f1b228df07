"""Correcting a referral (its author, while open), reopening one (the lead, with a reason),
each an audited edit, and both surviving packs: export, merge, and a later pack."""

from __future__ import annotations

import pytest
from packs_helpers import ANN, PASSPHRASE, make_inspector, make_lead
from sqlalchemy import select

from db.models import AuditEvent
from workbench.audit_check import verify_store
from workbench.audit_history import history_of_case
from workbench.errors import WorkbenchError
from workbench.packs import export_pack, import_packs
from workbench.services.referrals import (
    add_response,
    correct_referral,
    get_referral,
    raise_referral,
    reopen_referral,
)


def _events(store, referral_id: str) -> list[tuple[str, str, str | None, str | None]]:
    with store.sessions() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.field, AuditEvent.old_value, AuditEvent.new_value)
            .where(AuditEvent.entity == "referral", AuditEvent.entity_id == referral_id)
            .order_by(AuditEvent.seq)
        )
        return [tuple(row) for row in rows]


@pytest.fixture
def team(tmp_path):
    return make_lead(tmp_path / "team")


def _send(team, laptop, name: str) -> None:
    path = team.folder / f"{name}.wbpack"
    export_pack(laptop, team.inspection_id, path)
    [outcome] = import_packs(team.lead, [path], PASSPHRASE, inspection_id=team.inspection_id)
    assert outcome.error is None, outcome.error


def test_a_correction_is_audited_and_survives_export_and_merge(team):
    ann = make_inspector(team, ANN)
    case_id = next(iter(team.cases.values()))
    referral = raise_referral(ann, case_id, risk_summary="Child at risk.", urgency="urgent")
    changed = correct_referral(
        ann, referral, risk_summary="Child at risk from the mother's partner.",
        urgency="immediate", referred_to="DI Patel, CAIT",
    )  # fmt: skip
    assert changed == ["risk_summary", "urgency", "referred_to"]
    assert _events(ann, referral)[1:] == [
        ("update", "risk_summary", "Child at risk.", "Child at risk from the mother's partner."),
        ("update", "urgency", "urgent", "immediate"),
        ("update", "referred_to", "", "DI Patel, CAIT"),
    ]
    assert correct_referral(ann, referral, urgency="immediate") == []  # nothing changed
    assert verify_store(ann).intact

    _send(team, ann, "first")
    held = get_referral(team.lead, referral)
    assert (held.risk_summary, held.urgency, held.referred_to) == (
        "Child at risk from the mother's partner.", "immediate", "DI Patel, CAIT",
    )  # fmt: skip
    check = verify_store(team.lead)
    assert check.intact, check.problems


def test_only_the_author_corrects_and_only_while_open(team):
    ann = make_inspector(team, ANN)
    case_id = next(iter(team.cases.values()))
    referral = raise_referral(ann, case_id, risk_summary="Risk.", urgency="urgent")
    _send(team, ann, "first")
    with pytest.raises(WorkbenchError, match="Only Ann Able, who raised this referral"):
        correct_referral(team.lead, referral, urgency="immediate")
    add_response(ann, referral, response="closed")
    with pytest.raises(WorkbenchError, match="closed; reopen it"):
        correct_referral(ann, referral, urgency="immediate")
    with pytest.raises(WorkbenchError, match="cannot be corrected"):
        correct_referral(ann, referral, raised_by="Bob")


def test_the_lead_reopens_with_a_reason_and_a_later_pack_does_not_close_it_again(team):
    ann = make_inspector(team, ANN)
    case_id = next(iter(team.cases.values()))
    referral = raise_referral(ann, case_id, risk_summary="Risk.", urgency="urgent")
    add_response(ann, referral, response="closed", note="Force says resolved.")
    _send(team, ann, "first")
    assert get_referral(team.lead, referral).status == "closed"

    with pytest.raises(WorkbenchError, match="Only the lead inspector can reopen"):
        reopen_referral(ann, referral, "I disagree.")  # an inspector's store: no
    with pytest.raises(WorkbenchError, match="Say why"):
        reopen_referral(team.lead, referral, "  ")
    reopen_referral(team.lead, referral, "The child was seen with the suspect again.")
    row = get_referral(team.lead, referral)
    assert (row.status, row.closed_at) == ("open", None)
    assert _events(team.lead, referral)[-2:] == [
        ("reopen", "status", "closed", "open"),
        ("reason", "reopen", None, "The child was seen with the suspect again."),
    ]
    with pytest.raises(WorkbenchError, match="open already"):
        reopen_referral(team.lead, referral, "Again.")

    _, history = history_of_case(team.lead, case_id)  # the case's audit trail shows it
    assert [
        (e.actor, e.action, e.new_value) for e in history if e.action in ("reopen", "reason")
    ] == [
        ("Lee Lead", "reopen", "open"),
        ("Lee Lead", "reason", "The child was seen with the suspect again."),
    ]

    _send(team, ann, "again")  # Ann's copy is still closed: the lead's reopening stands
    assert get_referral(team.lead, referral).status == "open"
    check = verify_store(team.lead)
    assert check.intact, check.problems

    add_response(team.lead, referral, response="closed", note="Now resolved.")
    assert get_referral(team.lead, referral).status == "closed"
