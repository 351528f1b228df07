"""Packs imported again: the very same file is recognised by its digest and never opened;
a new export is checked in full beyond what the lead already holds of its sender's trail,
and ties between equal versions are settled by the content digest kept on merging."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from forging import forge
from packs_helpers import (
    ANN,
    LEAD,
    PASSPHRASE,
    REFERENCES,
    grade,
    make_inspector,
    make_lead,
    refused_import,
)
from sqlalchemy import select, text

from db.models import Assessment, ImportLog
from workbench import audit
from workbench.cli import main
from workbench.packs import (
    PackRefused,
    container,
    export_pack,
    import_packs,
    opening,
    payload,
    records,
)
from workbench.packs import document as document_module
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


def test_a_new_export_changing_nothing_leaves_its_records_as_held(scene, tmp_path) -> None:
    """Re-exported with nothing changed: every assessment is found to be the one held (by
    the digest its merge kept) and neither checked nor merged again; the log still counts
    them as in the pack."""
    team, ann, _, _ = scene
    checked: list[str] = []
    complete = document_module.complete

    def recording(record, known):
        checked.append(record["id"])
        return complete(record, known)

    again = export_pack(ann, team.inspection_id, tmp_path / "day2.wbpack").path
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document_module, "complete", recording)
        [outcome] = import_packs(team.lead, [again], PASSPHRASE)
    assert outcome.error is None, outcome.error
    counts = outcome.result.counts
    assert (counts.added, counts.changed, counts.audit_events_added) == (0, 0, 1)  # the export
    assert checked == []
    with team.lead.sessions() as session:
        entry = session.get(ImportLog, outcome.result.log_id)
        assert json.loads(entry.details)["assessments"] == {"in_pack": 2, "added": 0, "changed": 0}
        assert audit.verify(session).intact


def _first(document: dict, case_id: str) -> dict:
    return next(r for r in document["assessments"] if r["case_id"] == case_id)


# One record of a re-export altered (and the pack re-signed), every other record the one held:
# what a first import would say of it.
ALTERED = {
    "revision as text": (lambda r: r.update(revision=str(r["revision"])),
                         "its field 'revision' is not a whole number"),
    "unknown grade": (lambda r: r.update(overall_grade="superb"),
                      "its field 'overall_grade' is not a grade"),
    "unknown field": (lambda r: r.update(colour="red"), "has unknown fields: colour"),
    "another's grading": (lambda r: r.update(inspector="Bob Baker"), "is Bob Baker's grading"),
    "unknown stage": (lambda r: r["stages"][0].update(stage_id="no_such_stage"),
                      "is graded without a grade for every stage that applies"),
    "stage grade": (lambda r: r["stages"][0].update(grade="superb"),
                    "its field 'grade' is not a stage grade"),
    "unknown prompt": (lambda r: r["answers"].update(no_such_prompt="yes"),
                       "there is no prompt 'no_such_prompt'"),
    "in the future": (lambda r: r.update(updated_at="2099-01-01T00:00:00.000000+00:00"),
                      "its field 'updated_at' (2099-01-01T00:00:00.000000+00:00) is in the future"),
    "graded without a rationale": (lambda r: r.update(rationale=" "),
                                   "is graded without a rationale"),
    "beyond the trail": (lambda r: r.update(revision=999_999),
                         "is at revision 999999, more than the"),
}  # fmt: skip


@pytest.mark.parametrize("alteration", list(ALTERED))
def test_a_new_export_with_one_record_altered_is_refused_as_before(
    scene, tmp_path, alteration: str
) -> None:
    """The altered record is checked in full, beside records proven to be those held: the
    pack is refused with the reason it would meet with no digest kept here, the store left
    unchanged (a full dump compared) and the refusal logged."""
    team, ann, _, _ = scene
    change, words = ALTERED[alteration]
    case_id = team.cases[REFERENCES[1]]
    forged = forge(
        ann, team.inspection_id, tmp_path / "altered.wbpack",
        lambda document, lines: change(_first(document, case_id)),
    )  # fmt: skip
    reason = str(refused_import(team.lead, forged))
    assert words in reason
    with team.lead.engine.begin() as conn:  # the very same file with no digest kept here
        conn.execute(text("UPDATE assessment SET pack_digest = NULL"))
    assert str(refused_import(team.lead, forged)) == reason


def test_a_held_record_carried_twice_is_refused(scene, tmp_path) -> None:
    team, ann, _, _ = scene
    case_id = team.cases[REFERENCES[0]]

    def twice(document, lines):
        document["assessments"].append(json.loads(json.dumps(_first(document, case_id))))

    forged = forge(ann, team.inspection_id, tmp_path / "twice.wbpack", twice)
    assert "two assessment records share an id" in str(refused_import(team.lead, forged))


def test_a_new_export_with_one_record_altered_validly_is_merged_as_before(scene, tmp_path) -> None:
    """A later revision of one record, re-signed: merged, the other held record untouched."""
    team, ann, _, _ = scene
    case_id = team.cases[REFERENCES[1]]

    def later(document, lines):
        record = _first(document, case_id)
        record.update(revision=record["revision"] + 1, rationale="Looked at again.")

    forged = forge(ann, team.inspection_id, tmp_path / "later.wbpack", later)
    with team.lead.engine.connect() as conn:
        before = {r["case_id"]: r for r in records.assessments(
            conn, [i for (i,) in conn.execute(text("SELECT id FROM assessment"))])}  # fmt: skip
    [outcome] = import_packs(team.lead, [forged], PASSPHRASE)
    assert outcome.error is None, outcome.error
    assert (outcome.result.counts.added, outcome.result.counts.changed) == (0, 1)
    with team.lead.engine.connect() as conn:
        after = {
            r["case_id"]: r for r in records.assessments(conn, [r["id"] for r in before.values()])
        }
    assert after[case_id] == {**before[case_id], "rationale": "Looked at again.",
                              "revision": before[case_id]["revision"] + 1}  # fmt: skip
    other = team.cases[REFERENCES[0]]
    assert after[other] == before[other]


@pytest.mark.parametrize(
    "text",
    [
        b'{"assessments":[{"a":1},{"b":[1,2]}],"x":2}',
        b'{"assessments":[],"y":null}',
        b'{"assessments":[{"a":"]},{"}]}',
        b'{"assessments":[{"a":1}],"assessments":[]}',  # the key twice: the last one counts
        b'{"assessments":[{"a":1} ,{"b":2}]}',
        b'{"assessments":[{"a":1}]}  ',
    ],
)
def test_a_packs_items_are_read_as_json_reads_them(text: bytes) -> None:
    document, texts = payload.parse_json_items(text, "findings pack", "assessments")
    assert document == json.loads(text)
    if texts is not None:
        assert [json.loads(t) for t in texts] == document["assessments"]


@pytest.mark.parametrize("text", [b'{"assessments":[{"a":1}]} x', b'{"assessments":[{"a":1]}'])
def test_a_pack_whose_items_are_not_json_is_refused(text: bytes) -> None:
    with pytest.raises(PackRefused, match="its contents are not valid JSON"):
        payload.parse_json_items(text, "findings pack", "assessments")


def test_a_held_record_written_in_another_key_order_is_still_recognised(scene, tmp_path) -> None:
    """Not the exporter's canonical text, the same content: recognised by its content digest
    (encoded again), so nothing is checked or changed."""
    team, ann, _, _ = scene

    def reordered(document, lines):
        document["assessments"] = [dict(reversed(r.items())) for r in document["assessments"]]

    forged = forge(ann, team.inspection_id, tmp_path / "reordered.wbpack", reordered)
    checked: list[str] = []
    complete = document_module.complete
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            document_module,
            "complete",
            lambda r, known: checked.append(r["id"]) or complete(r, known),
        )
        [outcome] = import_packs(team.lead, [forged], PASSPHRASE)
    assert outcome.error is None, outcome.error
    assert (outcome.result.counts.added, outcome.result.counts.changed) == (0, 0)
    assert checked == []


def test_the_signature_of_a_file_imported_before_is_not_computed_again(scene, tmp_path) -> None:
    """The very bytes were verified when they were imported; a new export is verified."""
    team, ann, first, _ = scene
    later = export_pack(ann, team.inspection_id, tmp_path / "day2.wbpack").path
    checked: list[bytes] = []
    valid = container.signature_valid

    def recording(key, signature, data):
        checked.append(data)
        return valid(key, signature, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(container, "signature_valid", recording)
        outcomes = import_packs(team.lead, [first, later], PASSPHRASE)
    assert [o.error for o in outcomes] == [None, None]
    assert len(checked) == 1 and later.read_bytes().startswith(checked[0])
