"""The findings report's sections on the evidence: what inspectors answered at each prompt
and case fact, stage by stage, and the force's self-assessment in full.

Every figure and sentence comes from the summary (``by_prompt``, ``force_self_assessment``),
so the PDF, its HTML twin and ``workbench summary`` agree.
"""

from __future__ import annotations

from typing import Any

from workbench.methodology import Methodology, Prompt
from workbench.reports.content import Block, BulletsBlock, Col, Section, TableBlock, TextBlock
from workbench.reports.data import ReportData
from workbench.reports.sections import agreement_rows, share
from workbench.reports.words import plural
from workbench.services.prompt_counts import DIFFERED, UNANSWERED, ordered_by_shortfall

COUNTING = (
    "Each graded case the prompt or fact applies to counts once: a moderated case with the "
    "answers of the assessment whose grade the lead inspector agreed, otherwise the answer "
    "its inspectors agree on; where two inspectors answered differently it counts as "
    "differed. Rows are in order of how often practice fell short."
)


def _entry(data: ReportData, item: Prompt) -> dict[str, Any]:
    entry: dict[str, Any] = data.summary["by_prompt"].get(item.id, {}).get("all", {})
    return entry


def _counted(data: ReportData, item: Prompt) -> bool:
    return bool(_entry(data, item).get("cases"))


def _answered(entry: dict[str, Any]) -> bool:
    return bool(sum(entry["answers"].values()) or entry[DIFFERED])


def _short(entry: dict[str, Any], item: Prompt) -> str:
    if not item.shortfall_ids:
        return "–"
    return share(entry["shortfall"], entry["base"])


def _prompt_table(data: ReportData, items: list[Prompt], number: int, stage: str) -> TableBlock:
    """One row per prompt; the differed and not answered columns only when any case is."""
    method = data.method
    answers = list(method.answers)
    entries = [_entry(data, item) for item in items]
    extra = [(key, name) for key, name in _OTHER if any(e[key] for e in entries)]
    columns = [Col("What we expected to see", 5.0), Col("Cases", 0.9, True)]
    columns += [Col(a.name, 1.0, True) for a in answers]
    columns += [Col(name, 1.0, True) for _, name in extra]
    columns.append(Col("Fell short", 1.4))
    rows = []
    for item, entry in zip(items, entries, strict=True):
        counts = [entry["answers"].get(a.id, 0) for a in answers]
        others = [entry[key] for key, _ in extra]
        rows.append([item.text, entry["cases"], *counts, *others, _short(entry, item)])
    caption = f"Table {number}: {stage}: answers at each prompt (graded cases)"
    return TableBlock(caption, columns, rows, row_headers=True)


def _fact_table(data: ReportData, items: list[Prompt], number: int, stage: str) -> TableBlock:
    columns = [Col("Case fact", 4.0), Col("Cases", 0.9, True), Col("Answers", 4.0)]
    columns.append(Col("Counted in the finding", 1.6))
    rows = []
    for item in items:
        entry = _entry(data, item)
        given = [f"{a.name}: {entry['answers'].get(a.id, 0)}" for a in item.answers]
        given += [f"{k}: {entry[key]}" for key, k in _OTHER if entry[key]]
        rows.append([item.text, entry["cases"], "; ".join(given), _short(entry, item)])
    caption = f"Table {number}: {stage}: case facts (graded cases)"
    return TableBlock(caption, columns, rows, row_headers=True)


_OTHER = ((DIFFERED, "Differed"), (UNANSWERED, "Not answered"))


def _stage_section(data: ReportData, stage_id: str, number: int) -> tuple[Section | None, int]:
    method = data.method
    stage = method.stage(stage_id)
    order = ordered_by_shortfall(method, data.summary["by_prompt"], stage_id)
    items = [method.item(i) for i in order if _counted(data, method.item(i))]
    if not items:
        return None, number
    silent = [i for i in items if not _answered(_entry(data, i))]
    items = [i for i in items if i not in silent]
    prompts = [i for i in items if not i.fact]
    facts = [i for i in items if i.fact]
    sentences = [_entry(data, i)["sentence"] for i in items if _entry(data, i).get("sentence")]
    blocks: list[Block] = [TextBlock(stage.description), TextBlock(COUNTING, "small")]
    if sentences:
        blocks.append(BulletsBlock(sentences))
    if prompts:
        blocks.append(_prompt_table(data, prompts, number, stage.name))
        number += 1
    if facts:
        blocks.append(_fact_table(data, facts, number, stage.name))
        number += 1
    if silent:
        listed = "; ".join(i.text.rstrip(".?") for i in silent)
        blocks.append(TextBlock(f"Not answered in any graded case so far: {listed}.", "small"))
    title = f"What we found: {stage.name.lower()}"
    return Section(title, f"evidence-{stage.id}", blocks, new_page=True), number


def evidence_sections(data: ReportData, number: int) -> tuple[list[Section], int]:
    """One section per stage with counted prompts or facts; returns the next table number."""
    sections = []
    for stage in data.method.stages:
        section, number = _stage_section(data, stage.id, number)
        if section is not None:
            sections.append(section)
    return sections, number


def _own_rows(method: Methodology, entry: dict[str, Any], name: str) -> list[Any]:
    return [name, entry["force_graded"], *(entry["force_grades"][g] for g in method.grade_ids)]


def _compared_rows(entry: dict[str, Any], name: str) -> list[Any]:
    return [
        name, entry["compared"], entry["same"], entry["force_more_favourable"],
        entry["inspector_more_favourable"],
    ]  # fmt: skip


def self_assessment_section(data: ReportData, number: int) -> Section:
    """The force's own grades: the referred cases, by category and in all, with agreement."""
    method, own = data.method, data.summary["force_self_assessment"]
    referred, everything = own["referred"], own["all"]
    blocks: list[Block] = []
    if referred.get("sentence"):
        blocks.append(TextBlock(referred["sentence"], "lead"))
    blocks.append(
        TextBlock(
            f"The force had graded {plural(everything['force_graded'], 'case')} of the "
            f"{everything['cases']} in the sample itself; {everything['compared']} of them we "
            f"have also graded. We gave the same grade in {everything['same']}, a less "
            f"favourable grade in {everything['force_more_favourable']} and a more favourable "
            f"grade in {everything['inspector_more_favourable']}."
        )
    )
    parts = [(e["name"], e) for e in own["by_category"].values()]
    parts += [("Referred back to the force", referred), ("All cases", everything)]
    columns = [Col("Cases", 3.0), Col("Force graded", 1.0, True)]
    columns += [Col(g.name, 1.2, True, g.id) for g in method.grades]
    blocks.append(
        TableBlock(
            f"Table {number}: The force's own grades, by category, of the referred cases and of "
            "all cases",
            columns,
            [_own_rows(method, entry, name) for name, entry in parts],
            total_row=True,
            row_headers=True,
        )
    )
    columns = [Col("Cases", 3.0), Col("Compared", 1.0, True), Col("Same grade", 1.0, True)]
    columns += [Col("Force's grade better", 1.2, True), Col("Our grade better", 1.2, True)]
    blocks.append(
        TableBlock(
            f"Table {number + 1}: The force's grades against ours, where both graded the case",
            columns,
            [_compared_rows(entry, name) for name, entry in parts],
            total_row=True,
            row_headers=True,
        )
    )
    agreement = [["Cases compared", everything["agreement"]["cases"]]]
    agreement.append(
        ["Same grade", share(everything["agreement"]["same"], everything["agreement"]["cases"])]
    )
    agreement += agreement_rows(everything["agreement"])
    blocks.append(
        TableBlock(
            f"Table {number + 2}: Agreement between the force's grades and ours",
            [Col("Measure", 3.2), Col("Figure", 2.2, True)],
            agreement,
            width=0.85,
        )
    )
    return Section("The force's self-assessment", "self-assessment", blocks, new_page=True)
