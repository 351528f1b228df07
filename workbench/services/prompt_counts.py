"""What inspectors answered at each prompt and fact, counted once per graded case.

Which answers a case counts with (its *counted answers*):

- a moderated case: the answers of the first graded assessment whose overall grade is the
  moderated grade (the assessment the lead agreed with);
- otherwise, item by item: the answer its graded assessments agree on (one inspector's
  answer when only one answered); where two inspectors answered the same prompt or fact
  differently, the case counts under ``differed`` for that item, not under either answer.

Only graded cases of categories a prompt or fact applies to are counted for it: a fact that
does not apply to a category is neither answered nor missing there. ``README.md`` documents
every key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pandas as pd

from workbench.methodology import Methodology, Prompt

DIFFERED = "differed"
UNANSWERED = "unanswered"


def counted_answers(
    assessments: pd.DataFrame, moderated: dict[str, str]
) -> dict[str, dict[str, str]]:
    """Case id -> item id -> the answer it counts with (or ``DIFFERED``).

    ``assessments``: graded assessments (case_id, overall_grade, answers as JSON text or a
    dict), first graded first; ``moderated``: case id -> moderated grade.
    """
    by_case: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for case_id, grade, answers in zip(
        assessments["case_id"], assessments["overall_grade"], assessments["answers"], strict=True
    ):
        parsed = json.loads(answers) if isinstance(answers, str) else dict(answers or {})
        by_case.setdefault(case_id, []).append((grade, parsed))
    result: dict[str, dict[str, str]] = {}
    for case_id, graded in by_case.items():
        if len(graded) == 1:
            result[case_id] = {k: v for k, v in graded[0][1].items() if v is not None}
            continue
        agreed_grade = moderated.get(case_id)
        chosen = next((a for g, a in graded if agreed_grade and g == agreed_grade), None)
        if chosen is not None:
            result[case_id] = {k: v for k, v in chosen.items() if v is not None}
            continue
        merged: dict[str, str] = {}
        for _, answers in graded:
            for item, answer in answers.items():
                if answer is None:
                    continue
                merged[item] = answer if merged.get(item, answer) == answer else DIFFERED
        result[case_id] = merged
    return result


def _applicable(method: Methodology) -> pd.DataFrame:
    return pd.DataFrame(
        [(c.id, i.id) for c in method.categories for i in method.items_for(c.id)],
        columns=["category", "item"],
    )


def _long(frame: pd.DataFrame, method: Methodology, answers: dict[str, dict[str, str]]):
    """One row per graded case and applicable item: case_id, category, item, answer, outcome."""
    graded = frame.loc[frame["graded"], ["case_id", "category", "_outcome"]]
    rows = graded.merge(_applicable(method), on="category")
    given = pd.DataFrame(
        [(c, i, a) for c, items in answers.items() for i, a in items.items()],
        columns=["case_id", "item", "answer"],
    )
    rows = rows.merge(given, on=["case_id", "item"], how="left")
    rows["answer"] = rows["answer"].fillna(UNANSWERED)
    return rows


def _block(item: Prompt, counts: dict[str, int], cases: int, category: str) -> dict[str, Any]:
    answers = {a.id: counts.get(a.id, 0) for a in item.answers}
    base = sum(answers[a.id] for a in item.answers if a.counted)
    short = sum(answers[a.id] for a in item.answers if a.shortfall)
    other = cases - sum(answers.values()) - counts.get(DIFFERED, 0) - counts.get(UNANSWERED, 0)
    return {
        "cases": cases,
        "answers": answers,
        DIFFERED: counts.get(DIFFERED, 0),
        UNANSWERED: counts.get(UNANSWERED, 0) + other,  # other: an answer this version lacks
        "base": base,
        "shortfall": short,
        "percent_shortfall": _percent(short, base),
        "sentence": item.sentence(short, base, category) if item.shortfall_ids else "",
    }


def _percent(part: int, whole: int) -> int | None:
    return int(part * 100 / whole + 0.5) if whole else None


def _only_category(method: Methodology, item: Prompt, present: Iterable[str]) -> str:
    """The name of the one category the item was counted in, else "" (several)."""
    where = [c for c in present if item in method.items_for(c)]
    return method.category_name(where[0]) if len(where) == 1 else ""


def by_prompt(
    method: Methodology, frame: pd.DataFrame, answers: dict[str, dict[str, str]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``by_prompt`` and ``by_prompt_grade`` (``frame`` has ``_outcome`` per case)."""
    rows = _long(frame, method, answers)
    counts = rows.groupby(["item", "category", "answer"]).size()
    cases = rows.groupby(["item", "category"]).size()
    grade_counts = rows.groupby(["item", "answer", "_outcome"]).size()
    tallies: dict[str, dict[str, dict[str, int]]] = {}
    for (item, category, answer), n in counts.items():
        tallies.setdefault(item, {}).setdefault(category, {})[answer] = int(n)
    per_grade: dict[str, dict[str, dict[str, int]]] = {}
    for (item, answer, outcome), n in grade_counts.items():
        per_grade.setdefault(item, {}).setdefault(answer, {})[outcome] = int(n)
    outcomes = [*method.grade_ids, "unresolved"]
    prompts: dict[str, Any] = {}
    grades: dict[str, Any] = {}
    for item in method.items:
        by_category = tallies.get(item.id, {})
        present = [c.id for c in method.categories if c.id in by_category]
        total: dict[str, int] = {}
        for category_counts in by_category.values():
            for answer, n in category_counts.items():
                total[answer] = total.get(answer, 0) + n
        all_cases = sum(int(cases.get((item.id, c), 0)) for c in present)
        prompts[item.id] = {
            "kind": "fact" if item.fact else "prompt",
            "stage_id": item.stage_id,
            "text": item.text,
            "all": _block(item, total, all_cases, _only_category(method, item, present)),
            "by_category": {
                c: {
                    "name": method.category_name(c),
                    **_block(
                        item,
                        by_category[c],
                        int(cases.get((item.id, c), 0)),
                        method.category_name(c),
                    ),
                }  # fmt: skip
                for c in present
            },
        }
        given = per_grade.get(item.id, {})
        grades[item.id] = {
            answer: {o: given.get(answer, {}).get(o, 0) for o in outcomes}
            for answer in [*(a.id for a in item.answers), DIFFERED, UNANSWERED]
            if answer in given
        }
    return prompts, grades


def ordered_by_shortfall(method: Methodology, by_prompt: dict[str, Any], stage_id: str):
    """The stage's prompt and fact ids, most often short first (share of the base, then the
    count); items with no base keep journey order at the end."""
    stage = method.stage(stage_id)

    def key(pair: tuple[int, Prompt]) -> tuple:
        index, item = pair
        entry = by_prompt.get(item.id, {}).get("all", {})
        base, short = entry.get("base", 0), entry.get("shortfall", 0)
        share = short / base if base and item.shortfall_ids else -1.0
        return (-share, -short, index)

    return [item.id for _, item in sorted(enumerate(stage.items), key=key)]
