"""The post-inspection quarterly update report, in the shape of the inspectorate's own:
cover, contents, background (the inspection's headline findings from its case audit), about
this report, the quarter's assessment grouped by timeframe, the progress on every
recommendation over every quarter so far, conclusion, next steps, and annexes A (the
inspection's findings, from its data), B (the recommendations) and C (the plan for
quarterly reporting). Written once as content and printed to PDF and HTML alike."""

from __future__ import annotations

import os
from pathlib import Path

from db.engine import Store
from workbench.dates import long_date
from workbench.errors import WorkbenchError
from workbench.followup.timeframes import period_words
from workbench.progress import Progress, no_progress
from workbench.reports import html, pdf
from workbench.reports.content import (
    Block,
    BulletsBlock,
    Col,
    Cover,
    Document,
    HeadingBlock,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.files import Written, atomic_path
from workbench.reports.update_annexes import annex_a, annex_b, annex_c
from workbench.reports.update_assessment import (
    action_plans_blocks,
    findings_blocks,
    recommendation_blocks,
)
from workbench.reports.update_data import UpdateData, gather_update, groups
from workbench.reports.update_reinspection import reinspection_section
from workbench.reports.words import fieldwork, plural

FICTIONAL = (
    "Fictional demonstration data: the force, its cases, recommendations, action plans and "
    "the assessments of its progress in this report are made up."
)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def ordinal(n: int) -> str:
    return ORDINALS[n - 1] if 0 < n <= len(ORDINALS) else f"{n}th"


def _cover(data: UpdateData) -> Cover:
    facts = data.baseline.facts
    period = period_words(data.published, data.quarter)
    return Cover(
        title=f"Post-inspection quarter {data.quarter} update",
        subtitle=f"{facts.force}" + (f": {period}" if period else ""),
        facts=[
            ("Inspection", facts.title),
            ("Fieldwork", fieldwork(facts.start, facts.end)),
            ("Report published", long_date(data.published, "not recorded")),
            ("Recommendations", str(len(data.recommendations))),
            ("Produced", f"{long_date(data.baseline.produced)} by {data.baseline.author}"),
            ("Marking", facts.marking),
        ],
        notice=FICTIONAL if facts.fictional else "",
    )


def _background(data: UpdateData) -> Section:
    facts, summary = data.baseline.facts, data.baseline.summary
    year = facts.start.year
    blocks: list[Block] = [
        HeadingBlock(f"The {year} inspection of child protection services in {facts.force}"),
        TextBlock(
            f"During fieldwork from {fieldwork(facts.start, facts.end)}, inspectors audited "
            f"{plural(summary['cases'], 'case file')} of {facts.force} against its methodology "
            f"({facts.methodology}), following the child's journey from initial contact through "
            "to the investigation of offences committed against them."
        ),
    ]
    published = (
        f"The report was published on {long_date(data.published)}."
        if data.published
        else "The report's publication date is not recorded yet."
    )
    blocks += [
        TextBlock(f"{published} Its findings from the case audit were:"),
        BulletsBlock(list(data.baseline.headline)),
        TextBlock("A summary of the findings is at annex A."),
        TextBlock(
            f"The report made {plural(len(data.recommendations), 'recommendation')} (see annex "
            "B), which required action:"
        ),
    ]
    for timeframe, recs in groups(data):
        blocks.append(TextBlock(f"{timeframe.words.capitalize()} ({len(recs)}):", "lead"))
        blocks.append(BulletsBlock([f"{r.number}. {r.title}" for r in recs]))
    blocks.append(
        TextBlock(
            "This report uses these recommendations as the basis for the assessment of the "
            "force's action plans, and to describe the outcomes of the force's activity to "
            "improve its child protection service."
        )
    )
    return Section("Background", "background", blocks, new_page=True)


def _about(data: UpdateData) -> Section:
    quarter = data.quarter
    period = period_words(data.published, quarter)
    evidence = [e for rec in data.recommendations if (a := data.assessment(rec.number))
                for e in a.evidence]  # fmt: skip
    count = {kind: sum(1 for e in evidence if e.kind == kind)
             for kind in ("document", "audit", "interview", "meeting")}  # fmt: skip
    blocks: list[Block] = [
        TextBlock(
            f"This is the {ordinal(quarter)} of the quarterly reports on the force's progress"
            + (f", covering {period}" if period else "")
            + ". It reviews the force's progress against the recommendations of the inspection "
            "and against the force's own action plans."
        ),
        TextBlock(
            f"In this quarter, inspectors reviewed {plural(count['document'], 'document')} "
            f"provided by the force and {plural(count['audit'], 'audit')} and self-tests the "
            f"force carried out itself, and drew on {plural(count['interview'], 'interview')} "
            f"and {plural(count['meeting'], 'meeting')} with the force's staff."
        ),
    ]
    if quarter > 1:
        blocks.append(
            TextBlock(
                "The judgements of the earlier quarters are repeated in the progress table, "
                "so that each recommendation's course can be followed."
            )
        )
    return Section("About this report", "about", blocks)


def _progress_table(data: UpdateData) -> Section:
    columns = [Col("No.", 0.5, True), Col("Recommendation", 3.2)]
    columns += [Col(f"Quarter {q}", 1.4) for q in data.quarters]
    rows: list[list[Value]] = []
    for rec in data.recommendations:
        cells = []
        for q in data.quarters:
            view = data.assessment(rec.number, q)
            cells.append(data.scale.name_of(view.judgement if view else None, "–"))
        rows.append([rec.number, rec.title, *cells])
    blocks: list[Block] = [
        TextBlock(
            "The inspectors' judgement of the progress on each recommendation in each quarter "
            "so far ('–' where it was not assessed), on this scale:"
        ),
        BulletsBlock([f"{j.name}: {j.description}" for j in data.scale.judgements]),
        TableBlock(
            f"Table: Progress on every recommendation to quarter {data.quarter}",
            columns,
            rows,
            row_headers=False,
        ),  # fmt: skip
    ]
    return Section("Progress quarter by quarter", "progress", blocks, new_page=True)


def _conclusion(data: UpdateData) -> list[Section]:
    counts: dict[str, int] = {}
    concerns = []
    for rec in data.recommendations:
        view = data.assessment(rec.number)
        key = view.judgement if view and view.judgement else None
        counts[data.scale.name_of(key)] = counts.get(data.scale.name_of(key), 0) + 1
        if view and view.concerns:
            concerns.append(f"Recommendation {rec.number} ({rec.title}): {view.concerns}")
    tally = "; ".join(f"{name.lower()}: {n}" for name, n in counts.items())
    blocks: list[Block] = [
        TextBlock(
            f"Of the {plural(len(data.recommendations), 'recommendation')}, the judgements "
            f"this quarter are: {tally}."
        )
    ]
    if concerns:
        blocks += [TextBlock("Concerns carried forward to the next quarter:"),
                   BulletsBlock(concerns)]  # fmt: skip
    following = data.quarter + 1
    if data.quarter >= data.last_planned:
        step = (
            "This is the last of the planned quarterly reports. Recommendations not yet "
            "discharged, and the concerns carried forward, will be followed up in the "
            "inspectorate's routine monitoring of the force."
        )
    elif following == data.last_planned:
        step = (
            f"The quarter {following} report will assess the outcomes of the force's "
            "improvements for children: a team of inspectors will audit live and recent cases "
            "again, and the findings will be compared with those of the inspection."
        )
    else:
        step = (
            f"The quarter {following} report will continue to review the force's progress "
            "against the recommendations and against its own action plans, and will follow "
            "up the concerns carried forward."
        )
    return [
        Section("Conclusion", "conclusion", blocks, new_page=True),
        Section("Next steps", "next-steps", [TextBlock(step)]),
    ]


def update_document(data: UpdateData) -> Document:
    """The whole update report as content, for the PDF and the HTML twin alike."""
    facts = data.baseline.facts
    sections = [
        _background(data),
        _about(data),
        Section(f"Quarter {data.quarter} assessment", "assessment",
                [*action_plans_blocks(data), *findings_blocks(data)], new_page=True),
    ]  # fmt: skip
    for index, (timeframe, recs) in enumerate(groups(data)):
        blocks = [b for rec in recs for b in recommendation_blocks(data, rec)]
        title = f"Recommendations requiring action {timeframe.words}"
        if timeframe.kind == "immediately":
            title = "Recommendations requiring immediate action"
        sections.append(Section(title, f"timeframe-{index}", blocks))
    sections.append(_progress_table(data))
    sections += [reinspection_section(c) for c in data.reinspections]
    sections += [*_conclusion(data), annex_a(data), annex_b(data), annex_c(data)]
    return Document(
        title=f"{facts.force}: post-inspection quarter {data.quarter} update",
        subject=f"Progress of {facts.force} against the recommendations of {facts.title}",
        author=data.baseline.author,
        marking=facts.marking,
        running_title=f"{facts.force}: post-inspection quarter {data.quarter} update",
        cover=_cover(data),
        sections=sections,
    )


def html_twin(out: str | os.PathLike[str]) -> Path:
    """Where the HTML twin of a PDF at ``out`` goes: beside it, ending .html."""
    path = Path(out)
    return path.with_suffix(".html") if path.suffix.lower() == ".pdf" else Path(f"{path}.html")


def write_update_report(
    store: Store,
    inspection_id: str,
    quarter: int,
    out: str | os.PathLike[str],
    progress: Progress = no_progress,
) -> Written:
    """Write the update report as a PDF at ``out`` and its HTML twin beside it (``.html``),
    each atomically; returns the PDF's page count."""
    if Path(out).suffix.lower() in (".html", ".htm"):
        raise WorkbenchError(
            "Give the update report a .pdf name; its HTML twin is written beside it."
        )
    data = gather_update(store, inspection_id, quarter, progress)
    document = update_document(data)
    written = pdf.write(document, data.baseline.method, out, progress, 16)
    page = html.render(document, data.baseline.method, progress)
    with atomic_path(html_twin(out)) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return written
