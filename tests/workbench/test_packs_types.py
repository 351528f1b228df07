"""A wrong type anywhere in a signed pack is a refusal that names the record and the field,
never a traceback; packs from honest use always import (Hypothesis)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from forging import forge
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packs_helpers import (
    ANN,
    PASSPHRASE,
    REFERENCES,
    dump,
    grade,
    make_inspector,
    make_lead,
    refused_import,
)
from store_helpers import write_file

from workbench.errors import WorkbenchError
from workbench.followup import pack_records
from workbench.followup.quarters import add_evidence, assess
from workbench.followup.recommendations import import_recommendations
from workbench.methodology import load_methodology
from workbench.packs import document as pack_document
from workbench.packs import export_pack, import_packs, records
from workbench.services import grading
from workbench.services.referrals import add_response, raise_referral
from workbench.store import open_workbench_store

METHOD = load_methodology()
PROMPT = METHOD.stages_for("section_47")[0].prompts[0].id
STAGES = [s.id for s in METHOD.stages_for("section_47")]
PATHS = (
    [("head", name) for name in pack_document.HEAD]
    + [("sections", name) for name in pack_document.CAPS]
    + [("assessments", 0, name) for name in (*records.ASSESSMENT, "stages", "answers")]
    + [("assessments", 0, "stages", 0, name) for name in records.STAGE]
    + [("assessments", 0, "answers", PROMPT)]
    + [("referrals", 0, name) for name in records.REFERRAL]
    + [("referral_events", 0, name) for name in records.REFERRAL_EVENT]
    + [("followup", "quarter_assessments", 0, name) for name in (*pack_records.ASSESSMENT,
                                                                 "evidence")]
    + [("followup", "quarter_assessments", 0, "evidence", 0, name)
       for name in (*pack_records.EVIDENCE, "figures")]
)  # fmt: skip
RECOMMENDATIONS = """\
published = 2026-04-01
[[recommendation]]
number = 1
title = "Governance"
timeframe = "immediately"
text = "Put governance in place."
"""
# A value of another type than the field holds, whatever that type is.
OTHER_TYPES = [[1], {"x": 1}, 1.5, True, 7, "text"]


def _set(document: dict, path: tuple, value: object) -> None:
    if path[0] in ("head", "sections"):
        document[path[1]] = value
        return
    target = document[path[0]]
    for step in path[1:-1]:
        target = target[step]
    target[path[-1]] = value


def _another_type(document: dict, path: tuple, candidates: list) -> object:
    """The first candidate whose type differs from the field's present value."""
    if path[0] in ("head", "sections"):
        current = document[path[1]]
    else:
        current = document[path[0]]
        for step in path[1:]:
            current = current[step]
    return next(c for c in candidates if type(c) is not type(current))


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory):
    """The lead's store and Ann's, in which she graded a case, noted a stage, answered a
    prompt, raised a referral with a response and assessed a recommendation's first quarter
    on the force's figures."""
    folder = tmp_path_factory.mktemp("types")
    team = make_lead(folder)
    recs = write_file(folder, "recs.toml", RECOMMENDATIONS)
    import_recommendations(team.lead, team.inspection_id, recs)
    ann = make_inspector(team, ANN)
    assess(ann, team.inspection_id, 1, 1, judgement="some_progress", finding="Begun.")
    add_evidence(ann, team.inspection_id, 1, 1, "audit", "The force's audit",
                 on_date=date(2026, 6, 1), figures={"cases audited": 40})  # fmt: skip
    case = team.cases[REFERENCES[0]]
    grade(ann, case, ANN, "good")
    grading.edit(ann, case, ANN, f"prompt:{PROMPT}", "yes")
    referral = raise_referral(ann, case, risk_summary="Sibling at home.", urgency="urgent")
    add_response(ann, referral, response="acknowledged", note="Told the duty DI.")
    return team, ann, folder


def test_a_wrong_type_in_any_field_of_any_record_is_refused_naming_it(scene) -> None:
    team, ann, folder = scene
    for n, path in enumerate(PATHS):

        def change(document, lines, path=path):
            _set(document, path, _another_type(document, path, OTHER_TYPES))

        error = refused_import(
            team.lead, forge(ann, team.inspection_id, folder / f"{n}.wbpack", change)
        )
        assert error.code in ("malformed", "not_authorised"), (path, error)
        assert f"'{path[-1]}'" in str(error) or path[0] == "sections", (path, str(error))
        if path[0] == "sections":
            assert f"the {path[1]} list is missing" in str(error)


PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(path=st.sampled_from(PATHS), value=st.sampled_from([*OTHER_TYPES, [], "", 0]))
def test_one_field_mutated_to_another_type_always_refuses_cleanly(scene, path, value) -> None:
    team, ann, folder = scene
    holder: dict = {}

    def change(document, lines):
        current = _another_type(document, path, [value, *OTHER_TYPES])
        holder["value"] = current
        _set(document, path, current)

    path_out = forge(ann, team.inspection_id, folder / "mutated.wbpack", change)
    before = dump(team.lead, but_refusals=True)
    [outcome] = import_packs(team.lead, [path_out], PASSPHRASE)  # any other exception escapes
    if outcome.error is None:  # only a change that is still of a valid type may be accepted
        pytest.fail(f"{path} set to {holder['value']!r} was accepted")
    assert isinstance(outcome.error, WorkbenchError)
    assert dump(team.lead, but_refusals=True) == before


EDITS = st.sampled_from(
    [
        ("overall_grade", "good"), ("overall_grade", "inadequate"), ("overall_grade", None),
        ("rationale", "Seen and spoken to alone."), ("rationale", ""),
        (f"prompt:{PROMPT}", "partly"), (f"prompt:{PROMPT}", None),
        *[(f"stage:{s}:grade", "requires_improvement") for s in STAGES],
        *[(f"stage:{s}:notes", "Strategy meeting minuted.") for s in STAGES],
    ]
)  # fmt: skip
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, 3), EDITS),
        st.tuples(st.just("mark"), st.integers(0, 3), st.none()),
        st.tuples(st.just("refer"), st.integers(0, 3), st.sampled_from(["urgent", "routine"])),
        st.tuples(st.just("respond"), st.none(), st.sampled_from(["acknowledged", "closed"])),
    ),
    max_size=12,
)


@pytest.fixture(scope="module")
def honest_template(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("honest")
    team = make_lead(folder)
    ann = make_inspector(team, ANN)
    ann.close()
    team.lead.close()
    return team, folder


def _act(store, team, actions) -> None:
    referrals: list[str] = []
    for kind, index, value in actions:
        try:
            if kind == "edit":
                grading.edit(store, team.cases[REFERENCES[index]], ANN, value[0], value[1])
            elif kind == "mark":
                grading.mark_graded(store, team.cases[REFERENCES[index]], ANN)
            elif kind == "refer":
                case = team.cases[REFERENCES[index]]
                referrals.append(raise_referral(store, case, risk_summary="Risk.", urgency=value))
            elif referrals:
                add_response(store, referrals[-1], response=value)
        except WorkbenchError:
            pass  # refused at the keyboard (incomplete, closed): nothing was recorded


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_packs_from_honest_use_always_import(honest_template, tmp_path: Path, actions) -> None:
    team, folder = honest_template
    work = tmp_path / f"run{abs(hash(str(actions)))}"
    work.mkdir()
    for name in ("lead.sqlite", "ann.sqlite"):
        shutil.copy(folder / name, work / name)
    lead, ann = (
        open_workbench_store(work / "lead.sqlite"),
        open_workbench_store(work / "ann.sqlite"),
    )
    try:
        _act(ann, team, actions)
        first = export_pack(ann, team.inspection_id, work / "first.wbpack").path
        _act(ann, team, actions[::-1])
        second = export_pack(ann, team.inspection_id, work / "second.wbpack").path
        outcomes = import_packs(lead, [first, second], PASSPHRASE)
        assert [o.error for o in outcomes] == [None, None]
    finally:
        lead.close()
        ann.close()


@pytest.mark.parametrize("value", ["text", "A" * 64, "0" * 63])
def test_an_evidence_digest_that_is_not_sha256_is_refused(scene, value) -> None:
    team, ann, folder = scene
    path = ("followup", "quarter_assessments", 0, "evidence", 0, "sha256")

    def change(document, lines):
        _set(document, path, value)

    before = dump(team.lead, but_refusals=True)
    error = refused_import(
        team.lead, forge(ann, team.inspection_id, folder / "digest.wbpack", change)
    )
    assert "'sha256'" in str(error) and "SHA-256" in str(error), str(error)
    assert dump(team.lead, but_refusals=True) == before
