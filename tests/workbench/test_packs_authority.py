"""A validly signed pack may change only what its sender wrote: each attack below is built
with the real export code from an inspector's store, then forged and signed with that
inspector's real device key; each is refused with a reason naming the record and its author,
the lead's store unchanged in content (a full dump compared) and the refusal in the log."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from forging import forge, relabelled, renamed
from packs_helpers import (
    ANN,
    BOB,
    FIELDWORK,
    LEAD,
    PASSPHRASE,
    REFERENCES,
    grade,
    make_inspector,
    make_lead,
    refused_import,
)
from store_helpers import write_file

from workbench.followup import pack_records
from workbench.followup.quarters import assess
from workbench.followup.recommendations import import_recommendations
from workbench.methodology import load_methodology
from workbench.packs import export_pack, import_packs, records
from workbench.services.referrals import add_response, raise_referral

METHOD = load_methodology()


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory):
    """The lead holds Bob's pack (a graded case, an open urgent referral); Ann has graded her
    case and raised a referral with one response. Kits hold each one's assigned cases only."""
    folder = tmp_path_factory.mktemp("authority")
    team = make_lead(folder)
    ann = make_inspector(team, ANN, all_cases=False)
    bob = make_inspector(team, BOB, all_cases=False)
    grade(bob, team.cases[REFERENCES[2]], BOB, "inadequate")
    raise_referral(
        bob, team.cases[REFERENCES[2]], risk_summary="Sibling at home.", urgency="urgent"
    )
    [bob_import] = import_packs(
        team.lead, [export_pack(bob, team.inspection_id, folder / "b.wbpack").path], PASSPHRASE
    )
    assert bob_import.error is None
    grade(ann, team.cases[REFERENCES[0]], ANN, "requires_improvement")
    ann_referral = raise_referral(
        ann, team.cases[REFERENCES[0]], risk_summary="Child not seen.", urgency="immediate"
    )
    add_response(ann, ann_referral, response="acknowledged", note="Duty DI told.")
    with team.lead.engine.connect() as conn:
        [bobs_referral] = records.referrals(
            conn, [r for (r,) in conn.exec_driver_sql("SELECT id FROM referral").all()]
        )
    return team, ann, bobs_referral, folder


def _attack(scene, name: str, change) -> str:
    team, ann, _, folder = scene
    path = forge(ann, team.inspection_id, folder / f"{name}.wbpack", change)
    return str(refused_import(team.lead, path))


def test_closing_another_inspectors_referral_is_refused(scene) -> None:
    bobs = scene[2]

    def close(document, lines):
        document["referrals"].append(
            {**bobs, "status": "closed", "closed_at": bobs["updated_at"], "revision": 2}
        )

    reason = _attack(scene, "close", close)
    assert f"the referral {bobs['id']} was raised by {BOB}" in reason
    assert f"a pack from {ANN} may carry only referrals {ANN} raised" in reason


def test_closing_another_inspectors_referral_by_a_response_is_refused(scene) -> None:
    bobs = scene[2]

    def respond(document, lines):
        response = dict(document["referral_events"][0], response="closed")
        response.update(id="0f0e0d0c-0b0a-4999-8888-777766665555", referral_id=bobs["id"])
        document["referral_events"].append(response)

    reason = _attack(scene, "respond", respond)
    assert f"is to the referral {bobs['id']}, which {ANN} did not raise" in reason


def test_downgrading_another_inspectors_referral_in_ones_own_name_is_refused(scene) -> None:
    bobs = scene[2]

    def downgrade(document, lines):
        document["referrals"].append(
            {**bobs, "raised_by": ANN, "urgency": "routine", "revision": 2}
        )

    reason = _attack(scene, "downgrade", downgrade)
    assert f"the referral {bobs['id']} is raised by {BOB} in this store" in reason


def test_an_enormous_revision_is_refused(scene) -> None:
    def freeze(document, lines):
        document["assessments"][0]["revision"] = 2**31 - 1

    reason = _attack(scene, "revision", freeze)
    assert "is at revision 2147483647, more than the" in reason
    assert reason.startswith("This findings pack is signed but its contents are not what")


def test_responding_in_the_leads_name_is_refused(scene) -> None:
    def as_lead(document, lines):
        document["referral_events"][0]["recorded_by"] = LEAD

    reason = _attack(scene, "as-lead", as_lead)
    assert f"is recorded by {LEAD}, and a pack from {ANN} may carry only responses" in reason


def test_grading_a_case_in_nobody_elses_kit_is_refused(scene) -> None:
    team = scene[0]
    bobs_case = team.cases[REFERENCES[2]]

    def other_case(document, lines):
        document["assessments"][0]["case_id"] = bobs_case

    reason = _attack(scene, "other-case", other_case)
    assert f"is of case {REFERENCES[2]}, which is in no kit issued to {ANN}" in reason


def test_one_key_under_two_names_is_refused(scene) -> None:
    team, ann, _, folder = scene
    [honest] = import_packs(
        team.lead, [export_pack(ann, team.inspection_id, folder / "a.wbpack").path], PASSPHRASE
    )
    assert honest.error is None

    def as_bob(document, lines):
        for section in ("assessments", "referrals", "referral_events"):
            document[section] = []  # Ann's own records here stay Ann's: only the key is tried
        return renamed(document, lines, BOB)

    reason = _attack(scene, "as-bob", as_bob)
    assert f"in the name of {BOB}, but it is signed by the key" in reason
    assert f"which is registered to {ANN} for this inspection" in reason


def test_a_pack_under_a_name_no_kit_was_issued_to_is_refused(scene) -> None:
    reason = _attack(
        scene, "carol", lambda document, lines: renamed(document, lines, "Carol Crane")
    )
    assert "This pack is from Carol Crane, but no kit for this inspection was issued" in reason


def test_a_stage_that_does_not_apply_is_refused(scene) -> None:
    applies = {s.id for s in METHOD.stages_for("section_47")}
    other = next(s for s in METHOD.stage_ids if s not in applies)

    def stage(document, lines):
        document["assessments"][0]["stages"].append(
            {"id": "1a2b3c4d-0000-4000-8000-000000000001", "stage_id": other, "grade": "good",
             "notes": ""}
        )  # fmt: skip

    reason = _attack(scene, "stage", stage)
    assert f"grades the stage '{other}', which does not apply to case {REFERENCES[0]}" in reason


def _not_for_section_47(fact: bool):
    """A prompt (or fact) whose stage applies to a section 47 case but which names other
    categories only."""
    applies = {s.id for s in METHOD.stages_for("section_47")}
    return next(
        i for i in METHOD.items
        if i.fact is fact and i.categories and "section_47" not in i.categories
        and i.stage_id in applies
    )  # fmt: skip


@pytest.mark.parametrize(("fact", "kind"), [(False, "prompt"), (True, "fact")])
def test_an_answer_to_a_prompt_for_other_categories_is_refused(scene, fact, kind) -> None:
    item = _not_for_section_47(fact)
    answer = item.answers[0].id if item.answers else "yes"

    def answered(document, lines):
        document["assessments"][0]["answers"][item.id] = answer

    reason = _attack(scene, f"category-{kind}", answered)
    assessment_id = reason.split("the assessment ")[1].split(" ")[0]
    assert (
        f"the assessment {assessment_id} of case {REFERENCES[0]} answers the {kind} "
        f"'{item.id}', which does not apply to {METHOD.category_name('section_47')} cases "
        "(section_47)"
    ) in reason


@pytest.mark.parametrize(
    ("field", "moment", "words"),
    [
        ("updated_at", datetime.now(UTC) + timedelta(days=1), "in the future"),
        ("created_at", datetime(*FIELDWORK[0].timetuple()[:3], tzinfo=UTC) - timedelta(days=60),
         "outside the fieldwork window"),
    ],
)  # fmt: skip
def test_a_future_or_pre_fieldwork_timestamp_is_refused(scene, field, moment, words) -> None:
    def stamp(document, lines):
        document["assessments"][0][field] = moment.isoformat(timespec="microseconds")

    reason = _attack(scene, f"time-{field}", stamp)
    assert f"its field '{field}'" in reason and words in reason


def test_grades_without_their_audit_trail_are_refused(scene) -> None:
    def strip(document, lines):
        assessment_id = document["assessments"][0]["id"].encode()
        kept = [line for line in lines if assessment_id not in line]
        return relabelled(kept, ANN)  # a chain again, with fresh hashes

    reason = _attack(scene, "no-trail", strip)
    assert "has no audit trail" in reason


def test_a_response_after_the_closing_one_is_refused(scene) -> None:
    def after_close(document, lines):
        first = document["referral_events"][0]
        when = datetime.fromisoformat(first["occurred_at"])
        closing = dict(first, id="2a2b2c2d-0000-4000-8000-000000000002", response="closed")
        later = dict(first, id="3a3b3c3d-0000-4000-8000-000000000003", response="acknowledged")
        later["occurred_at"] = (when + timedelta(seconds=1)).isoformat(timespec="microseconds")
        document["referral_events"] += [closing, later]

    assert "comes after the referral" in _attack(scene, "late", after_close)


def test_the_inspectors_honest_pack_still_imports_after_every_attack(scene) -> None:
    team, ann, _, folder = scene
    path = export_pack(ann, team.inspection_id, folder / "honest.wbpack").path
    [outcome] = import_packs(team.lead, [path], PASSPHRASE)
    assert outcome.error is None, outcome.error


def test_an_assessment_marked_graded_without_its_grades_is_refused(scene) -> None:
    def hollow(document, lines):
        document["assessments"][0]["overall_grade"] = None  # still "graded"

    reason = _attack(scene, "hollow", hollow)
    assert f"of case {REFERENCES[0]} is graded without an overall grade" in reason


def test_audit_events_recorded_by_someone_else_are_refused(scene) -> None:
    def lead_event(document, lines):
        chain = relabelled(lines, ANN)
        last = relabelled([chain[-1]], LEAD)[0]  # the newest event now says the lead did it
        values = json.loads(last)
        values[11] = hashlib.sha256(chain[-2]).hexdigest()
        return [*chain[:-1], json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()]

    reason = _attack(scene, "lead-event", lead_event)
    assert "of its audit trail is recorded by someone other than Ann Able" in reason


FOLLOWUP = """\
published = 2026-04-01
[[recommendation]]
number = 1
title = "Governance"
timeframe = "immediately"
text = "Put governance in place."
"""


def test_taking_over_the_leads_quarterly_assessment_is_refused(tmp_path) -> None:
    """Ann's pack carries her own quarterly assessment under the id of the lead's, to
    replace the lead's wording in the update report: refused, naming both."""
    team = make_lead(tmp_path / "followup")
    import_recommendations(
        team.lead, team.inspection_id, write_file(tmp_path, "recs.toml", FOLLOWUP)
    )
    ann = make_inspector(team, ANN)
    try:
        assess(team.lead, team.inspection_id, 1, 1, judgement="too_early", finding="Lead's.")
        assess(ann, team.inspection_id, 1, 1, judgement="sufficient_progress", finding="Done.")
        with team.lead.sessions() as session:
            [leads] = pack_records.pack_section(session, team.inspection_id, LEAD)[
                "quarter_assessments"
            ]

        def take_over(document, lines):
            [mine] = document["followup"]["quarter_assessments"]
            mine["id"] = leads["id"]

        path = forge(ann, team.inspection_id, tmp_path / "take-over.wbpack", take_over)
        reason = str(refused_import(team.lead, path))
    finally:
        ann.close()
        team.lead.close()
    assert f"the quarterly assessment {leads['id']} is recorded by {LEAD}" in reason
    assert f"a pack from {ANN} may not change it" in reason
