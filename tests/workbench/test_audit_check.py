"""``audit verify``: an honest store passes (a lead's store after packs from inspectors who
each worked on two inspections, and an inspector's own), and every kind of tampering exits 1
naming the problem: a direct edit of any audited field, the newest events removed, a chain
rewritten with fresh hashes, a received trail rewritten."""

from __future__ import annotations

import hashlib
import json
import shutil
import zlib
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from forging import relabelled
from packs_helpers import ANN, BOB, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead
from store_helpers import connect_file, write_file

from db.models import Case
from workbench.audit_check import check_audit
from workbench.cli import main
from workbench.followup.quarters import add_evidence, assess
from workbench.followup.recommendations import import_recommendations
from workbench.methodology import load_methodology
from workbench.packs import export_kit, export_pack, import_kit, import_packs
from workbench.services import grading
from workbench.services.moderation import moderate, moderate_stage
from workbench.services.referrals import add_response, raise_referral

METHOD = load_methodology()
RECOMMENDATIONS = """\
published = 2026-04-01
[[recommendation]]
number = 1
title = "Governance"
timeframe = "immediately"
text = "Put governance in place."
"""
PROMPT = METHOD.stages_for("section_47")[0].prompts[0].id
STAGE = METHOD.stages_for("section_47")[0].id


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Ann and Bob grade, note, answer, refer and respond on two inspections of one lead, and
    assess a recommendation's first quarter (Ann on the force's figures); the lead imports
    their four packs, moderates the case they graded differently and one of its stages, and
    writes its own quarterly assessment."""
    folder = tmp_path_factory.mktemp("verify")
    team = make_lead(folder)
    import_recommendations(
        team.lead, team.inspection_id, write_file(folder, "recs.toml", RECOMMENDATIONS)
    )
    second = make_lead(folder / "second", title="Second inspection")
    ann, bob = make_inspector(team, ANN), make_inspector(team, BOB)
    # The same two people's stores open a kit of a second inspection from the same lead.
    for name, store in ((ANN, ann), (BOB, bob)):
        kit = export_kit(second.lead, second.inspection_id, name, folder / f"{name}2.wbkit",
                         PASSPHRASE, all_cases=True)  # fmt: skip
        import_kit(store, kit.path, kit.code)
    case = team.cases[REFERENCES[0]]
    grade(ann, case, ANN, "good")
    grade(bob, case, BOB, "inadequate")
    grading.edit(ann, case, ANN, f"prompt:{PROMPT}", "partly")
    grading.edit(ann, case, ANN, f"stage:{STAGE}:notes", "Seen alone.")
    referral = raise_referral(ann, case, risk_summary="Sibling at home.", urgency="urgent")
    add_response(ann, referral, response="acknowledged", note="Told the DI.")
    assess(ann, team.inspection_id, 1, 1, judgement="some_progress", finding="Begun.")
    add_evidence(ann, team.inspection_id, 1, 1, "audit", "The force's audit",
                 on_date=date(2026, 6, 1), figures={"cases audited": 40})  # fmt: skip
    assess(bob, team.inspection_id, 1, 1, judgement="too_early")
    assess(bob, team.inspection_id, 1, 1, concerns="Supervision not yet recorded.")
    with second.lead.sessions() as session:
        other_case = session.query(Case).filter_by(inspection_id=second.inspection_id).first().id
    for name, store in ((ANN, ann), (BOB, bob)):
        grade(store, other_case, name, "requires_improvement")  # interleaved with the first
        grading.edit(store, team.cases[REFERENCES[1]], name, "overall_grade", "good")
    paths = [export_pack(s, i, folder / f"{n}{k}.wbpack").path
             for k, i in enumerate((team.inspection_id, second.inspection_id))
             for n, s in (("ann", ann), ("bob", bob))]  # fmt: skip
    for lead, inspection_paths in ((team.lead, paths[:2]), (second.lead, paths[2:])):
        assert all(o.error is None for o in import_packs(lead, inspection_paths, PASSPHRASE))
    moderate(team.lead, team.inspection_id, REFERENCES[0], "requires_improvement", "Agreed.")
    moderate_stage(team.lead, team.inspection_id, REFERENCES[0], STAGE, "good", "Seen alone.")
    moderate_stage(team.lead, team.inspection_id, REFERENCES[0], STAGE, "inadequate", "Not so.")
    assess(team.lead, team.inspection_id, 1, 1, judgement="some_progress", finding="Moderated.")
    for store in (ann, bob, team.lead, second.lead):
        store.close()
    return {"lead": team.lead.path, "ann": ann.path, "second": second.lead.path}


def verify(path: Path, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(["--db", str(path), "audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def copy_of(stores: dict, which: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{which}.sqlite"
    shutil.copy(stores[which], target)
    return target


def sql(path: Path, statement: str, *params: object) -> None:
    with closing(connect_file(path)) as conn, conn:
        conn.execute(statement, params)


@pytest.mark.parametrize("which", ["lead", "ann", "second"])
def test_honest_stores_verify(stores, which, capsys) -> None:
    code, out, err = verify(stores[which], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Audit trail intact: ")
    assert "Every audited value of " in out


EDITS = [
    ("UPDATE assessment SET overall_grade = 'inadequate' WHERE inspector = 'Ann Able' "
     "AND overall_grade = 'good'", "its overall grade is 'inadequate' in the store"),
    ("UPDATE assessment SET rationale = 'Changed.' WHERE inspector = 'Bob Baker'",
     "its rationale is 'Changed.'"),
    (f"UPDATE stage_judgement SET grade = 'good' WHERE stage_id = '{STAGE}' AND grade = "
     "'inadequate'", f"its stage {STAGE} grade is 'good'"),
    ("UPDATE stage_judgement SET notes = 'Not seen.' WHERE notes = 'Seen alone.'",
     f"its stage {STAGE} notes is 'Not seen.'"),
    ("UPDATE assessment SET answers = '{}' WHERE answers != '{}'", "its answer to prompt "),
    ("UPDATE referral SET urgency = 'routine'", "its urgency is 'routine'"),
    ("UPDATE stage_moderation SET grade = 'good'", f"the moderation of stage {STAGE}"),
    ("UPDATE stage_moderation SET reason = 'Forged.'", "its reason is 'Forged.'"),
    ("UPDATE quarter_assessment SET finding = 'Forged.' WHERE author = 'Ann Able'",
     "its finding is 'Forged.'"),
    ("UPDATE quarter_assessment SET judgement = 'substantial_progress' WHERE author = "
     "'Bob Baker'", "its judgement is 'substantial_progress'"),
    ("UPDATE quarter_assessment SET concerns = '' WHERE author = 'Bob Baker'",
     "its concerns is ''"),
    ("UPDATE quarter_evidence SET title = 'Forged.'", "its title is 'Forged.'"),
    ("UPDATE referral SET status = 'closed'", "its status is 'closed'"),
    ("UPDATE referral_event SET note = 'Nothing.'", "its note is 'Nothing.'"),
    ("UPDATE moderation SET grade = 'good'", "the moderation of case"),
    ("UPDATE assessment SET answers = json_set(answers, '$.x', 'yes') WHERE answers != '{}'",
     "its answer to prompt x is 'yes' in the store, but its audit trail says None"),
    ("UPDATE assessment SET inspector = 'Cy Carr' WHERE inspector = 'Bob Baker' AND "
     "overall_grade = 'inadequate'", "its inspector is 'Cy Carr' in the store"),
]  # fmt: skip
# Every audited field of a case, edited directly in the lead's store: the replay names the
# case and the field.
CASE_EDITS = [
    ("reference", "'FORGED-1'", "the case FORGED-1 (inspection 'Child protection inspection'): "
     f"its reference is 'FORGED-1' in the store, but its audit trail says '{REFERENCES[2]}'"),
    ("category", "'child_sexual_exploitation'", "its category is 'child_sexual_exploitation'"),
    ("unit", "'Elsewhere'", "its unit is 'Elsewhere'"),
    ("opened_on", "'2020-01-01'", "its opened on is '2020-01-01'"),
    ("closed_on", "'2020-02-01'", "its closed on is '2020-02-01'"),
    ("child_ref", "'C-FORGED'", "its child ref is 'C-FORGED'"),
    ("force_grade", "'outstanding'", "its force grade is 'outstanding'"),
    ("assigned_to", "'Cy Carr'", "its assigned to is 'Cy Carr'"),
    ("second_inspector", "'Cy Carr'", "its second inspector is 'Cy Carr'"),
    ("methodology_version", "'0.9'", "its methodology version is '0.9'"),
    ("attributes", """'{"team":"B"}'""", "its attributes is {'team': 'B'}"),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "named"), EDITS)
def test_a_direct_edit_of_an_audited_field_is_found(stores, tmp_path, capsys, statement, named):
    path = copy_of(stores, "lead", tmp_path)
    sql(path, statement)
    code, out, err = verify(path, capsys)
    assert (code, out) == (1, "")
    assert named in err and "but its audit trail" in err


@pytest.mark.parametrize(("column", "value", "named"), CASE_EDITS)
@pytest.mark.parametrize("which", ["lead", "ann"])
def test_a_direct_edit_of_any_field_of_a_case_names_the_case_and_the_field(
    stores, tmp_path, capsys, which, column, value, named
) -> None:
    path = copy_of(stores, which, tmp_path)
    sql(
        path,
        f"UPDATE case_file SET {column} = {value} WHERE reference = ? AND inspection_id = "  # noqa: S608
        "(SELECT id FROM inspection WHERE title = 'Child protection inspection')",
        REFERENCES[2],
    )
    code, out, err = verify(path, capsys)
    assert (code, out) == (1, "")
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert len(problems) == 1, err  # that case and that field, nothing else
    assert named in problems[0] and "but its audit trail says" in problems[0]


def test_a_case_added_or_removed_behind_the_trail_is_named(stores, tmp_path, capsys) -> None:
    path = copy_of(stores, "lead", tmp_path)
    sql(path, "INSERT INTO case_file SELECT 'a0a0a0a0-0000-4000-8000-000000000000', "
        "inspection_id, 'EXTRA-1', category, unit, opened_on, closed_on, child_ref, force_grade, "
        "assigned_to, methodology_version, created_at, second_inspector, attributes FROM "
        "case_file WHERE reference = ? LIMIT 1", REFERENCES[3])  # fmt: skip
    sql(path, "DELETE FROM case_file WHERE reference = ?", REFERENCES[3])
    code, _, err = verify(path, capsys)
    assert code == 1
    assert (
        "inspection 'Child protection inspection' has 1 cases with no audit trail: EXTRA-1" in err
    )
    assert f"the case {REFERENCES[3]} (id " in err and "is in the audit trail but not in the" in err


@pytest.mark.parametrize("removed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("which", ["ann", "lead"])
def test_removing_the_newest_events_is_found(stores, tmp_path, capsys, which, removed) -> None:
    path = copy_of(stores, which, tmp_path)
    sql(path, "DELETE FROM audit_event WHERE seq > (SELECT MAX(seq) FROM audit_event) - ?", removed)
    code, _, err = verify(path, capsys)
    assert code == 1
    assert "events were removed" in err


def _rewrite_own_chain(path: Path, actor: str) -> None:
    """Every event of the store's chain rewritten (the actor changed) with fresh hashes,
    and the record of its newest event brought in line: a careful forger's work."""
    with closing(connect_file(path)) as conn, conn:
        columns = "id, origin, origin_seq, at, actor, action, entity, entity_id, field, "
        columns += "old_value, new_value, prev_hash"
        rows = conn.execute(f"SELECT {columns} FROM audit_event ORDER BY origin_seq").fetchall()  # noqa: S608
        lines = [
            json.dumps(list(r), ensure_ascii=False, separators=(",", ":")).encode() for r in rows
        ]
        for row, line in zip(rows, relabelled(lines, actor), strict=True):
            values = json.loads(line)
            digest = hashlib.sha256(line).hexdigest()
            conn.execute(
                "UPDATE audit_event SET actor = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (values[4], values[11], digest, row[0]),
            )
        conn.execute("UPDATE chain_head SET last_hash = ? WHERE kind = 'own'", (digest,))


def test_a_chain_rewritten_with_fresh_hashes_is_found_by_the_heads_exported(
    stores, tmp_path, capsys
) -> None:
    path = copy_of(stores, "ann", tmp_path)
    _rewrite_own_chain(path, "Someone Else")
    code, _, err = verify(path, capsys)
    assert code == 1
    assert "is no longer the same (the chain was rewritten)" in err


def test_a_received_trail_rewritten_with_fresh_hashes_is_found_by_the_heads_received(
    stores, tmp_path, capsys
) -> None:
    path = copy_of(stores, "lead", tmp_path)
    with closing(connect_file(path)) as conn, conn:
        for segment_id, block in conn.execute("SELECT id, lines FROM audit_segment").fetchall():
            lines = relabelled(zlib.decompress(block).split(b"\n"), "Someone Else")
            last = hashlib.sha256(lines[-1]).hexdigest()
            conn.execute(
                "UPDATE audit_segment SET lines = ?, last_hash = ? WHERE id = ?",
                (zlib.compress(b"\n".join(lines)), last, segment_id),
            )
    code, _, err = verify(path, capsys)
    assert code == 1
    assert "received (edited or rewritten since)" in err


def test_every_problem_is_reported_up_to_a_screenful_then_counted(stores, tmp_path, capsys):
    path = copy_of(stores, "ann", tmp_path)
    sql(path, "UPDATE audit_event SET actor = 'X'")  # every event of Ann's chain
    code, _, err = verify(path, capsys)
    problems = [line for line in err.splitlines() if line.startswith("  - ")]
    assert code == 1 and len(problems) == 21
    assert problems[-1].startswith("  - … and ") and problems[-1].endswith(" more problems.")
    assert "edited after it was written" in problems[0]


def test_the_whole_audit_check_passes_on_the_demo(demo_store) -> None:  # type: ignore[no-untyped-def]
    """What `audit verify` runs on a laptop: the demo's prompt answers and case facts, stage
    grades, referrals and moderation all replay from its trail."""
    with demo_store.store.sessions() as session:
        result = check_audit(session)
    assert result.problems == [] and result.records > 80
