"""What inspectors answered at each prompt and fact, counted once per graded case.

Which answers a case counts with (its *counted answers*):

- a moderated case: the answers of the first graded assessment whose overall grade is the
  moderated grade (the assessment the lead agreed with); when the lead agreed a grade
  neither inspector gave, item by item as below;
- otherwise, item by item: the answer its graded assessments agree on (one inspector's
  answer when only one answered); where two inspectors answered the same prompt or fact
  differently, the case counts under ``differed`` for that item, not under either answer.

Only graded cases of categories a prompt or fact applies to are counted for it: a fact that
does not apply to a category is neither answered nor missing there. ``README.md`` documents
every key.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from workbench.methodology import Methodology, Prompt

# The columns of graded assessments: a DataFrame or a dict of lists (case_id, overall_grade,
# answers), first graded first.
Columns = Mapping[str, Sequence[Any]] | Any
GradedCase = tuple[str, str, str]  # case id, category, outcome

DIFFERED = "differed"
UNANSWERED = "unanswered"


def _parsed(assessments: Columns) -> list[dict[str, str]]:
    """Each assessment's answers as a dict; JSON text is parsed in one call rather than one
    per assessment (10,000 calls cost noticeably more)."""
    values = list(assessments["answers"])
    if values and all(isinstance(v, str) for v in values):
        parsed: list[dict[str, str]] = json.loads("[" + ",".join(v or "{}" for v in values) + "]")
        return parsed
    return [json.loads(v) if isinstance(v, str) else dict(v or {}) for v in values]


def counted_answers(assessments: Columns, moderated: dict[str, str]) -> dict[str, dict[str, str]]:
    """Case id -> item id -> the answer it counts with (or ``DIFFERED``).

    ``assessments``: graded assessments (case_id, overall_grade, answers as JSON text or a
    dict), first graded first; ``moderated``: case id -> moderated grade.
    """
    by_case: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for case_id, grade, parsed in zip(
        assessments["case_id"], assessments["overall_grade"], _parsed(assessments), strict=True
    ):
        by_case.setdefault(case_id, []).append((grade, parsed))
    result: dict[str, dict[str, str]] = {}
    for case_id, graded in by_case.items():
        if len(graded) == 1:
            result[case_id] = graded[0][1]  # the store keeps no None answers (cleared: gone)
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


# One "item":"answer" (or "item":null) of an answers map's canonical JSON text
# (``db.types.canonical_json``: keys sorted, compact, and so no item twice), where neither
# holds a quote, a backslash (an escape), a comma or a control character.
_PAIR = re.compile(r'"([^"\\,\x00-\x1f]*)":(?:"([^"\\,\x00-\x1f]*)"|null)')

Tally = Counter[tuple[str, str, str, str]]


def tallies(
    graded: Sequence[GradedCase], assessments: Columns, moderated: dict[str, str]
) -> tuple[Tally, Counter[tuple[str, str]]]:
    """(category, outcome, item, answer) -> graded cases answering so, and (category, outcome)
    -> graded cases, each case counted with its counted answers (``assessments`` and
    ``moderated`` as for ``counted_answers``).

    A case graded once counts with its one assessment's answers, and most cases are: those
    are counted from the answers' JSON text, split into its "item":"answer" pairs, without
    building a dict per case (at 100,000 cases parsing them costs seconds). A text that is
    not in the plain canonical form is parsed."""
    groups = Counter((category, outcome) for _case, category, outcome in graded)
    where = {case_id: (category, outcome) for case_id, category, outcome in graded}
    times = Counter(assessments["case_id"])
    texts: dict[tuple[str, str], list[str]] = {}
    several: dict[str, list[Any]] = {"case_id": [], "overall_grade": [], "answers": []}
    for case_id, grade, answers in zip(
        assessments["case_id"], assessments["overall_grade"], assessments["answers"], strict=True
    ):
        if case_id not in where:
            continue
        if times[case_id] == 1 and _plain(answers):
            if answers != "{}":
                texts.setdefault(where[case_id], []).append(answers)
            continue
        several["case_id"].append(case_id)
        several["overall_grade"].append(grade)
        several["answers"].append(answers)
    given: Tally = Counter()
    for (category, outcome), group in texts.items():
        pairs = Counter(",".join(group).split(","))  # "{a,b}", "{c}" -> "{a", "b}", "{c}"
        if not _count_pairs(pairs, len(group), given, (category, outcome)):
            for text in group:  # not the plain form after all: parsed
                for item, answer in json.loads(text).items():
                    given[category, outcome, item, answer] += 1
    for case_id, answers in counted_answers(several, moderated).items():
        category, outcome = where[case_id]
        for item, answer in answers.items():
            given[category, outcome, item, answer] += 1
    return given, groups


def _count_pairs(pairs: Counter[str], texts: int, given: Tally, group: tuple[str, str]) -> bool:
    """Count into ``given`` the pairs split from ``texts`` plain texts joined by commas, each
    text's first pair led by its "{" and its last followed by its "}"; False (nothing
    counted) where a piece is not a plain pair, as when a comma was inside an answer."""
    found: list[tuple[str, str, int]] = []  # the answer None where null
    opened = closed = 0
    for piece, n in pairs.items():
        core = piece
        if core[:1] == "{":
            core, opened = core[1:], opened + n
        if core[-1:] == "}":
            core, closed = core[:-1], closed + n
        matched = _PAIR.fullmatch(core)
        if matched is None:
            return False
        found.append((matched[1], matched[2], n))
    if opened != texts or closed != texts:
        return False
    category, outcome = group
    for item, answer, n in found:
        given[category, outcome, item, answer] += n
    return True


def _plain(text: object) -> bool:
    """Whether ``text`` may be an answers map's plain canonical JSON (``_PAIR`` tells)."""
    return type(text) is str and text[:1] == "{" and text[-1:] == "}" and "\\" not in text


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


def by_prompt(
    method: Methodology, counted: tuple[Tally, Counter[tuple[str, str]]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``by_prompt`` and ``by_prompt_grade`` from ``tallies`` (each graded case's outcome is
    its effective grade or ``unresolved``)."""
    given, groups = counted
    by_item: dict[str, list[tuple[str, str, str, int]]] = {}
    for (category, outcome, item_id, answer), n in given.items():
        by_item.setdefault(item_id, []).append((category, outcome, answer, n))
    outcomes = [*method.grade_ids, "unresolved"]
    applies = {c.id: {i.id for i in method.items_for(c.id)} for c in method.categories}
    prompts: dict[str, Any] = {}
    grades: dict[str, Any] = {}
    for item in method.items:
        where = [c.id for c in method.categories if item.id in applies[c.id]]
        cases = {c: 0 for c in where}
        counts: dict[str, dict[str, int]] = {c: {} for c in where}
        per_grade: dict[str, dict[str, int]] = {}
        for (category, outcome), n in groups.items():
            if category in cases:
                cases[category] += n
                row = per_grade.setdefault(UNANSWERED, {})
                row[outcome] = row.get(outcome, 0) + n
        for category, outcome, answer, n in by_item.get(item.id, ()):
            if category not in cases:
                continue  # answered where it does not apply (another version): not counted
            counts[category][answer] = counts[category].get(answer, 0) + n
            row = per_grade.setdefault(answer, {})
            row[outcome] = row.get(outcome, 0) + n
            per_grade[UNANSWERED][outcome] -= n
        present = [c for c in where if cases[c]]
        for category in present:
            counts[category][UNANSWERED] = cases[category] - sum(counts[category].values())
        total: dict[str, int] = {}
        for category in present:
            for answer, n in counts[category].items():
                total[answer] = total.get(answer, 0) + n
        only = method.category_name(present[0]) if len(present) == 1 else ""
        prompts[item.id] = {
            "kind": "fact" if item.fact else "prompt",
            "stage_id": item.stage_id,
            "text": item.text,
            "all": _block(item, total, sum(cases.values()), only),
            "by_category": {
                c: {
                    "name": method.category_name(c),
                    **_block(item, counts[c], cases[c], method.category_name(c)),
                }
                for c in present
            },
        }
        order = [*(a.id for a in item.answers), DIFFERED, UNANSWERED]
        grades[item.id] = {
            answer: {o: per_grade[answer].get(o, 0) for o in outcomes}
            for answer in order + sorted(set(per_grade) - set(order))
            if any(per_grade.get(answer, {}).values())
        }
    return prompts, grades


def ordered_by_shortfall(
    method: Methodology, by_prompt: dict[str, Any], stage_id: str
) -> list[str]:
    """The stage's prompt and fact ids, most often short first (share of the base, then the
    count); items with no base keep journey order at the end."""
    stage = method.stage(stage_id)

    def key(pair: tuple[int, Prompt]) -> tuple[float, int, int]:
        index, item = pair
        entry = by_prompt.get(item.id, {}).get("all", {})
        base, short = entry.get("base", 0), entry.get("shortfall", 0)
        share = short / base if base and item.shortfall_ids else -1.0
        return (-share, -short, index)

    return [item.id for _, item in sorted(enumerate(stage.items), key=key)]
