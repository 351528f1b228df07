"""The shipped NCPI methodology and the methodology loader's validation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workbench.errors import MethodologyError, NotFoundError
from workbench.methodology import (
    DEFAULT_METHODOLOGY,
    Methodology,
    available_methodologies,
    load_methodology,
    load_methodology_file,
)

JOURNEY = (
    "initial_contact",
    "assessment_and_help",
    "investigation",
    "decision_making",
    "trusted_adult",
    "managing_risk",
    "police_detention",
)

CATEGORIES = {
    "section_47": "Section 47 child protection investigation",
    "missing_children": "Missing and absent children",
    "cse": "Child sexual exploitation",
    "online_abuse": "Online abuse and indecent images of children",
    "domestic_abuse": "Domestic abuse involving children",
    "police_protection": "Police protection powers",
    "children_in_custody": "Children in custody",
    "rso_management": "Management of registered sex offenders",
}

MINIMAL = """\
id = "mini"
version = "1.0"
name = "Mini"
description = "A small methodology for tests."
not_assessed = { id = "not_assessed", name = "Not assessed" }

[[grades]]
id = "good"
name = "Good"
colour = "#00AA00"

[[grades]]
id = "bad"
name = "Bad"
colour = "#AA0000"

[[answers]]
id = "yes"
name = "Yes"

[[stages]]
id = "first"
name = "First"
description = "The first stage."

[[stages.prompts]]
id = "first.one"
text = "Something we expect to see."

[[stages]]
id = "second"
name = "Second"
description = "The second stage."

[[stages.prompts]]
id = "second.one"
text = "Something else we expect to see."

[[categories]]
id = "cat"
name = "A category"
stages = ["second", "first"]

[[urgencies]]
id = "soon"
name = "Soon"
respond_within_days = 2

[[responses]]
id = "closed"
name = "Closed"
closes = true
"""


@pytest.fixture(scope="module")
def ncpi() -> Methodology:
    return load_methodology()


def write(tmp_path: Path, text: str, name: str = "method.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert old in MINIMAL, f"test edit does not apply: {old!r}"
    return MINIMAL.replace(old, new, 1)


# --- The shipped methodology -------------------------------------------------------------


def test_shipped_methodology_loads_by_default(ncpi: Methodology) -> None:
    assert DEFAULT_METHODOLOGY == "ncpi-child-protection"
    assert (ncpi.id, ncpi.version) == ("ncpi-child-protection", "1.1")
    assert ncpi.name == "Child protection (NCPI) case audit"
    assert ncpi.description
    assert load_methodology("ncpi-child-protection", "1.1") is ncpi
    versions = [(m.id, m.version) for m in available_methodologies()]
    assert (ncpi.id, "1.0") in versions and (ncpi.id, "1.1") in versions


def test_seven_stages_in_journey_order_with_prompts(ncpi: Methodology) -> None:
    assert ncpi.stage_ids == JOURNEY
    assert ncpi.stage("managing_risk").name == "Managing those who pose a risk to children"
    for stage in ncpi.stages:
        assert len(stage.prompts) >= 5, stage.id
        assert stage.description
        for prompt in stage.prompts:
            assert prompt.stage_id == stage.id
            assert ncpi.prompt(prompt.id) is prompt
    ids = [p.id for p in ncpi.prompts]
    assert len(ids) == len(set(ids))


def test_prompts_cover_what_inspectors_expect_to_see(ncpi: Methodology) -> None:
    text = " ".join(p.text for p in ncpi.prompts).lower()
    for phrase in (
        "seen and spoken to",
        "strategy discussion",
        "other children in the household",
        "merlin form",
        "further work",
        "joint visits",
        "family and associates",
        "repeat missing",
        "return home interview",
        "local authority accommodation",
        "detention certificate",
        "appropriate adult",
        "registered sex offender",
        "indecent images",
    ):
        assert phrase in text, phrase
    assert "views" in ncpi.prompt("ic.child_seen").text


def test_grades_answers_urgencies_and_responses(ncpi: Methodology) -> None:
    assert ncpi.grade_ids == ("good", "requires_improvement", "inadequate")
    assert [g.name for g in ncpi.grades] == ["Good", "Requires improvement", "Inadequate"]
    assert [g.rank for g in ncpi.grades] == [0, 1, 2]
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", g.colour) for g in ncpi.grades)
    assert (ncpi.not_assessed.id, ncpi.not_assessed.name) == ("not_assessed", "Not assessed")
    assert ncpi.grade("not_assessed") == ncpi.not_assessed
    assert [(a.id, a.name) for a in ncpi.answers] == [
        ("yes", "Yes"),
        ("partly", "Partly"),
        ("no", "No"),
        ("not_applicable", "Not applicable"),
    ]
    assert {u.id: u.respond_within_days for u in ncpi.urgencies} == {
        "immediate": 1,
        "urgent": 3,
        "routine": 10,
    }
    closing = {r.id for r in ncpi.responses if r.closes}
    assert closing == {"closed"}
    assert {r.id for r in ncpi.responses} == {
        "acknowledged",
        "returned_to_officer",
        "case_reopened",
        "safeguarding_action",
        "further_information_requested",
        "closed",
    }


def test_categories_name_existing_stages(ncpi: Methodology) -> None:
    assert {c.id: c.name for c in ncpi.categories if c.id in CATEGORIES} == CATEGORIES
    for category in ncpi.categories:
        assert category.stage_ids, category.id
        assert set(category.stage_ids) <= set(JOURNEY), category.id
    assert "police_detention" in ncpi.category("children_in_custody").stage_ids
    assert "managing_risk" in ncpi.category("rso_management").stage_ids
    assert "police_detention" not in ncpi.category("section_47").stage_ids


def test_stages_for_is_in_journey_order(ncpi: Methodology, tmp_path: Path) -> None:
    for category in ncpi.categories:
        ids = tuple(s.id for s in ncpi.stages_for(category.id))
        assert ids == tuple(s for s in JOURNEY if s in category.stage_ids)
    mini = load_methodology_file(write(tmp_path, MINIMAL))
    assert mini.category("cat").stage_ids == ("second", "first")
    assert [s.id for s in mini.stages_for("cat")] == ["first", "second"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Requires improvement", "requires_improvement"),
        ("requires_improvement", "requires_improvement"),
        (" REQUIRES-IMPROVEMENT ", "requires_improvement"),
        ("requires  improvement", "requires_improvement"),
        ("good", "good"),
        ("GOOD", "good"),
        ("Inadequate", "inadequate"),
        ("not assessed", "not_assessed"),
        ("Not-Assessed", "not_assessed"),
        ("excellent", None),
        ("", None),
        ("requires", None),
    ],
)
def test_parse_grade(ncpi: Methodology, word: str, expected: str | None) -> None:
    assert ncpi.parse_grade(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("section_47", "section_47"),
        ("Section 47", "section_47"),
        ("Section 47 child protection investigation", "section_47"),
        ("CHILD SEXUAL EXPLOITATION", "cse"),
        ("cse", "cse"),
        ("children-in-custody", "children_in_custody"),
        ("Management of registered sex offenders", "rso_management"),
        ("burglary", None),
    ],
)
def test_parse_category(ncpi: Methodology, word: str, expected: str | None) -> None:
    assert ncpi.parse_category(word) == expected


def test_worst_and_is_better(ncpi: Methodology) -> None:
    assert ncpi.worst(["good", "inadequate", "requires_improvement"]) == "inadequate"
    assert (
        ncpi.worst(["good", None, "not_assessed", "requires_improvement"]) == "requires_improvement"
    )
    assert ncpi.worst(["good", "good"]) == "good"
    assert ncpi.worst([None, "not_assessed"]) is None
    assert ncpi.worst([]) is None
    assert ncpi.is_better("good", "requires_improvement")
    assert ncpi.is_better("requires_improvement", "inadequate")
    assert not ncpi.is_better("inadequate", "good")
    assert not ncpi.is_better("good", "good")
    assert not ncpi.is_better("good", "not_assessed")
    assert not ncpi.is_better(None, "inadequate")
    with pytest.raises(KeyError):
        ncpi.worst(["good", "excellent"])
    with pytest.raises(KeyError):
        ncpi.is_better("excellent", "good")


@pytest.mark.parametrize("kind", ["grade", "stage", "category", "urgency", "response", "answer"])
def test_lookups_refuse_unknown_ids(ncpi: Methodology, kind: str) -> None:
    with pytest.raises(KeyError, match="nonsense"):
        getattr(ncpi, kind)("nonsense")


def test_prompt_lookup_refuses_unknown_id(ncpi: Methodology) -> None:
    with pytest.raises(KeyError):
        ncpi.prompt("ic.nonsense")


def test_to_dict_is_json_friendly(ncpi: Methodology) -> None:
    data = json.loads(json.dumps(ncpi.to_dict()))
    assert (data["id"], data["version"], data["name"]) == (ncpi.id, "1.1", ncpi.name)
    assert [g["id"] for g in data["grades"]] == list(ncpi.grade_ids)
    assert [s["id"] for s in data["stages"]] == list(JOURNEY)
    assert data["stages"][0]["prompts"][0] == {
        "id": ncpi.stages[0].prompts[0].id,
        "text": ncpi.stages[0].prompts[0].text,
        "finding": ncpi.stages[0].prompts[0].finding,
    }
    kept = data["stages"][-1]["facts"][0]
    assert kept["id"] == "pd.fact_kept_after_charge"
    assert [a["id"] for a in kept["answers"]] == ["yes", "no", "not_known", "not_charged"]
    custody = next(c for c in data["categories"] if c["id"] == "children_in_custody")
    assert custody["stages"] == list(ncpi.category("children_in_custody").stage_ids)
    assert {u["id"]: u["respond_within_days"] for u in data["urgencies"]}["urgent"] == 3
    assert {r["id"]: r["closes"] for r in data["responses"]}["closed"] is True


def test_unknown_methodology_names_the_available_ones() -> None:
    with pytest.raises(NotFoundError, match="ncpi-child-protection") as caught:
        load_methodology("no-such-methodology")
    assert "no-such-methodology" in str(caught.value)
    with pytest.raises(NotFoundError, match="1.0"):
        load_methodology(DEFAULT_METHODOLOGY, "99.0")


# --- Validation of bad files -------------------------------------------------------------


def test_minimal_file_loads(tmp_path: Path) -> None:
    mini = load_methodology_file(write(tmp_path, MINIMAL))
    assert (mini.id, mini.stage_ids, mini.grade_ids) == (
        "mini",
        ("first", "second"),
        ("good", "bad"),
    )
    assert mini.not_assessed.rank == 2
    assert mini.not_assessed.colour.startswith("#")
    assert mini.parse_grade("Not assessed") == "not_assessed"


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('name = "Mini"', "name = Mini", "line 3", "invalid TOML"),
        ('id = "mini"\n', "", "id", "missing required key"),
        ('text = "Something else we expect to see."', "", "stages[1].prompts[0].text", "missing"),
        ('id = "second"', 'id = "first"', "stages[1].id", "duplicate stage id 'first'"),
        ('id = "second.one"', 'id = "first.one"', "stages[1].prompts[0].id", "duplicate prompt"),
        ('["second", "first"]', '["second", "nowhere"]', "categories[cat].stages", "'nowhere'"),
        ('["second", "first"]', '["first", "first"]', "categories[cat].stages", "twice"),
        ('colour = "#00AA00"', "colour = 7", "grades[0].colour", "expected string, got integer"),
        ('colour = "#00AA00"', 'colour = "green"', "grades[0].colour", "hex colour"),
        ('name = "Bad"', "name = true", "grades[1].name", "expected string, got boolean"),
        ('id = "bad"', 'id = "good"', "grades[1].id", "duplicate grade id 'good'"),
        ('name = "Bad"', 'name = "good"', "grades[1].name", "same as grade 'good'"),
        ('id = "not_assessed"', 'id = "good"', "not_assessed.id", "duplicate grade id"),
        ("closes = true", 'closes = "yes"', "responses[0].closes", "expected boolean"),
        (
            "respond_within_days = 2",
            "respond_within_days = -1",
            "urgencies[0].respond_within_days",
            "negative",
        ),
        ('version = "1.0"', "version = 1.0", "version", "expected string, got float"),
        ('id = "yes"', 'id = "Yes please"', "answers[0].id", "not a valid id"),
        ('description = "The first stage."', 'description = ""', "stages[0].description", "empty"),
        ('name = "First"', 'name = "First"\nnotes = "x"', "stages[0].notes", "unknown key"),
    ],
)
def test_bad_file_names_file_key_and_problem(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    path = write(tmp_path, edited(old, new))
    with pytest.raises(MethodologyError) as caught:
        load_methodology_file(path)
    error = caught.value
    assert (error.file, error.key) == (str(path), key)
    assert problem in error.problem
    assert str(error).startswith(f"{path}: {key}: ")


def test_no_stages_is_refused(tmp_path: Path) -> None:
    start, end = MINIMAL.index("[[stages]]"), MINIMAL.index("[[categories]]")
    path = write(tmp_path, MINIMAL[:start] + MINIMAL[end:])
    with pytest.raises(MethodologyError) as caught:
        load_methodology_file(path)
    assert (caught.value.key, caught.value.problem) == ("stages", "missing required key")
    path = write(tmp_path, "stages = []\n" + MINIMAL[: MINIMAL.index("[[stages]]")])
    with pytest.raises(MethodologyError) as caught:
        load_methodology_file(path)
    assert caught.value.key == "stages"
    assert "at least one" in caught.value.problem


def test_invalid_toml_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "\n[[stages]\n")
    with pytest.raises(MethodologyError) as caught:
        load_methodology_file(path)
    line = MINIMAL.count("\n") + 2
    assert caught.value.key == f"line {line}"
    assert caught.value.problem.startswith("invalid TOML")


def test_unreadable_file_is_a_methodology_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(MethodologyError, match="cannot be read") as caught:
        load_methodology_file(missing)
    assert caught.value.file == str(missing)
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Mini", "Mïni").encode("latin-1"))
    with pytest.raises(MethodologyError, match="UTF-8"):
        load_methodology_file(path)


def test_category_name_falls_back_to_the_id_for_an_unknown_category() -> None:
    method = load_methodology()
    assert method.category_name("section_47") == method.category("section_47").name
    assert method.category_name("retired_category") == "retired_category"


# --- Facts, categories and finding sentences (version 1.1) ---------------------------------


def test_version_1_0_stays_loadable_and_describes_itself_as_before() -> None:
    old = load_methodology(DEFAULT_METHODOLOGY, "1.0")
    assert old.facts == ()
    assert all(not p.categories and not p.finding for p in old.prompts)
    data = old.to_dict()
    assert data["answers"][1] == {"id": "partly", "name": "Partly"}
    assert all(set(p) == {"id", "text"} for s in data["stages"] for p in s["prompts"])
    assert all("facts" not in s for s in data["stages"])


def test_facts_the_published_reports_count_have_their_own_answer_sets(
    ncpi: Methodology,
) -> None:
    kept = ncpi.fact("pd.fact_kept_after_charge")
    assert kept.stage_id == "police_detention" and kept.fact
    assert [a.name for a in kept.answers] == [
        "Yes",
        "No",
        "Not known (not recorded)",
        "Not charged",
    ]
    assert (kept.shortfall_ids, kept.uncounted_ids) == (("yes",), ("not_charged",))
    episodes = ncpi.fact("inv.fact_missing_episodes")
    assert [a.name for a in episodes.answers] == [
        "1",
        "2 to 4",
        "5 or more",
        "Not known (not recorded)",
    ]
    for fact_id in (
        "pd.fact_appropriate_adult_present",
        "inv.fact_return_home_interview_held",
        "ah.fact_strategy_discussion_held",
    ):
        assert ncpi.item(fact_id).fact
    with pytest.raises(KeyError):
        ncpi.prompt("pd.fact_kept_after_charge")  # a fact is not a prompt


def test_categories_keep_prompts_and_facts_where_they_apply(ncpi: Methodology) -> None:
    missing = {p.id for p in ncpi.items_for("missing_children")}
    section_47 = {p.id for p in ncpi.items_for("section_47")}
    online = {p.id for p in ncpi.prompts_for("online_abuse", "investigation")}
    for item_id in (
        "ic.missing_category",
        "inv.return_home_interview",
        "inv.fact_missing_episodes",
    ):
        assert item_id in missing and item_id not in section_47
    assert "inv.devices_triaged" in online
    assert "inv.devices_triaged" not in {p.id for p in ncpi.prompts_for("cse")}
    assert "mr.rso_visits" not in {p.id for p in ncpi.prompts_for("cse")}
    assert {f.id for f in ncpi.facts_for("children_in_custody", "police_detention")} >= {
        "pd.fact_kept_after_charge",
        "pd.fact_appropriate_adult_present",
    }
    assert not ncpi.facts_for("section_47", "police_detention")  # the stage does not apply


def test_finding_sentences_read_with_their_numbers(ncpi: Methodology) -> None:
    kept = ncpi.fact("pd.fact_kept_after_charge")
    assert kept.sentence(39, 40, "Children in custody") == (
        "Of 40 children in custody cases, 39 resulted in the child being kept in custody "
        "after charge."
    )
    assert ncpi.prompt("ic.child_seen").sentence(3, 10) == (
        "In 3 of 10 cases, the child was not properly seen and spoken to, or their views were "
        "not recorded."
    )
    assert kept.sentence(0, 0) == ""  # no base, no sentence


FACT = """
[[stages.facts]]
id = "second.fact"
text = "Was it done?"
{extra}
[[stages.facts.answers]]
id = "y"
name = "Yes"
shortfall = true
"""


def _with_fact(extra: str) -> str:
    return edited(
        'text = "Something else we expect to see."\n',
        'text = "Something else we expect to see."\n' + FACT.format(extra=extra),
    )


def test_a_fact_and_its_categories_load_from_a_file(tmp_path: Path) -> None:
    method = load_methodology_file(
        write(tmp_path, _with_fact('categories = ["cat"]\nfinding = "In {k} of {n} cases."'))
    )
    fact = method.fact("second.fact")
    assert (fact.categories, fact.shortfall_ids, fact.sentence(1, 2)) == (
        ("cat",),
        ("y",),
        "In 1 of 2 cases.",
    )


@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ('categories = ["nowhere"]', "categories", "unknown category 'nowhere'"),
        ('finding = "In {k} of {total} cases."', "finding", "{total} is not a field"),
        ('finding = "In {k of {n}."', "finding", "is not a sentence template"),
        ('colour = "red"', "colour", "unknown key"),
    ],
)
def test_bad_fact_names_the_key(tmp_path: Path, extra: str, key: str, problem: str) -> None:
    with pytest.raises(MethodologyError) as caught:
        load_methodology_file(write(tmp_path, _with_fact(extra)))
    assert f"stages[1].facts[0].{key}" in str(caught.value)
    assert problem in str(caught.value)


def test_a_fact_sharing_a_prompt_id_is_refused(tmp_path: Path) -> None:
    text = _with_fact("").replace('id = "second.fact"', 'id = "first.one"')
    with pytest.raises(MethodologyError, match="duplicate prompt or fact id 'first.one'"):
        load_methodology_file(write(tmp_path, text))


def test_no_sentence_when_no_case_fell_short(ncpi: Methodology) -> None:
    assert ncpi.fact("pd.fact_kept_after_charge").sentence(0, 40, "Children in custody") == ""
