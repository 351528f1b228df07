"""``by_prompt``, ``by_prompt_grade`` and the force's self-assessment over cases whose every
answer is known, graded through the grading service as inspectors would.

| ref | category            | force | grading (overall; ic.child_seen; facts)                      |
|-----|---------------------|-------|--------------------------------------------------------------|
| K1  | children_in_custody | good  | inadequate; no; kept after charge: yes; referred             |
| K2  | children_in_custody | RI    | requires improvement; partly; kept: yes                      |
| K3  | children_in_custody | -     | good; yes; kept: no                                          |
| K4  | children_in_custody | -     | good; yes; kept: not charged (out of the base)               |
| M1  | missing_children    | RI    | Alex RI (no; episodes 2 to 4), Jo inadequate (yes; 5 or      |
|     |                     |       | more), moderated to inadequate: Jo's answers count; referred |
| M2  | missing_children    | -     | Alex and Jo both RI; child seen: partly and no (differed)    |
| S1  | section_47          | inad. | in progress (child seen: no): not counted; referred          |
| S2  | section_47          | -     | good; yes (missing episodes do not apply: not missing)       |
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence_helpers import build_evidence

from workbench.identity import set_user_name
from workbench.services.summary import headline, summarise
from workbench.store import open_workbench_store

GOOD, RI, INAD = "good", "requires_improvement", "inadequate"


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    store = open_workbench_store(Path(tmp_path_factory.mktemp("prompts")) / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    yield summarise(store, build_evidence(store))
    store.close()


def test_each_answer_is_counted_once_per_graded_case(summary: dict) -> None:
    seen = summary["by_prompt"]["ic.child_seen"]
    assert (seen["kind"], seen["stage_id"]) == ("prompt", "initial_contact")
    assert seen["all"] == {
        "cases": 7,  # S1 is not graded
        "answers": {"yes": 4, "partly": 1, "no": 1, "not_applicable": 0},  # M1: Jo's "yes"
        "differed": 1,  # M2: partly and no
        "unanswered": 0,
        "base": 6,
        "shortfall": 2,
        "percent_shortfall": 33,
        "sentence": "In 2 of 6 cases, the child was not properly seen and spoken to, or their "
        "views were not recorded.",
    }
    custody = seen["by_category"]["children_in_custody"]
    assert (custody["cases"], custody["answers"]["yes"], custody["shortfall"]) == (4, 2, 2)
    assert custody["sentence"].startswith("In 2 of 4 children in custody cases, the child")
    assert seen["by_category"]["missing_children"]["differed"] == 1


def test_a_fact_reads_as_the_published_sentence(summary: dict) -> None:
    kept = summary["by_prompt"]["pd.fact_kept_after_charge"]
    assert kept["kind"] == "fact"
    assert kept["all"]["answers"] == {"yes": 2, "no": 1, "not_known": 0, "not_charged": 1}
    assert (kept["all"]["cases"], kept["all"]["base"], kept["all"]["shortfall"]) == (4, 3, 2)
    assert kept["all"]["sentence"] == (
        "Of 3 children in custody cases, 2 resulted in the child being kept in custody after "
        "charge."
    )
    assert list(kept["by_category"]) == ["children_in_custody"]


def test_facts_filtered_out_by_category_are_not_counted_as_missing(summary: dict) -> None:
    episodes = summary["by_prompt"]["inv.fact_missing_episodes"]
    assert list(episodes["by_category"]) == ["missing_children"]  # not section 47, not custody
    assert episodes["all"]["cases"] == 2
    assert episodes["all"]["answers"]["five_or_more"] == 1  # the moderated case: Jo's answer
    assert episodes["all"]["answers"]["two_to_four"] == 0
    assert episodes["all"]["unanswered"] == 1  # M2: nobody answered
    assert summary["by_prompt"]["ic.missing_category"]["all"]["cases"] == 2


def test_answers_against_the_overall_grade(summary: dict) -> None:
    assert summary["by_prompt_grade"]["ic.child_seen"] == {
        "yes": {GOOD: 3, RI: 0, INAD: 1, "unresolved": 0},
        "partly": {GOOD: 0, RI: 1, INAD: 0, "unresolved": 0},
        "no": {GOOD: 0, RI: 0, INAD: 1, "unresolved": 0},
        "differed": {GOOD: 0, RI: 1, INAD: 0, "unresolved": 0},
    }


def test_the_force_self_assessment_in_full(summary: dict) -> None:
    own = summary["force_self_assessment"]
    assert own["all"]["force_graded"] == 4 and own["all"]["compared"] == 3
    assert own["all"]["crosstab"][GOOD] == {GOOD: 0, RI: 0, INAD: 1}  # K1
    assert own["all"]["crosstab"][RI] == {GOOD: 0, RI: 1, INAD: 1}  # K2, M1
    assert own["all"]["force_more_favourable"] == 2 and own["all"]["same"] == 1
    assert own["all"]["agreement"]["too_few"] is True
    referred = own["referred"]
    assert (referred["cases"], referred["force_graded"]) == (3, 3)
    assert referred["force_grades"] == {GOOD: 1, RI: 1, INAD: 1}
    assert referred["sentence"] == (
        "Of the 3 cases referred back to the force because they placed a child or children at "
        "continued risk, the force had itself assessed 1 as 'good', 1 as 'requires "
        "improvement' and 1 as 'inadequate'."
    )
    assert own["by_category"]["section_47"]["force_grades"][INAD] == 1
    assert own["by_category"]["section_47"]["compared"] == 0


def test_an_incomplete_inspection_is_interim_and_says_so_far(summary: dict) -> None:
    assert summary["interim"] is True
    assert summary["interim_label"] == "INTERIM: 7 of 8 cases graded"
    assert "graded so far" in headline(summary)[0]


def test_the_cli_prints_the_prompt_and_fact_tables(summary: dict) -> None:
    from workbench.cli.core_summary import render

    text = "\n".join(render(summary))
    assert re.search(r"^ic\.child_seen\s+7\s+4\s+1\s+1\s+0\s+1\s+0\s+2 of 6$", text, re.M)
    assert re.search(
        r"^pd\.fact_kept_after_charge\s+4\s+Yes: 2, No: 1, Not known \(not recorded\): 0, "
        r"Not charged: 1$",
        text,
        re.M,
    )
    assert "  Of 3 children in custody cases, 2 resulted in the child being kept" in text
    assert re.search(r"^ic\.child_seen\s+No\s+0\s+0\s+1\s+0$", text, re.M)
    assert "Force against ours: 3 cases: too few to measure (at least 10 are needed)." in text
    assert text.startswith("OFFICIAL-SENSITIVE  INTERIM: 7 of 8 cases graded\n")
    assert re.search(r"^Good\s+3\s+-$", text, re.M)  # 7 graded: a count, no share
