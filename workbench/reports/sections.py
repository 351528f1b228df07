"""The sections of the findings report, written from the summary's figures only.

No figure is computed here: every count is read from ``summarise``'s result (the totals
rows too), so the report always agrees with ``workbench summary``.
"""

from __future__ import annotations

from typing import Any

from workbench.agreement import describe as describe_agreement
from workbench.methodology import Methodology
from workbench.reports.charts import Series
from workbench.reports.content import (
    Block,
    BulletsBlock,
    ChartBlock,
    Col,
    GradeValue,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.data import ReportData
from workbench.reports.tables import grade_colour, grade_name, outcome_name
from workbench.reports.words import plural
from workbench.services.summary import MIN_FOR_PERCENT, NOT_RECORDED, UNRESOLVED


def outcome_ids(method: Methodology, summary: dict[str, Any]) -> list[str]:
    """The grade columns: the scale best first, then "unresolved" when any case is."""
    columns = list(method.grade_ids)
    if summary["overall"].get(UNRESOLVED):
        columns.append(UNRESOLVED)
    return columns


def _grade_cols(method: Methodology, ids: list[str]) -> list[Col]:
    return [Col(outcome_name(method, g), 1.1, True, g) for g in ids]


def _series(method: Methodology, ids: list[str], entries: list[dict[str, Any]]) -> list[Series]:
    return [
        Series(
            outcome_name(method, g),
            grade_colour(method, g),
            tuple(int(entry.get(g, 0)) for entry in entries),
        )
        for g in ids
    ]


def charted(summary: dict[str, Any]) -> bool:
    """Charts only from enough graded cases: a chart of a handful reads as a finding."""
    graded: int = summary["graded"]
    return graded >= MIN_FOR_PERCENT


def interim_notice(data: ReportData) -> list[Block]:
    """While findings are interim, say so at the start of the findings, in words."""
    summary = data.summary
    if not summary.get("interim"):
        return []
    rest = summary["cases"] - summary["graded"]
    parts = [f"These findings are interim: {summary['graded']} of {summary['cases']} cases graded"]
    if rest:
        parts.append(f"{rest} still to be graded")
    if summary["overall"].get(UNRESOLVED):
        parts.append(f"{plural(summary['overall'][UNRESOLVED], 'case')} awaiting moderation")
    text = ", ".join(parts) + ". Figures will change as grading continues."
    if summary["graded"] < MIN_FOR_PERCENT:
        text += (
            f" With fewer than {MIN_FOR_PERCENT} cases graded, figures are given as counts "
            "without percentages or charts."
        )
    return [TextBlock(text, "notice")]


def describe(opening: str, labels: list[str], series: list[Series]) -> str:
    """A chart's text alternative: what it shows, then every figure in it."""
    parts = []
    for index, label in enumerate(labels):
        counts = ", ".join(f"{s.name.lower()} {s.values[index]}" for s in series)
        parts.append(f"{label}: {counts}")
    return f"{opening} " + "; ".join(parts) + "."


def summary_section(data: ReportData) -> Section:
    summary, method = data.summary, data.method
    overall, referrals = summary["overall"], summary["referrals"]
    ids = outcome_ids(method, summary)
    rows: list[list[Value]] = [
        ["Cases in the sample", summary["cases"]],
        ["Cases graded", summary["graded"]],
        ["Cases still being graded", summary["in_progress"]],
        ["Cases not yet started", summary["not_started"]],
        *[[GradeValue(g), overall[g]] for g in ids],
        ["Cases referred back to the force", referrals["cases_referred"]],
        ["Referrals still open", referrals["open"]],
    ]
    names = [outcome_name(method, g) for g in ids]
    series = [Series("Cases", "#000000", tuple(overall[g] for g in ids))]
    chart = ChartBlock(
        "Figure 1: Overall grades of the graded cases",
        f"Bar chart of the overall grades of the {plural(summary['graded'], 'graded case')}: "
        + ", ".join(f"{n.lower()} {v}" for n, v in zip(names, series[0].values, strict=True))
        + ".",
        names,
        series,
        stacked=False,
        colours=[grade_colour(method, g) for g in ids],
        note="The figures are those of table 1.",
    )
    table = TableBlock(
        "Table 1: The case audit in figures",
        [Col("Measure", 3.2), Col("Cases", 1, True)],
        rows,
        width=0.6,
    )
    blocks: list[Block] = [*interim_notice(data), BulletsBlock(list(data.headline)), table]
    if charted(summary):
        blocks.append(chart)
    return Section("Summary of findings", "summary", blocks, new_page=True)


def breakdown_section(data: ReportData, by: str, number: int) -> Section:
    """Overall grades by case category (``by="category"``) or by unit, with a total row."""
    summary, method = data.summary, data.method
    ids = outcome_ids(method, summary)
    if by == "category":
        table, label, all_label = summary["by_category"], "Category", "All categories"
    else:
        table, label, all_label = summary["by_unit"], "Unit", "All units"
    labels = [str(entry.get("name") or key or "No unit recorded") for key, entry in table.items()]
    entries = list(table.values())
    rows: list[list[Value]] = [
        [name, entry["cases"], entry["graded"], *[entry.get(g, 0) for g in ids]]
        for name, entry in zip(labels, entries, strict=True)
    ]
    rows.append(
        [all_label, summary["cases"], summary["graded"], *[summary["overall"][g] for g in ids]]
    )
    columns = [Col(label, 3.0), Col("Cases", 0.9, True), Col("Graded", 0.9, True)]
    blocks: list[Block] = [
        TableBlock(
            f"Table {number}: Overall grades of the cases in each {label.lower()}",
            columns + _grade_cols(method, ids),
            rows,
            total_row=True,
            row_headers=True,
        )
    ]
    if entries and len(entries) <= 30 and charted(summary):
        series = _series(method, ids, entries)
        opening = f"Stacked bar chart of the overall grades of the graded cases by {label.lower()}."
        blocks.append(
            ChartBlock(
                f"Figure {number}: Overall grades by {label.lower()}",
                describe(opening, labels, series),
                labels,
                series,
                note=f"The figures are those of table {number}.",
            )
        )
    title = "Grades by case category" if by == "category" else "Grades by unit"
    return Section(title, f"by-{by}", blocks, new_page=True)


def stage_section(data: ReportData, number: int) -> Section:
    summary, method = data.summary, data.method
    by_stage = summary["by_stage"]
    keys = [*method.grade_ids, method.not_assessed.id]
    keys += [k for k in (UNRESOLVED, NOT_RECORDED) if any(e.get(k) for e in by_stage.values())]
    columns = [Col("Stage", 3.0)] + [
        Col(outcome_name(method, k), 1.1, True, k if k in method.grade_ids else None) for k in keys
    ]
    labels = [entry["name"] for entry in by_stage.values()]
    rows: list[list[Value]] = [
        [entry["name"], *[entry.get(k, 0) for k in keys]] for entry in by_stage.values()
    ]
    series = _series(method, list(method.grade_ids), list(by_stage.values()))
    opening = "Stacked bar chart of the stage grades given at each stage of the child's journey."
    blocks: list[Block] = [
        TextBlock(
            "Each graded case counts once at every stage that applies to its category. A stage "
            "that applies but did not happen in the case is counted as not assessed."
        ),
        TableBlock(
            f"Table {number}: Stage grades at each stage of the child's journey",
            columns,
            rows,
            row_headers=True,
        ),
    ]
    if not charted(summary):
        return Section("Grades by stage of the child's journey", "by-stage", blocks, new_page=True)
    blocks += [
        ChartBlock(
            f"Figure {number}: Stage grades at each stage",
            describe(opening, labels, series),
            labels,
            series,
            note=f"The figures are those of table {number}; stages not assessed are left out.",
        ),
    ]
    return Section("Grades by stage of the child's journey", "by-stage", blocks, new_page=True)


def force_section(data: ReportData, number: int) -> Section:
    summary, method = data.summary, data.method
    crosstab = summary["force_vs_inspector"]
    agreement = summary["force_vs_inspector_agreement"]
    grades = list(method.grade_ids)
    rows: list[list[Value]] = [
        [GradeValue(force), *[crosstab[force][ours] for ours in grades]] for force in grades
    ]
    rows.append(["All compared", *[sum(crosstab[f][ours] for f in grades) for ours in grades]])
    columns = [Col("The force's grade", 2.2)] + [
        Col(grade_name(method, g), 1.3, True, g) for g in grades
    ]
    compared = agreement["compared"]
    if not compared:
        text = (
            "None of the graded cases had been graded by the force itself, so there is "
            "nothing to compare."
        )
        return Section("The force's own grades against ours", "force", [TextBlock(text)])
    sentences = [
        f"The force had graded {plural(compared, 'case')} itself that we have also graded.",
        f"We gave the same grade in {agreement['same']}, a less favourable grade than the force "
        f"in {agreement['force_more_favourable']} and a more favourable grade in "
        f"{agreement['inspector_more_favourable']}.",
    ]
    blocks: list[Block] = [
        TextBlock(" ".join(sentences)),
        TableBlock(
            f"Table {number}: Cases by the force's own grade (rows) and our grade (columns)",
            columns,
            rows,
            total_row=True,
            width=0.8,
        ),
    ]
    return Section("The force's own grades against ours", "force", blocks)


def moderation_section(data: ReportData, number: int) -> Section:
    figures = data.summary["moderation"]
    dual = figures["dual_graded"]
    rows: list[list[Value]] = [
        ["Cases graded by two inspectors", dual],
        ["Both inspectors gave the same overall grade", figures["agreed"]],
        ["The inspectors gave different overall grades", figures["disagreed"]],
        ["Cases moderated by the lead inspector", figures["moderated"]],
        ["Agreement between the two inspectors", share(figures["agreed"], dual)],
        *agreement_rows(figures.get("agreement")),
    ]
    blocks: list[Block] = [
        TextBlock(
            "Some cases were graded by two inspectors independently, to test the consistency "
            "of grading. Where they differed the lead inspector moderated the case and agreed "
            "its grade. Weighted kappa and Gwet's AC1 measure the agreement beyond what chance "
            "alone would give: 1 is complete agreement, 0 no better than chance. Kappa falls "
            "when one grade dominates even if the inspectors nearly always agree; AC1 does not. "
            "Each is given with its 95% confidence interval; with fewer than 10 cases graded "
            "by two inspectors they are too few to measure."
        ),
        TableBlock(
            f"Table {number}: Moderation",
            [Col("Measure", 3.2), Col("Figure", 1, True)],
            rows,
            width=0.75,
        ),
    ]
    return Section("Moderation", "moderation", blocks)


def share(part: int, whole: int) -> str:
    """ "7 of 12 (58 percent)"; under ``MIN_FOR_PERCENT`` cases, the count alone."""
    if not whole:
        return "–"
    if whole < MIN_FOR_PERCENT:
        return f"{part} of {whole}"
    return f"{part} of {whole} ({int(part * 100 / whole + 0.5)}%)"


def _coefficient(value: object) -> str:
    if not isinstance(value, dict):
        return "not defined"
    return f"{value['value']:.3f} (95% CI {value['ci_low']:.3f} to {value['ci_high']:.3f})"


def agreement_rows(figures: dict[str, Any] | None) -> list[list[Value]]:
    """Weighted kappa and AC1 with their intervals, or "too few to measure"."""
    if not figures:
        return []
    if figures["too_few"]:
        return [["Weighted kappa and Gwet's AC1", describe_agreement(figures)]]
    return [
        ["Weighted kappa (linear weights)", _coefficient(figures["weighted_kappa"])],
        ["Gwet's AC1", _coefficient(figures["ac1"])],
    ]
