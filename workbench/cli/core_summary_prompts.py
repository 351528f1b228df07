"""``workbench summary``'s tables of prompt and fact answers, answers against the overall
grade, the force's self-assessment and the agreement figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workbench.agreement import describe
from workbench.cli.common import table

if TYPE_CHECKING:
    from workbench.methodology import Methodology, Prompt

Summary = dict[str, Any]
_EXTRA = (("differed", "Differed"), ("unanswered", "Unanswered"))


def _short(entry: dict[str, Any]) -> str:
    percent = entry.get("percent_shortfall")
    if percent is None:
        return "-"
    # Fewer than 10 cases: the count, not a percentage that would mislead.
    return f"{entry['shortfall']} of {entry['base']}" if entry["base"] < 10 else f"{percent}%"


def _items(method: Methodology, summary: Summary, stage_id: str, facts: bool) -> list[Prompt]:
    stage = method.stage(stage_id)
    wanted = stage.facts if facts else stage.prompts
    return [i for i in wanted if summary["by_prompt"].get(i.id, {}).get("all", {}).get("cases")]


def prompt_tables(summary: Summary, method: Methodology) -> list[str]:
    """Per stage: the prompts (one column per answer) and the facts (answers listed)."""
    if not summary.get("by_prompt"):
        return []
    lines: list[str] = []
    answers = [(a.id, a.name) for a in method.answers] + list(_EXTRA)
    for stage in method.stages:
        prompts = _items(method, summary, stage.id, facts=False)
        if prompts:
            headers = ("Prompt", "Cases", *(n for _, n in answers), "Short")
            rows = []
            for item in prompts:
                entry = summary["by_prompt"][item.id]["all"]
                counts = [entry["answers"].get(k, entry.get(k, 0)) for k, _ in answers]
                rows.append((item.id, entry["cases"], *counts, _short(entry)))
            title = f"{stage.name}: what we expected to see (graded cases it applies to)"
            lines += ["", title, *table(headers, rows, numeric=range(1, len(headers)))]
        facts = _items(method, summary, stage.id, facts=True)
        if facts:
            rows = []
            for item in facts:
                entry = summary["by_prompt"][item.id]["all"]
                given = ", ".join(f"{a.name}: {entry['answers'][a.id]}" for a in item.answers)
                extra = [f"{n.lower()}: {entry[k]}" for k, n in _EXTRA if entry[k]]
                rows.append((item.id, entry["cases"], ", ".join([given, *extra])))
            lines += ["", f"{stage.name}: case facts"]
            lines += table(("Fact", "Cases", "Answers"), rows, numeric=(1,))
        sentences = [
            summary["by_prompt"][i.id]["all"]["sentence"]
            for i in (*prompts, *facts)
            if summary["by_prompt"][i.id]["all"]["sentence"]
        ]
        lines += [f"  {s}" for s in sentences]
    return lines


def answers_by_grade(summary: Summary, method: Methodology) -> list[str]:
    """For each shortfall answer given: how the cases given it were graded overall."""
    grades = [(g.id, g.name) for g in method.grades] + [("unresolved", "Unresolved")]
    rows = []
    for item in method.items:
        by_answer = summary.get("by_prompt_grade", {}).get(item.id, {})
        for answer in item.answers:
            if answer.shortfall and answer.id in by_answer:
                counts = by_answer[answer.id]
                rows.append((item.id, answer.name, *(counts.get(g, 0) for g, _ in grades)))
    if not rows:
        return []
    headers = ("Prompt or fact", "Answer", *(name for _, name in grades))
    title = "Cases where practice fell short, by overall grade"
    return ["", title, *table(headers, rows, numeric=range(2, len(headers)))]


def self_view(summary: Summary, method: Methodology) -> list[str]:
    """The force's own grades: referred cases, by category, and the agreement figures."""
    own = summary.get("force_self_assessment")
    if not own:
        return []
    lines = ["", "The force's self-assessment"]
    if own["referred"].get("sentence"):
        lines.append(own["referred"]["sentence"])
    rows = [
        (
            entry["name"],
            entry["cases"],
            entry["force_graded"],
            entry["compared"],
            entry["same"],
            entry["force_more_favourable"],
            entry["inspector_more_favourable"],
        )  # fmt: skip
        for entry in own["by_category"].values()
    ]
    everything = own["all"]
    rows.append(
        (
            "All cases",
            everything["cases"],
            everything["force_graded"],
            everything["compared"],
            everything["same"],
            everything["force_more_favourable"],
            everything["inspector_more_favourable"],
        )  # fmt: skip
    )
    headers = ("Category", "Cases", "Force graded", "Compared", "Same", "Force kinder", "We kinder")
    lines += table(headers, rows, numeric=range(1, len(headers)))
    lines.append(f"Force against ours: {describe(everything['agreement'])}")
    moderation = summary.get("moderation", {}).get("agreement")
    if moderation:
        lines.append(f"Two inspectors of one case: {describe(moderation)}")
    return lines
