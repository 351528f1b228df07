"""Drawing an inspection's case sample from the force's full list of cases.

The list has the case import's columns (``docs/spreadsheets.md``); any other column is kept
on each drawn case as an attribute. Cases are grouped into strata by category and/or unit
and a simple random sample is drawn without replacement inside each stratum:

- ``size``: N cases in all, shared between the strata in proportion to their size (largest
  remainders), or to their size times an over-sampling factor;
- ``per``: K cases from every stratum, or a share of each (``0.2`` or ``"20%"``), times any
  over-sampling factor;
- ``targets``: a plan naming how many (or what share) to draw from each stratum.

The draw is reproducible: each stratum's cases are drawn with ``random.Random`` seeded from
the recorded seed and the stratum's name, over the stratum's rows in file order, so the same
file, plan and seed always draw the same cases. What was drawn, from how many listed in each
stratum, the seed and the method are kept (``SampleDraw``) for the methodology annex; the
cases not drawn stay on record as those counts.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

import pandas as pd
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from db.bulk import bulk_insert
from db.engine import Store
from db.models import Case, Inspection, SampleDraw, new_id
from db.types import canonical_json, utcnow
from workbench import audit
from workbench.audit_cases import record_cases
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.identity import require_user_name
from workbench.imports_log import log_import
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.services.case_import import COLUMNS, OPTIONAL, REQUIRED, CaseChecker, refusal
from workbench.services.inspections import get_inspection, methodology_of
from workbench.services.sampling_plan import (
    SamplePlan,
    Stratum,
    allocate,
    categorised,
    label,
    plan_checked,
)
from workbench.tabular import LINE, fingerprint, read_table, require_columns

METHOD = "stratified simple random sampling without replacement"
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_TEXT = 2_000


@dataclass(frozen=True)
class StratumCount:
    stratum: Stratum
    listed: int
    drawn: int


@dataclass(frozen=True)
class SamplePreview:
    """A draw worked out but not yet saved: what the dialog shows before committing."""

    source: str
    seed: str
    plan: SamplePlan
    strata: tuple[StratumCount, ...]
    chosen: tuple[int, ...]  # row positions in the list, in file order

    @property
    def listed(self) -> int:
        return sum(s.listed for s in self.strata)

    @property
    def drawn(self) -> int:
        return len(self.chosen)


@dataclass(frozen=True)
class DrawRecord:
    """A saved draw, as the methodology annex states it."""

    id: str
    method: str
    seed: str
    strata_by: tuple[str, ...]
    plan: str
    source: str
    sha256: str
    listed: int
    drawn: int
    strata: tuple[StratumCount, ...]
    drawn_by: str
    drawn_at: datetime


def _rng(seed: str, stratum: Stratum) -> random.Random:
    return random.Random("\x1f".join((seed, *stratum)))


def draw(
    rows_by_stratum: Mapping[Stratum, list[int]], targets: Mapping[Stratum, int], seed: str
) -> list[int]:
    """The row positions drawn: ``targets[s]`` from each stratum, seeded per stratum."""
    chosen: list[int] = []
    for stratum in sorted(rows_by_stratum):
        rows = rows_by_stratum[stratum]
        chosen += _rng(seed, stratum).sample(rows, targets.get(stratum, 0))
    return sorted(chosen)


def _extra_columns(table: pd.DataFrame) -> list[str]:
    extra = [c for c in table.columns if c not in COLUMNS and c != LINE]
    if len(extra) > MAX_ATTRIBUTES:
        raise WorkbenchError(
            f"The list has {len(extra)} columns beyond the case import's; at most "
            f"{MAX_ATTRIBUTES} are kept. Remove the ones not needed."
        )
    return extra


class _List:
    """The force's list read and checked: every row valid, grouped into strata."""

    def __init__(self, path: Path, method: Methodology, existing: set[str], by: tuple[str, ...]):
        table = read_table(path)
        self.extra = _extra_columns(table)
        require_columns(table, REQUIRED, [*OPTIONAL, *self.extra], path.name)
        for column in OPTIONAL:
            if column not in table.columns:
                table[column] = ""
        self.table = table
        self.checker = CaseChecker(table, method, existing)
        errors = self.checker.errors()
        if errors:
            raise refusal(errors, path.name)
        keys = {"category": self.checker.categories, "unit": self.checker.cells["unit"]}
        columns = [keys[name] for name in by]
        self.strata: dict[Stratum, list[int]] = {}
        for i, key in enumerate(zip(*columns, strict=True)):
            self.strata.setdefault(key, []).append(i)

    def sizes(self) -> dict[Stratum, int]:
        return {s: len(rows) for s, rows in sorted(self.strata.items())}


def _check_plan_strata(plan: SamplePlan, sizes: Mapping[Stratum, int]) -> None:
    named = set(plan.oversample) | set(plan.targets or {})
    unknown = sorted(named - set(sizes))
    if unknown:
        raise WorkbenchError(
            f"The list has no cases in the stratum {label(unknown[0])}; the strata in it are "
            f"{', '.join(label(s) for s in sizes)}."
        )


def _prepare(
    session: Session, inspection: Inspection, path: Path, plan: SamplePlan, seed: str
) -> tuple[_List, SamplePreview]:
    method = methodology_of(inspection)
    plan = categorised(method, plan)
    existing = set(
        session.scalars(select(Case.reference).where(Case.inspection_id == inspection.id))
    )
    found = _List(path, method, existing, plan.by)
    sizes = found.sizes()
    _check_plan_strata(plan, sizes)
    targets = allocate(sizes, plan)
    chosen = draw(found.strata, targets, seed)
    counts = tuple(StratumCount(s, n, targets[s]) for s, n in sizes.items())
    return found, SamplePreview(path.name, seed, plan, counts, tuple(chosen))


def _seed(seed: str | int) -> str:
    text = str(seed).strip()
    if not text or len(text) > 100:
        raise WorkbenchError("Give a seed (up to 100 characters), such as 20261201.")
    return text


def preview_sample(
    store: Store, inspection_id: str, path: str | Path, plan: SamplePlan, seed: str | int
) -> SamplePreview:
    """Work out the draw (counts per stratum and which rows) without saving anything."""
    plan, seed = plan_checked(plan), _seed(seed)
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        return _prepare(session, inspection, Path(path), plan, seed)[1]


def draw_sample(
    store: Store,
    inspection_id: str,
    path: str | Path,
    plan: SamplePlan,
    seed: str | int,
    progress: Progress = no_progress,
) -> DrawRecord:
    """Draw the sample and add the drawn cases to the inspection; one transaction, audited."""
    path, plan, seed = Path(path), plan_checked(plan), _seed(seed)
    progress(0, 3, f"Reading {path.name}")
    digest = fingerprint(path)
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        found, preview = _prepare(session, inspection, path, plan, seed)
        if not preview.chosen:
            raise WorkbenchError("This plan draws no cases; nothing was added.")
        progress(1, 3, f"Drawing {preview.drawn:,} of {preview.listed:,} cases")
        now = utcnow()
        defaults = {
            "inspection_id": inspection.id,
            "methodology_version": inspection.methodology_version,
            "created_at": now,
        }
        drawn = found.checker.rows(defaults, preview.chosen)
        extra = {c: found.table[c].tolist() for c in found.extra}
        for row, i in zip(drawn, preview.chosen, strict=True):
            row["attributes"] = {c: values[i][:MAX_ATTRIBUTE_TEXT] for c, values in extra.items()}
        progress(2, 3, f"Saving {len(drawn):,} cases")
        bulk_insert(session.connection(), cast(Table, Case.__table__), drawn)
        record = _save(session, inspection.id, actor, preview, digest, now)
        audit.record(
            session, actor, "sample", "inspection", inspection.id, "cases", None,
            {"file": path.name, "sha256": digest, "seed": seed, "method": record.method,
             "plan": record.plan, "listed": preview.listed, "drawn": preview.drawn},
        )  # fmt: skip
        record_cases(session, actor, inspection.id, "sample", drawn)
        log_import(
            session, "sample", path.name, inspection_id=inspection.id, actor=actor,
            added=len(drawn), changed=0, details={"draw": record.id, "listed": preview.listed},
            fingerprint=digest, at=now,
        )  # fmt: skip
        where = inspection.id
    publish(store, Topic.CASES, Topic.IMPORTS, inspection_id=where)
    progress(3, 3, f"Drew {preview.drawn:,} cases")
    return record


def _save(
    session: Session,
    inspection_id: str,
    actor: str,
    preview: SamplePreview,
    digest: str,
    now: datetime,
) -> DrawRecord:
    plan = preview.plan
    method = f"{METHOD}; {plan.describe()}; each stratum drawn with Python's random.Random "
    method += "seeded by the seed and the stratum's name, over its rows in the list's order"
    strata = [
        {"stratum": list(s.stratum), "listed": s.listed, "drawn": s.drawn} for s in preview.strata
    ]
    row = SampleDraw(
        id=new_id(),
        inspection_id=inspection_id,
        method=method,
        seed=preview.seed,
        strata_by=",".join(plan.by),
        plan=plan.describe(),
        strata=canonical_json(strata),
        source=preview.source,
        sha256=digest,
        listed=preview.listed,
        drawn=preview.drawn,
        drawn_by=actor,
        drawn_at=now,
    )
    session.add(row)
    session.flush()
    return _record(row)


def _record(row: SampleDraw) -> DrawRecord:
    strata = tuple(
        StratumCount(tuple(item["stratum"]), int(item["listed"]), int(item["drawn"]))
        for item in json.loads(row.strata)
    )
    return DrawRecord(
        row.id, row.method, row.seed, tuple(row.strata_by.split(",")), row.plan, row.source,
        row.sha256, row.listed, row.drawn, strata, row.drawn_by, row.drawn_at,
    )  # fmt: skip


def sample_draws(store: Store, inspection_id: str) -> list[DrawRecord]:
    """The draws made for an inspection, oldest first."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        rows = session.scalars(
            select(SampleDraw)
            .where(SampleDraw.inspection_id == inspection.id)
            .order_by(SampleDraw.drawn_at)
        )
        return [_record(row) for row in rows]


def stratum_names(
    method: Methodology, counts: Sequence[StratumCount], by: Sequence[str]
) -> list[str]:
    """Each stratum's label in words (category names rather than ids)."""
    names = []
    for count in counts:
        parts = []
        for name, value in zip(by, count.stratum, strict=True):
            parts.append(
                method.category_name(value) if name == "category" else value or "(no unit)"
            )
        names.append(" / ".join(parts))
    return names
