"""A re-inspection against its baseline: by case category and by stage, the share of graded
cases (or stages) requiring improvement or inadequate now against the baseline, with counts.

Both sides come from ``services.summary.summarise`` so that the figures are those each
inspection's own findings report prints. A category's share is of its graded cases (a case
awaiting moderation counts as graded, as in the summary); a stage's share is of the stages
graded on the scale or awaiting moderation (not assessed and not recorded are left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from db.engine import Store
from workbench.errors import WorkbenchError
from workbench.followup.recommendations import baseline_of
from workbench.methodology import load_methodology
from workbench.services.inspections import get_inspection
from workbench.services.summary import UNRESOLVED, summarise

WORSENED, IMPROVED, UNCHANGED, NO_COMPARISON = "worsened", "improved", "unchanged", "-"


@dataclass(frozen=True)
class ShareLine:
    key: str
    name: str
    baseline_bad: int
    baseline_total: int
    now_bad: int
    now_total: int

    @property
    def baseline_share(self) -> float | None:
        return _share(self.baseline_bad, self.baseline_total)

    @property
    def now_share(self) -> float | None:
        return _share(self.now_bad, self.now_total)

    @property
    def direction(self) -> str:
        then, now = self.baseline_share, self.now_share
        if then is None or now is None:
            return NO_COMPARISON
        return WORSENED if now > then else IMPROVED if now < then else UNCHANGED


@dataclass(frozen=True)
class Comparison:
    title: str
    baseline_title: str
    overall: ShareLine
    by_category: list[ShareLine]
    by_stage: list[ShareLine]

    @property
    def sentences(self) -> list[str]:
        lines = [_sentence("Of all graded cases", self.overall)]
        for label, group in (("categories", self.by_category), ("stages", self.by_stage)):
            for direction in (WORSENED, IMPROVED):
                names = [line.name for line in group if line.direction == direction]
                if names:
                    lines.append(f"It {direction} in these {label}: {', '.join(names)}.")
        return lines


def _share(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _sentence(opening: str, line: ShareLine) -> str:
    if line.now_share is None or line.baseline_share is None:
        return f"{opening}, there is nothing to compare yet."
    return (
        f"{opening}, {line.now_bad} of {line.now_total} ({line.now_share:.0f} percent) require "
        f"improvement or are inadequate now, against {line.baseline_bad} of "
        f"{line.baseline_total} ({line.baseline_share:.0f} percent) in the baseline: "
        f"{line.direction}."
    )


def _category_counts(summary: dict[str, Any], bad: list[str]) -> dict[str, tuple[str, int, int]]:
    return {
        key: (entry["name"], sum(entry.get(g, 0) for g in bad), entry["graded"])
        for key, entry in summary["by_category"].items()
    }


def _stage_counts(summary: dict[str, Any], grades: list[str]) -> dict[str, tuple[str, int, int]]:
    counted = [*grades, UNRESOLVED]
    return {
        key: (
            entry["name"],
            sum(entry.get(g, 0) for g in grades[1:]),
            sum(entry.get(g, 0) for g in counted),
        )
        for key, entry in summary["by_stage"].items()
    }


def _lines(
    then: dict[str, tuple[str, int, int]], now: dict[str, tuple[str, int, int]]
) -> list[ShareLine]:
    keys = list(then) + [k for k in now if k not in then]
    empty = ("", 0, 0)
    return [
        ShareLine(
            key, (now.get(key) or then[key])[0], then.get(key, empty)[1],
            then.get(key, empty)[2], now.get(key, empty)[1], now.get(key, empty)[2],
        )
        for key in keys
        if then.get(key, empty)[2] or now.get(key, empty)[2]
    ]  # fmt: skip


def compare(store: Store, inspection_id: str) -> Comparison:
    """The inspection against the baseline it names (``followup baseline``)."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        baseline = baseline_of(session, inspection.id)
        if baseline is None:
            raise WorkbenchError(
                f"{inspection.title} names no baseline inspection; name it first with "
                "'workbench followup baseline'."
            )
        ids, titles = (baseline.id, inspection.id), (inspection.title, baseline.title)
    then, now = summarise(store, ids[0]), summarise(store, ids[1])
    grades = list(load_methodology(now["inspection"]["methodology_id"]).grade_ids)
    overall = ShareLine(
        "overall", "All graded cases",
        then["overall"]["requires_improvement_or_inadequate"], then["graded"],
        now["overall"]["requires_improvement_or_inadequate"], now["graded"],
    )  # fmt: skip
    return Comparison(
        titles[0],
        titles[1],
        overall,
        _lines(_category_counts(then, grades[1:]), _category_counts(now, grades[1:])),
        _lines(_stage_counts(then, grades), _stage_counts(now, grades)),
    )
