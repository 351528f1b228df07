"""The re-inspection in the update report: for each case category and stage, the share
requiring improvement or inadequate now against the inspection, with the counts behind it
(``workbench.followup.reinspection``)."""

from __future__ import annotations

from workbench.followup.reinspection import Comparison, ShareLine
from workbench.reports.content import (
    Block,
    BulletsBlock,
    Col,
    Section,
    TableBlock,
    TextBlock,
    Value,
)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _table(caption: str, label: str, lines: list[ShareLine]) -> TableBlock:
    columns = [Col(label, 3), Col("Baseline", 1.2, True), Col("Share", 0.9, True),
               Col("Now", 1.2, True), Col("Share", 0.9, True), Col("Change", 1.2)]  # fmt: skip
    rows: list[list[Value]] = [
        [line.name, f"{line.baseline_bad} of {line.baseline_total}", _share(line.baseline_share),
         f"{line.now_bad} of {line.now_total}", _share(line.now_share), line.direction]
        for line in lines
    ]  # fmt: skip
    return TableBlock(caption, columns, rows, row_headers=True)


def reinspection_section(comparison: Comparison) -> Section:
    blocks: list[Block] = [
        TextBlock(
            f"{comparison.title} re-inspected the force and audited its cases again. The "
            "tables give, for each case category and each stage of the child's journey, how "
            "many of the graded cases (or stages) were judged to require improvement or be "
            "inadequate, in the inspection and now."
        ),
        BulletsBlock(comparison.sentences),
        _table(
            "Table: Requires improvement or inadequate by case category, then and now",
            "Category",
            comparison.by_category,
        ),  # fmt: skip
        _table(
            "Table: Requires improvement or inadequate by stage, then and now",
            "Stage",
            comparison.by_stage,
        ),  # fmt: skip
    ]
    return Section("The re-inspection against the inspection", "reinspection", blocks,
                   new_page=True)  # fmt: skip
