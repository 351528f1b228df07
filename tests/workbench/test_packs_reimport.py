"""Packs imported again: the very same file is recognised by its digest and never opened;
a new export is checked in full beyond what the lead already holds of its sender's trail,
and ties between equal versions are settled by the content digest kept on merging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from forging import forge
from packs_helpers import ANN, LEAD, PASSPHRASE, REFERENCES, grade, make_inspector, make_lead
from sqlalchemy import select, text

from db.models import Assessment, ImportLog
from workbench import audit
from workbench.cli import main
from workbench.packs import export_pack, import_packs, opening, records
from workbench.services import grading


@pytest.fixture
def scene(tmp_path: Path):
    """The lead holds Ann's first pack: both her cases graded."""
    team = make_lead(tmp_path)
    ann = make_inspector(team, ANN, all_cases=False)
    for reference in REFERENCES[:2]:
        grade(ann, team.cases[reference], ANN, "requires_improvement")
    first = export_pack(ann, team.inspection_id, tmp_path / "day1.wbpack").path
    [outcome] = import_packs(team.lead, [first], PASSPHRASE)
    assert outcome.error is None and outcome.result.counts.added == 2
    yield team, ann, first, outcome.result.log_id
    ann.close()


def test_the_very_same_file_again_is_not_opened_and_is_reported_as_imported_before(
    scene, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    team, _, first, log_id = scene
    opened: list[str] = []
    open_body = opening.open_body

    def recording(sealed, private):
        opened.append(sealed.sha256)
        return open_body(sealed, private)

    monkeypatch.setattr(opening, "open_body", recording)
    outcomes = import_packs(team.lead, [first, first], PASSPHRASE)
    assert [o.error for o in outcomes] == [None, None]
    assert [o.result.same_file_as for o in outcomes] == [log_id, log_id]
    assert [(o.result.counts.added, o.result.counts.changed) for o in outcomes] == [(0, 0)] * 2
    assert opened == []  # found in the imports log by its digest: never decrypted

    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    assert main(["--db", str(team.lead.path), "pack", "import", str(first)]) == 0
    said = capsys.readouterr().out
    assert "day1.wbpack: from Ann Able" in said
    assert "already imported (the very same file), so it was not opened again" in said
    assert opened == []
    with team.lead.sessions() as session:
        logged = session.scalars(select(ImportLog).where(ImportLog.kind == "pack")).all()
    assert len(logged) == 4  # every import is on the record, the repeats with their original
    assert sum(json.loads(e.details).get("same_file_as") == log_id for e in logged) == 3


def test_a_new_export_with_one_changed_record_is_checked_and_merged(scene, tmp_path) -> None:
    team, ann, _, _ = scene
    case_id = team.cases[REFERENCES[1]]
    grading.edit(ann, case_id, ANN, "overall_grade", "inadequate")
    later = export_pack(ann, team.inspection_id, tmp_path / "day2.wbpack").path
    [outcome] = import_packs(team.lead, [later], PASSPHRASE)
    assert outcome.error is None and outcome.result.same_file_as is None
    counts = outcome.result.counts
    # the edit and the export itself are the events the lead did not hold yet
    assert (counts.added, counts.changed, counts.audit_events_added) == (0, 1, 2)
    with team.lead.sessions() as session:
        row = session.scalars(select(Assessment).where(Assessment.case_id == case_id)).one()
        assert row.overall_grade == "inadequate"
        assert audit.verify(session).intact
    with team.lead.engine.connect() as conn:
        ids = [i for (i,) in conn.execute(text("SELECT id FROM assessment"))]
        kept = dict(conn.execute(text("SELECT id, pack_digest FROM assessment")).all())
        stored = records.assessments(conn, ids)
    assert {r["id"]: records.digest(r) for r in stored} == kept  # the digest is the content's


def _last_event_by(actor: str):
    """The newest event (one the lead does not hold yet) claims another actor; everything
    before it is left byte for byte as the lead holds it."""

    def change(document, lines):
        values = json.loads(lines[-1])
        values[audit.HASHED.index("actor")] = actor
        return [
            *lines[:-1],
            audit.event_line(dict(zip(audit.HASHED, values, strict=True))).encode(),
        ]

    return change


def test_a_new_export_whose_new_events_are_not_the_senders_is_refused(scene, tmp_path) -> None:
    team, ann, _, _ = scene
    grading.edit(ann, team.cases[REFERENCES[0]], ANN, "rationale", "Seen again on day 2.")
    forged = forge(ann, team.inspection_id, tmp_path / "forged.wbpack", _last_event_by(LEAD))
    [outcome] = import_packs(team.lead, [forged], PASSPHRASE)
    assert outcome.error is not None
    assert "of its audit trail is recorded by someone other than Ann Able" in str(outcome.error)
    with team.lead.sessions() as session:
        row = session.scalars(
            select(Assessment).where(Assessment.case_id == team.cases[REFERENCES[0]])
        ).one()
        assert row.rationale != "Seen again on day 2."


def test_a_new_export_whose_trail_differs_where_the_held_part_ends_is_refused(
    scene, tmp_path
) -> None:
    """The line at the last event the lead holds is checked against the hash held: a pack
    whose history there is another is refused (its lines up to there are not read again)."""
    team, ann, _, _ = scene
    grading.edit(ann, team.cases[REFERENCES[0]], ANN, "rationale", "Seen again on day 2.")
    with team.lead.engine.connect() as conn:
        origin = conn.execute(text("SELECT origin FROM audit_segment")).scalar_one()
        _, last_seq, _ = records.received_mark(conn, origin)

    def rewritten(document, lines):
        index = next(i for i, line in enumerate(lines) if json.loads(line)[2] == last_seq)
        values = dict(zip(audit.HASHED, json.loads(lines[index]), strict=True))
        values["new_value"] = json.dumps("another history")
        return [*lines[:index], audit.event_line(values).encode(), *lines[index + 1 :]]

    forged = forge(ann, team.inspection_id, tmp_path / "rewritten.wbpack", rewritten)
    [outcome] = import_packs(team.lead, [forged], PASSPHRASE)
    assert outcome.error is not None
    assert f"event {last_seq} of the sender's audit trail differs from ours" in str(outcome.error)


@pytest.mark.parametrize("kept", [True, False], ids=["digest kept", "digest not kept"])
def test_a_tie_between_equal_versions_is_settled_by_the_content_digest(
    scene, tmp_path, kept: bool
) -> None:
    """The same revision and time with another rationale: the greater digest wins, whether
    the stored row's digest was kept on merging or (a row merged before digests were kept)
    it is read back and computed."""
    team, ann, _, _ = scene
    case_id = team.cases[REFERENCES[0]]
    if not kept:
        with team.lead.engine.begin() as conn:
            conn.execute(text("UPDATE assessment SET pack_digest = NULL"))
    with team.lead.engine.connect() as conn:
        [stored] = [
            r for r in records.assessments(conn, [i for (i,) in conn.execute(
                text("SELECT id FROM assessment WHERE case_id = :c"), {"c": case_id})])
        ]  # fmt: skip
    outcomes = {}
    for rationale in ("Tie A: the plan was followed.", "Tie B: the plan was followed."):

        def change(document, lines, rationale=rationale):
            for record in document["assessments"]:
                if record["case_id"] == case_id:
                    record["rationale"] = rationale

        path = forge(ann, team.inspection_id, tmp_path / f"{rationale[:5]}.wbpack", change)
        with team.lead.engine.connect() as conn:
            before = records.assessments(conn, [stored["id"]])
        [outcome] = import_packs(team.lead, [path], PASSPHRASE)
        assert outcome.error is None, outcome.error
        wins = records.digest({**before[0], "rationale": rationale}) > records.digest(before[0])
        outcomes[rationale] = (outcome.result.counts.changed, wins)
    for changed, wins in outcomes.values():
        assert changed == (1 if wins else 0)
    with team.lead.engine.connect() as conn:
        [final] = records.assessments(conn, [stored["id"]])
    contenders = [stored["rationale"], *outcomes]
    best = max(contenders, key=lambda r: records.digest({**stored, "rationale": r}))
    assert final["rationale"] == best
