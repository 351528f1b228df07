"""``inspection push``: a lead's laptop store (SQLite) copies one inspection whole to the
server, idempotently, verifying the audit trail at both ends; packs then go straight in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead
from server_helpers import ANALYST, LEAD, OTHER_LEAD, new_server
from sqlalchemy import func, select, text
from store_helpers import snapshot

from db.models import AuditSegment, Base, Case, ImportLog, Inspection
from workbench import audit
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.packs import export_pack, import_packs
from workbench.server.errors import NotAllowed
from workbench.server.push import push_inspection
from workbench.services import grading
from workbench.services.moderation import moderate

COPIED = (
    "inspection", "inspection_key", "case_file", "assessment", "stage_judgement", "referral",
    "referral_event", "moderation", "inspector_key", "kit_issue",
)  # fmt: skip


def _laptop(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """A lead's laptop: an inspection, two inspectors' packs imported, a moderation."""
    monkeypatch.setenv("WORKBENCH_TEST_BACKEND", "sqlite")  # a laptop is a SQLite file
    team = make_lead(folder)
    ann, bob = make_inspector(team, ANN), make_inspector(team, BOB)
    shared = team.cases[REFERENCES[0]]
    grade(ann, shared, ANN, "good")
    grade(bob, shared, BOB, "inadequate")
    grade(bob, team.cases[REFERENCES[2]], BOB, "requires_improvement")
    packs = [export_pack(s, team.inspection_id, folder / f"{n}.wbpack").path
             for n, s in (("ann", ann), ("bob", bob))]  # fmt: skip
    assert all(o.error is None for o in import_packs(team.lead, packs, PASSPHRASE))
    moderate(team.lead, team.inspection_id, REFERENCES[0], "requires_improvement", "Agreed.")
    monkeypatch.delenv("WORKBENCH_TEST_BACKEND")
    return team, ann


def test_push_copies_an_inspection_whole_and_again_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team, ann = _laptop(tmp_path, monkeypatch)
    server = new_server()
    laptop = team.lead.url
    assert main(["--db", laptop, "inspection", "push", "--inspection",
                 team.inspection_id[:8], "--to", server.url(LEAD)]) == 0  # fmt: skip
    assert "records added" in capsys.readouterr().out

    hq = server.open(LEAD)
    mine, theirs = snapshot(team.lead), snapshot(hq)
    for table in COPIED:
        assert len(theirs[table]) == len(mine[table]), table
    with hq.sessions() as session:
        assert session.get(Inspection, team.inspection_id).created_by == LEAD
        assert session.scalar(select(func.count()).select_from(Case)) == len(REFERENCES)
        logs = session.scalars(select(ImportLog.inspector)).all()
        # the laptop's import log came too: the case sample's import, then Ann's and Bob's packs
        assert None in logs and sorted(name for name in logs if name) == [ANN, BOB]
        origins = set(session.scalars(select(AuditSegment.origin)))
        assert len(origins) == 3  # the laptop's own trail and the two inspectors' trails
        assert audit.verify(session).intact
    before = snapshot(hq)
    assert main(["--db", laptop, "inspection", "push", "--inspection",
                 team.inspection_id, "--to", server.url(LEAD)]) == 0  # fmt: skip
    assert "already holds all of it; nothing changed" in capsys.readouterr().out
    assert snapshot(hq) == before

    case_id = team.cases[REFERENCES[3]]  # a change on the laptop goes over on the next push
    grading.edit(team.lead, case_id, "Lee Lead", "overall_grade", "good")
    pushed = push_inspection(team.lead, team.inspection_id, hq)
    assert pushed.added == 1 and pushed.audit_added >= 2
    assert grading.view(hq, case_id, "Lee Lead").overall_grade == "good"

    more = tmp_path / "ann-2.wbpack"  # a pack straight into the server
    grade(ann, team.cases[REFERENCES[1]], ANN, "requires_improvement")
    export_pack(ann, team.inspection_id, more)
    [outcome] = import_packs(hq, [more], PASSPHRASE)
    assert outcome.error is None and outcome.result.counts.assessments_added == 1
    with hq.sessions() as session:
        assert audit.verify(session).intact
    hq.close()


def test_push_is_refused_for_an_analyst_and_for_another_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, _ = _laptop(tmp_path, monkeypatch)
    server = new_server()
    analyst = server.open(ANALYST)
    with pytest.raises(NotAllowed, match="refused this change to the inspection table"):
        push_inspection(team.lead, team.inspection_id, analyst)
    analyst.close()
    push_inspection(team.lead, team.inspection_id, lead := server.open(LEAD))
    lead.close()
    grading.edit(team.lead, team.cases[REFERENCES[3]], "Lee Lead", "rationale", "Changed.")
    other = server.open(OTHER_LEAD)
    before = snapshot(other)
    with pytest.raises(NotAllowed, match=f"which {LEAD} leads; nothing was saved"):
        push_inspection(team.lead, team.inspection_id, other)
    assert snapshot(other) == before
    assert set(before) == {t.name for t in Base.metadata.sorted_tables}
    other.close()


def test_a_laptop_whose_audit_trail_does_not_verify_pushes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, _ = _laptop(tmp_path, monkeypatch)
    with team.lead.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'Someone' WHERE origin_seq = 2"))
    server = new_server()
    hq = server.open(LEAD)
    before = snapshot(hq)
    with pytest.raises(WorkbenchError, match="This store's audit trail does not verify"):
        push_inspection(team.lead, team.inspection_id, hq)
    assert snapshot(hq) == before
    hq.close()


FOLLOWUP = (
    "inspection_followup", "recommendation", "action_plan", "plan_action", "plan_return",
    "quarter_assessment", "quarter_evidence",
)  # fmt: skip


def _followup(team, folder: Path) -> str:
    """The laptop's follow-up of its inspection: recommendations, a return of one action,
    a quarterly judgement with evidence, and a baseline (another inspection); its id."""
    import openpyxl
    from followup_helpers import RECOMMENDATIONS
    from store_helpers import write_file

    from workbench.followup.plan_sheet import import_return, write_template
    from workbench.followup.quarters import add_evidence, assess
    from workbench.followup.recommendations import import_recommendations, set_baseline
    from workbench.services.inspections import create_inspection

    lead, inspection_id = team.lead, team.inspection_id
    import_recommendations(lead, inspection_id, write_file(folder, "recs.toml", RECOMMENDATIONS))
    sheet = folder / "return.xlsx"
    write_template(lead, inspection_id, sheet)
    book = openpyxl.load_workbook(sheet)
    row = [
        "",
        "Child protection plan",
        1,
        "Clear governance",
        "Set up a safeguarding board",
        "Assistant commissioner",
        date(2027, 1, 31),
        "In progress",
        "Board meets monthly",
    ]
    for column, value in enumerate(row, start=1):
        book["Actions"].cell(2, column, value or None)
    book.save(sheet)
    import_return(lead, inspection_id, sheet)
    assess(lead, inspection_id, 1, 2, judgement="Some progress", finding="Training begun.")
    add_evidence(lead, inspection_id, 1, 2, "interview", "Head of public protection")
    baseline = create_inspection(
        lead, force="Testshire Police", title="Baseline inspection", start=date(2023, 1, 9),
        end=date(2023, 2, 10),
    )  # fmt: skip
    set_baseline(lead, inspection_id, baseline.id)
    return baseline.id


def test_push_copies_the_follow_up_and_the_baseline_once_the_server_holds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.models import InspectionFollowup

    team, _ = _laptop(tmp_path, monkeypatch)
    baseline_id = _followup(team, tmp_path)
    server = new_server()
    hq = server.open(LEAD)
    pushed = push_inspection(team.lead, team.inspection_id, hq)
    assert pushed.baseline_missing == baseline_id
    assert f"Its baseline inspection {baseline_id[:8]} is not on the server" in pushed.describe()
    mine, theirs = snapshot(team.lead), snapshot(hq)
    for table in FOLLOWUP:
        assert mine[table] and len(theirs[table]) == len(mine[table]), table
    with hq.sessions() as session:
        assert session.get(InspectionFollowup, team.inspection_id).baseline_id is None

    # The server comes to hold the baseline (pushed from the same laptop), and the next push
    # sends the link.
    assert push_inspection(team.lead, baseline_id, hq).added >= 1
    again = push_inspection(team.lead, team.inspection_id, hq)
    assert again.baseline_missing is None and again.changed == 1
    with hq.sessions() as session:
        assert session.get(InspectionFollowup, team.inspection_id).baseline_id == baseline_id
    assert snapshot(hq)["plan_return"] == mine["plan_return"]  # the return's bytes as sent
    hq.close()


def test_a_laptop_pushes_several_inspections_in_any_order_and_the_server_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two inspections on one laptop, their events interleaved: each push sends the
    laptop's chain so far, so the second (and any later one) follows on from the first."""
    from store_helpers import write_file

    from workbench.services.case_import import import_cases
    from workbench.services.inspections import create_inspection

    team, _ = _laptop(tmp_path, monkeypatch)
    second = create_inspection(
        team.lead, force="Otherton Police", title="Second inspection", start=date(2026, 3, 2),
        end=date(2026, 3, 27),
    )  # fmt: skip
    import_cases(team.lead, second.id, write_file(
        tmp_path, "second.csv", "reference,category,unit\nOT-1,section_47,East\n"
    ))  # fmt: skip
    with team.lead.sessions() as session:
        other_case = session.scalars(select(Case.id).where(Case.inspection_id == second.id)).one()
    grading.edit(team.lead, other_case, "Lee Lead", "overall_grade", "inadequate")
    server = new_server()
    hq = server.open(LEAD)
    first = push_inspection(team.lead, second.id, hq)
    assert first.added >= 2 and first.audit_added > 0
    grading.edit(team.lead, team.cases[REFERENCES[3]], "Lee Lead", "rationale", "Later.")
    pushed = push_inspection(team.lead, team.inspection_id, hq)  # its events came first
    assert pushed.added >= len(REFERENCES) and pushed.audit_added > 0
    assert "the audit trail verifies at both ends" in pushed.describe()
    before = snapshot(hq)
    for inspection_id in (second.id, team.inspection_id):  # again: nothing changes
        assert (
            push_inspection(team.lead, inspection_id, hq)
            .describe()
            .endswith("the server already holds all of it; nothing changed.")
        )
    assert snapshot(hq) == before
    with hq.sessions() as session:
        titles = set(session.scalars(select(Inspection.title)))
        assert titles == {"Child protection inspection", "Second inspection"}
        assert audit.verify(session).intact
    hq.close()
    assert main(["--db", server.url(LEAD), "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("Audit trail intact: ")
