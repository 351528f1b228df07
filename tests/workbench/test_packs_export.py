"""Exporting a findings pack and importing it into the lead's store."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead
from sqlalchemy import func, select

from db.models import Assessment, AuditEvent, ImportLog, InspectorKey, Referral, ReferralEvent
from workbench import audit
from workbench.methodology import load_methodology
from workbench.packs import container, export_kit, export_pack, import_kit, import_packs
from workbench.packs.importing import _decrypt
from workbench.packs.keys import unlock
from workbench.packs.pack import MAX_PACK_BYTES
from workbench.services import grading
from workbench.services.inspections import get_inspection
from workbench.services.referrals import add_response, raise_referral

RATIONALE = "Safeguarding plan lapsed after the second strategy meeting — café visit missed."
RISK = "Younger sibling still living with the alleged perpetrator."


def _ann_with_findings(tmp_path: Path):
    team = make_lead(tmp_path)
    ann = make_inspector(team, ANN, all_cases=False)
    first, second = (team.cases[r] for r in REFERENCES[:2])
    grade(ann, first, ANN, "inadequate", rationale=RATIONALE)
    grading.edit(ann, second, ANN, "overall_grade", "good")  # still in progress
    referral = raise_referral(ann, first, risk_summary=RISK, urgency="immediate")
    add_response(ann, referral, response="acknowledged", note="Duty inspector informed.")
    return team, ann, referral


def _document(team, path: Path):
    opened = container.read(path, "pack", MAX_PACK_BYTES)
    with team.lead.sessions() as session:
        inspection = get_inspection(session, team.inspection_id)
        private = unlock(session, inspection.id, PASSPHRASE)
        return _decrypt(opened, inspection, private, None)


def test_a_pack_holds_what_this_stores_user_recorded(tmp_path: Path) -> None:
    team, ann, referral = _ann_with_findings(tmp_path)
    grading.edit(ann, team.cases[REFERENCES[0]], "Someone Else", "overall_grade", "good")
    result = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack")
    assert (result.assessments, result.referrals, result.responses) == (2, 1, 1)
    document = _document(team, result.path)
    assert {a["inspector"] for a in document.assessments} == {ANN}
    graded = next(a for a in document.assessments if a["status"] == "graded")
    stages = [s.id for s in load_methodology().stages_for("section_47")]
    assert graded["rationale"] == RATIONALE
    assert [s["stage_id"] for s in graded["stages"]] == sorted(stages)
    assert document.referrals[0]["id"] == referral
    assert document.referral_events[0]["note"] == "Duty inspector informed."
    with ann.sessions() as session:
        assert len(document.audit) == session.scalar(select(func.count(AuditEvent.id)))
        stored = [audit.event_line(vars(e)) for e in session.scalars(select(AuditEvent))]
    assert sorted(line.decode() for line in document.audit.lines) == sorted(stored)


def test_audit_events_about_other_inspections_stay_behind(tmp_path: Path) -> None:
    team, ann, _ = _ann_with_findings(tmp_path)
    other = make_lead(tmp_path / "other", title="Another inspection")
    kit = export_kit(other.lead, other.inspection_id, ANN, tmp_path / "o.wbkit", PASSPHRASE)
    import_kit(ann, kit.path, kit.code)
    grade(ann, other.cases[REFERENCES[0]], ANN, "good", rationale="Other inspection's finding.")
    document = _document(team, export_pack(ann, team.inspection_id, tmp_path / "a.wbpack").path)
    events = [audit.parse_line(line.decode()) for line in document.audit.lines]
    text = "\n".join(line.decode() for line in document.audit.lines)
    assert events and "Other inspection's finding." not in text
    assert other.inspection_id not in text
    assert not set(other.cases.values()) & {e.entity_id for e in events}


def test_the_lead_imports_a_pack_and_its_audit_chain_verifies(tmp_path: Path) -> None:
    team, ann, referral = _ann_with_findings(tmp_path)
    path = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack").path
    [outcome] = import_packs(team.lead, [path], PASSPHRASE)
    assert outcome.error is None
    result = outcome.result
    assert result.inspector == ANN and result.registered
    assert (result.counts.added, result.counts.changed) == (4, 0)  # 2 + 1 referral + 1 response
    with team.lead.sessions() as session:
        assert session.scalar(select(func.count(Assessment.id))) == 2
        assert session.get(Referral, referral).risk_summary == RISK
        assert session.scalar(select(func.count(ReferralEvent.id))) == 1
        key = session.scalars(select(InspectorKey)).one()
        assert (key.inspector, key.fingerprint, key.active) == (ANN, result.fingerprint, True)
        log = session.get(ImportLog, result.log_id)
        assert (log.kind, log.inspector, log.fingerprint) == ("pack", ANN, result.fingerprint)
        assert (log.added, log.changed) == (4, 0)
        assert json.loads(log.details)["audit_events"]["added"] > 10
        report = audit.verify(session)
        assert report.intact and report.origins == 2


def test_a_later_pack_supersedes_what_it_changes_and_the_same_pack_changes_nothing(
    tmp_path: Path,
) -> None:
    team, ann, _ = _ann_with_findings(tmp_path)
    first = export_pack(ann, team.inspection_id, tmp_path / "day1.wbpack").path
    second_case = team.cases[REFERENCES[1]]
    grade(ann, second_case, ANN, "requires_improvement")
    second = export_pack(ann, team.inspection_id, tmp_path / "day2.wbpack").path
    outcomes = import_packs(team.lead, [second, first, second], PASSPHRASE)
    counts = [(o.result.counts.added, o.result.counts.changed) for o in outcomes]
    assert counts == [(4, 0), (0, 0), (0, 0)]  # day 1 is older in every respect: no change
    with team.lead.sessions() as session:
        logs = [session.get(ImportLog, o.result.log_id) for o in outcomes]
        assert json.loads(logs[2].details)["same_file_as"] == logs[0].id
    with team.lead.sessions() as session:
        row = session.scalars(select(Assessment).where(Assessment.case_id == second_case)).one()
        assert (row.status, row.overall_grade) == ("graded", "requires_improvement")
        packs = select(func.count(ImportLog.id)).where(ImportLog.kind == "pack")
        assert session.scalar(packs) == 3


def test_two_inspectors_grades_of_one_case_are_both_kept(tmp_path: Path) -> None:
    team = make_lead(tmp_path)
    ann, bob = make_inspector(team, ANN), make_inspector(team, BOB)
    case = team.cases[REFERENCES[2]]
    grade(ann, case, ANN, "good")
    grade(bob, case, BOB, "inadequate")
    paths = [
        export_pack(store, team.inspection_id, tmp_path / f"{n}.wbpack").path
        for n, store in (("a", ann), ("b", bob))
    ]
    assert all(o.error is None for o in import_packs(team.lead, paths, PASSPHRASE))
    with team.lead.sessions() as session:
        grades = dict(
            session.execute(
                select(Assessment.inspector, Assessment.overall_grade).where(
                    Assessment.case_id == case
                )
            ).all()
        )
    assert grades == {ANN: "good", BOB: "inadequate"}


def test_a_pack_opened_as_a_zip_or_text_shows_no_case_data(tmp_path: Path) -> None:
    team, ann, _ = _ann_with_findings(tmp_path)
    path = export_pack(ann, team.inspection_id, tmp_path / "ann.wbpack").path
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        shown = raw + b"".join(archive.read(name) for name in archive.namelist())
    secrets = (*REFERENCES, "CHILD-1", ANN, "Ann", RATIONALE, RISK, "Duty inspector", "North")
    for secret in (*secrets, "inadequate", "Testshire", "Lee Lead"):
        assert secret.encode() not in shown, secret
        assert secret.encode("utf-16-le") not in shown, secret
