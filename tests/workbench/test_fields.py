"""Field names are built and read by workbench.fields; the figure findings lead with is named
from the methodology's grade scale."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workbench import fields
from workbench.errors import WorkbenchError
from workbench.methodology import Grade, load_methodology


@pytest.mark.parametrize(
    ("name", "kind", "key"),
    [
        ("overall_grade", "overall_grade", ""),
        ("rationale", "rationale", ""),
        (fields.stage_grade("investigation"), "grade", "investigation"),
        (fields.stage_notes("investigation"), "notes", "investigation"),
        (fields.prompt_answer("ic.child_seen"), "prompt", "ic.child_seen"),
        (fields.fact_answer("pd.fact_kept_after_charge"), "fact", "pd.fact_kept_after_charge"),
    ],
)
def test_a_field_name_is_read_back_as_built(name: str, kind: str, key: str) -> None:
    found = fields.parse(name)
    assert (found.kind, found.key, found.name) == (kind, key, name)


def test_a_prompt_or_fact_of_the_methodology_names_its_own_answer_field() -> None:
    method = load_methodology()
    prompt = method.prompt("ic.child_seen")
    fact = method.fact("pd.fact_kept_after_charge")
    assert fields.item_answer(prompt) == "prompt:ic.child_seen"
    assert fields.item_answer(fact) == "fact:pd.fact_kept_after_charge"
    assert fields.parse(fields.item_answer(fact)).is_answer
    assert not fields.parse(fields.stage_grade("investigation")).is_answer


@pytest.mark.parametrize(
    "name",
    ["stage:investigation", "stage::grade", "stage:x:colour", "prompt:", "fact:", "grade", ""],
)
def test_a_name_that_is_no_field_is_refused(name: str) -> None:
    with pytest.raises(WorkbenchError, match="is not a field of an assessment"):
        fields.parse(name)


def test_the_grades_below_the_best_name_the_headline_figure() -> None:
    method = load_methodology()
    assert method.below_best_key == "requires_improvement_or_inadequate"
    assert method.below_best_words == "requires improvement or inadequate"
    four = replace(method, grades=(*method.grades, Grade("failing", "Failing", "#000000", 3)))
    assert four.below_best_key == "requires_improvement_or_inadequate_or_failing"
    assert four.below_best_words == "requires improvement, inadequate or failing"
