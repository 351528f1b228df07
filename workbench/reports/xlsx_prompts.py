"""The workbook's Prompt answers and Prompt counts sheets, as typed DataFrames.

Prompt answers has one row per graded case and prompt or fact that applies to its category,
with the answer the case counts with (``workbench.services.prompt_counts``: the moderated or
agreed assessment's; "Inspectors differed" where two answered differently; empty when not
answered): counting its rows gives the Prompt counts sheet, which copies the summary's
``by_prompt``, with each prompt's and fact's text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.methodology import Methodology, Prompt
from workbench.reports.data import ReportData
from workbench.services.prompt_counts import DIFFERED, UNANSWERED, counted_answers
from workbench.services.status import GRADED

ALL = "All categories"
_WORDS = {DIFFERED: "Inspectors differed", UNANSWERED: "Not answered"}


def _counted(data: ReportData) -> dict[str, dict[str, str]]:
    rows = [
        (case.case_id, a.overall_grade, a.answers)
        for case in data.cases
        for a in case.assessments
        if a.status == GRADED and a.overall_grade
    ]
    frame = pd.DataFrame(rows, columns=["case_id", "overall_grade", "answers"])
    moderated = {c.case_id: c.moderation.grade for c in data.cases if c.moderation}
    return counted_answers(frame, moderated)


def _answer_name(item: Prompt, answer: str | None) -> str | None:
    if answer is None:
        return None
    return _WORDS.get(answer) or next((a.name for a in item.answers if a.id == answer), answer)


def prompt_answers(data: ReportData) -> pd.DataFrame:
    """One row per graded case and prompt or fact that applies to its category."""
    method, counted = data.method, _counted(data)
    rows: list[tuple[Any, ...]] = []
    for case in data.cases:
        if not case.graded or case.category not in method.category_ids:
            continue
        answers = counted.get(case.case_id, {})
        for item in method.items_for(case.category):
            answer = answers.get(item.id)
            short = None if answer in (None, DIFFERED) else answer in item.shortfall_ids
            rows.append(
                (case.reference, case.category_name, method.stage_name(item.stage_id),
                 "Fact" if item.fact else "Prompt", item.id, _answer_name(item, answer), short)
            )  # fmt: skip
    columns = ["Reference", "Category", "Stage", "Kind", "Id", "Answer", "Fell short"]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame["Fell short"] = frame["Fell short"].astype("boolean")
    return frame


def _count_rows(item: Prompt, category: str, entry: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for answer in item.answers:
        rows.append(
            (answer.name, answer.id, entry["answers"].get(answer.id, 0), answer.shortfall,
             answer.counted)
        )  # fmt: skip
    rows += [(_WORDS[key], key, entry[key], False, False) for key in (DIFFERED, UNANSWERED)]
    return [(category, *row, entry["cases"], entry["base"]) for row in rows]


def prompt_counts(summary: dict[str, Any], method: Methodology) -> pd.DataFrame:
    rows: list[tuple[Any, ...]] = []
    for item in method.items:
        found = summary["by_prompt"].get(item.id)
        if not found or not found["all"]["cases"]:
            continue
        head = (
            method.stage_name(item.stage_id), "Fact" if item.fact else "Prompt", item.id,
            item.text,
        )  # fmt: skip
        parts = [(ALL, found["all"])] + [(e["name"], e) for e in found["by_category"].values()]
        for category, entry in parts:
            rows += [(*head, *row) for row in _count_rows(item, category, entry)]
    columns = [
        "Stage", "Kind", "Id", "Prompt or fact", "Category", "Answer", "Answer id", "Cases",
        "Fell short", "In the base", "Cases it applies to", "Base",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    for name in ("Cases", "Cases it applies to", "Base"):
        frame[name] = frame[name].astype("Int64")
    for name in ("Fell short", "In the base"):
        frame[name] = frame[name].astype(bool)
    return frame
