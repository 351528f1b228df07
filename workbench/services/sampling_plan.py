"""Sampling plans: how many cases to draw from each stratum of the force's list.

Strata are by category and/or unit. A plan is one of: ``size`` (N cases in all, shared
between the strata in proportion to their size, or to their size times an over-sampling
factor, by largest remainders with ties broken by the stratum's name); ``per`` (K cases, or a
share such as 0.2, from each stratum, times any over-sampling factor); ``targets`` (a plan
file naming a count or share for each stratum; strata it leaves out are not drawn).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.methodology import Methodology
from workbench.tabular import LINE, read_table, require_columns

STRATA_FIELDS = ("category", "unit")


Stratum = tuple[str, ...]


@dataclass(frozen=True)
class SamplePlan:
    """How many to draw: exactly one of ``size``, ``per`` or ``targets``."""

    by: tuple[str, ...] = ("category",)
    size: int | None = None
    per: float | None = None  # a whole number of cases, or a share below 1
    targets: Mapping[Stratum, float] | None = None  # per stratum: a count, or a share below 1
    oversample: Mapping[Stratum, float] = field(default_factory=dict)

    def describe(self) -> str:
        by = " and ".join(self.by)
        if self.size is not None:
            how = f"{self.size:,} cases in all, allocated in proportion to each stratum's size"
        elif self.targets is not None:
            how = "the number or share of cases set for each stratum in the sampling plan"
        else:
            how = f"{_amount(self.per or 0)} from each stratum"
        extra = ""
        if self.oversample:
            named = ", ".join(f"{label(k)} ×{v:g}" for k, v in sorted(self.oversample.items()))
            extra = f"; over-sampled: {named}"
        return f"strata by {by}; {how}{extra}"


def label(stratum: Stratum) -> str:
    return " / ".join(part or "(no unit)" for part in stratum)


def _amount(value: float) -> str:
    if value >= 1:
        return f"{int(value):,} cases"
    return f"{value * 100:g}%"


def parse_amount(text: str, what: str = "the number per stratum") -> float:
    """``12`` (cases), ``0.2`` or ``20%`` (a share); refused if neither."""
    text = str(text).strip()
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise WorkbenchError(
            f"'{text}' is not a number of cases or a share for {what}; write 12, 0.2 or 20%."
        ) from None
    if not math.isfinite(value) or value <= 0 or (value >= 1 and not value.is_integer()):
        raise WorkbenchError(
            f"'{text}' is not a number of cases or a share for {what}: use a whole number of "
            "cases, or a share above 0 and below 1 (or a percentage below 100%)."
        )
    return value


def check_by(by: Sequence[str]) -> tuple[str, ...]:
    fields = tuple(part.strip().lower() for part in by if part.strip())
    if not fields or any(f not in STRATA_FIELDS for f in fields) or len(set(fields)) < len(fields):
        raise WorkbenchError(
            f"Strata are by category, unit, or both ('category,unit'); not '{','.join(by)}'."
        )
    return fields


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)


def allocate(sizes: Mapping[Stratum, int], plan: SamplePlan) -> dict[Stratum, int]:
    """How many to draw from each stratum under ``plan`` (never more than it holds)."""
    factor = {s: plan.oversample.get(s, 1.0) for s in sizes}
    if plan.size is not None:
        return _proportional(sizes, factor, plan.size)
    if plan.targets is not None:
        out = {}
        for stratum, size in sizes.items():
            amount = plan.targets.get(stratum, 0)
            wanted = amount if amount >= 1 else _half_up(amount * size)
            wanted = _half_up(wanted * factor[stratum])
            if wanted > size:
                raise WorkbenchError(
                    f"The plan draws {int(wanted):,} cases from {label(stratum)}, which has "
                    f"only {size:,} in the list."
                )
            out[stratum] = int(wanted)
        return out
    per = plan.per or 0
    return {
        s: min(n, _half_up((per if per >= 1 else per * n) * factor[s])) for s, n in sizes.items()
    }


def _proportional(
    sizes: Mapping[Stratum, int], factor: Mapping[Stratum, float], total: int
) -> dict[Stratum, int]:
    listed = sum(sizes.values())
    if total > listed:
        raise WorkbenchError(f"A sample of {total:,} cannot be drawn from a list of {listed:,}.")
    out = dict.fromkeys(sizes, 0)
    open_ = {s for s, n in sizes.items() if n > 0}
    left = total
    while left > 0 and open_:
        weights = {s: (sizes[s] - out[s]) * factor[s] for s in open_}
        whole = sum(weights.values())
        shares = {s: left * w / whole for s, w in weights.items()}
        room = {s: sizes[s] - out[s] for s in open_}
        floors = {s: min(room[s], math.floor(shares[s])) for s in open_}
        given = sum(floors.values())
        for s, n in floors.items():
            out[s] += n
        remainder = left - given
        # Largest remainders first; ties by stratum name, so the allocation is reproducible.
        order = sorted(open_, key=lambda s: (-(shares[s] - math.floor(shares[s])), s))
        for s in order:
            if remainder == 0:
                break
            if out[s] < sizes[s]:
                out[s] += 1
                remainder -= 1
        left = total - sum(out.values())
        open_ = {s for s in open_ if out[s] < sizes[s]}
    return out


def plan_checked(plan: SamplePlan) -> SamplePlan:
    chosen = [x is not None for x in (plan.size, plan.per, plan.targets)]
    if sum(chosen) != 1:
        raise WorkbenchError("Say how many to draw: a total size, a number per stratum or a plan.")
    if plan.size is not None and plan.size <= 0:
        raise WorkbenchError("The sample size must be at least 1.")
    if any(not math.isfinite(v) or v <= 0 for v in plan.oversample.values()):
        raise WorkbenchError("An over-sampling factor must be a number above 0, such as 2.")
    return SamplePlan(check_by(plan.by), plan.size, plan.per, plan.targets, plan.oversample)


def read_plan(path: str | Path, by: Sequence[str]) -> dict[Stratum, float]:
    """A sampling plan: one row per stratum (the ``by`` columns) with ``count`` or ``share``."""
    path, by = Path(path), check_by(by)
    table = read_table(path)
    amounts = [c for c in ("count", "share") if c in table.columns]
    require_columns(table, by, ["count", "share"], path.name)
    if len(amounts) != 1:
        raise WorkbenchError(
            f"'{path.name}' needs one column saying how many to draw: 'count' (a number of "
            "cases) or 'share' (such as 0.2 or 20%)."
        )
    targets: dict[Stratum, float] = {}
    for line, *values in zip(
        table[LINE].tolist(), *(table[c].tolist() for c in (*by, amounts[0])), strict=True
    ):
        *key, amount = values
        stratum = tuple(key)
        if stratum in targets:
            raise WorkbenchError(
                f"Line {line} of '{path.name}' repeats the stratum {label(stratum)}."
            )
        targets[stratum] = parse_amount(amount, f"line {line} of '{path.name}'")
    return targets


def plan_stratum(text: str, by: Sequence[str]) -> Stratum:
    """A stratum named on the command line: ``cse`` or ``cse/North`` (in the ``by`` order)."""
    parts = tuple(part.strip() for part in text.split("/"))
    if len(parts) != len(by):
        raise WorkbenchError(
            f"'{text}' does not name a stratum by {' and '.join(by)}; write "
            + ("category/unit" if len(by) == 2 else by[0])
            + "."
        )
    return parts


def categorised(method: Methodology, plan: SamplePlan) -> SamplePlan:
    """The plan with category words in its strata turned into the methodology's ids."""
    if "category" not in plan.by:
        return plan
    position = plan.by.index("category")

    def fix(stratum: Stratum) -> Stratum:
        found = method.parse_category(stratum[position]) or stratum[position]
        return (*stratum[:position], found, *stratum[position + 1 :])

    targets = None if plan.targets is None else {fix(k): v for k, v in plan.targets.items()}
    oversample = {fix(k): v for k, v in plan.oversample.items()}
    return SamplePlan(plan.by, plan.size, plan.per, targets, oversample)
