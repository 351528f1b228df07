"""The annexes of the update report: A, the inspection's findings from its own summary (the
blocks the findings report prints, without its charts); B, the recommendations by timeframe;
C, the plan for quarterly reporting."""

from __future__ import annotations

from workbench.followup.timeframes import period_words
from workbench.reports.content import (
    Block,
    BulletsBlock,
    ChartBlock,
    Col,
    HeadingBlock,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.sections import breakdown_section, stage_section, summary_section
from workbench.reports.update_data import UpdateData, groups
from workbench.reports.words import fieldwork


def annex_a(data: UpdateData) -> Section:
    facts = data.baseline.facts
    blocks: list[Block] = [
        TextBlock(
            f"The figures of the case audit of {facts.title} ({fieldwork(facts.start, facts.end)}),"
            " as its findings report gives them."
        )
    ]
    for section in (summary_section(data.baseline), breakdown_section(data.baseline, "category", 2),
                    stage_section(data.baseline, 3)):  # fmt: skip
        blocks += [b for b in section.blocks if not isinstance(b, ChartBlock)]
    title = f"Annex A: Summary of findings from the {facts.start.year} inspection"
    return Section(title, "annex-a", blocks, new_page=True)


def annex_b(data: UpdateData) -> Section:
    blocks: list[Block] = []
    for timeframe, recs in groups(data):
        blocks.append(HeadingBlock(timeframe.words.capitalize()))
        for rec in recs:
            blocks.append(TextBlock(f"{rec.number}. {rec.text}"))
            if rec.points:
                blocks.append(BulletsBlock(list(rec.points)))
    year = data.baseline.facts.start.year
    return Section(f"Annex B: {year} recommendations", "annex-b", blocks, new_page=True)


def annex_c(data: UpdateData) -> Section:
    rows: list[list[Value]] = []
    for q in range(1, data.last_planned + 1):
        if q == 1:
            what = "An assessment of the force's action plans: whether they show a clear "
            what += "understanding of the issues and are likely to put them right"
        elif q == data.last_planned:
            what = "The outcomes for children: inspectors spend four weeks in the force and "
            what += "audit live and recent cases again, compared with the inspection"
        else:
            what = "Progress against the recommendations and the force's action plans, from "
            what += "documents, the force's own audits, interviews and meetings"
        state = (
            "This report" if q == data.quarter else "Reported" if q < data.quarter else "Planned"
        )
        rows.append([f"Quarter {q}", period_words(data.published, q) or "–", what, state])
    blocks: list[Block] = [
        TextBlock(
            "Following the inspection's report, the force was asked for an update on the "
            "recommendations requiring immediate action and for action plans setting out how "
            "it would respond to every recommendation. Progress is reported every quarter:"
        ),
        TableBlock(
            "Table: Plans for quarterly reporting",
            [Col("Quarter", 1), Col("Months", 1.6), Col("What it assesses", 4), Col("State", 1)],
            rows,
        ),  # fmt: skip
    ]
    return Section("Annex C: Plans for quarterly reporting", "annex-c", blocks, new_page=True)
