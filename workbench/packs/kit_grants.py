"""What the kits issued to an inspector let their packs change: the one record of issued
kits (``kit_issue``), read here for packs' authority and by ``services.assignment`` for
whether a kit is out of date.

An inspector's packs may be on any case a kit issued to them carried as theirs (first or
second inspector: a dual-graded case's second inspector has it in their kit), or on every
case when a kit carried every case (``--all-cases``, and kits issued before kits were
recorded). An update kit that no longer carries a case withdraws it from the inspector: work
they did on it before the withdrawal is still accepted (their store keeps it, and the lead
may not have had it yet), but an assessment changed, or a referral raised, after the kit
that withdrew it was issued is refused. A referral they raised before stays theirs: its
changes and the force's responses to it are still accepted from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import KitIssue
from workbench.packs.container import PackRefused
from workbench.packs.payload import timestamp


@dataclass(frozen=True)
class KitGrant:
    """The cases an inspector's packs may be on, and those withdrawn from them (when)."""

    every_case: bool
    cases: frozenset[str]
    withdrawn: dict[str, datetime] = field(default_factory=dict)

    def allows(self, case_id: str) -> bool:
        return self.every_case or case_id in self.cases


def kit_grant(session: Session, inspection_id: str, inspector: str) -> KitGrant:
    """The grant of the kits issued to ``inspector``; refused if the lead issued them none."""
    kits = session.execute(
        select(KitIssue.case_ids, KitIssue.all_cases, KitIssue.issued_at)
        .where(KitIssue.inspection_id == inspection_id, KitIssue.inspector == inspector)
        .order_by(KitIssue.issued_at)
    ).all()
    if not kits:
        raise PackRefused(
            f"This pack is from {inspector[:200]}, but no kit for this inspection was issued to "
            f"anyone of that name from this store; nothing was imported. Issue {inspector[:200]} "
            "a kit first ('workbench kit export'), or check the name with them.",
            "no_kit",
        )
    held: set[str] = set()
    ever: set[str] = set()
    withdrawn: dict[str, datetime] = {}
    for case_ids, all_cases, issued_at in kits:
        now = set(json.loads(case_ids))
        if all_cases:
            withdrawn.clear()  # a kit with every case gives every case back
        else:
            for gone in held - now:
                withdrawn.setdefault(gone, issued_at)
            for back in now:
                withdrawn.pop(back, None)
        held = now
        ever |= now
    every = any(all_cases for _, all_cases, _ in kits)
    return KitGrant(every, frozenset(ever), withdrawn)


@dataclass(frozen=True)
class IssuedKitRow:
    inspector: str
    issued_by: str
    issued_at: datetime
    cases: int
    every_case: bool
    file_name: str

    def to_json(self) -> dict[str, object]:
        return {**self.__dict__, "issued_at": timestamp(self.issued_at)}


def issued_kits(session: Session, inspection_id: str) -> list[IssuedKitRow]:
    """The kits issued from this store for the inspection, oldest first."""
    rows = session.scalars(
        select(KitIssue).where(KitIssue.inspection_id == inspection_id).order_by(KitIssue.issued_at)
    )
    return [
        IssuedKitRow(r.inspector, r.issued_by, r.issued_at, r.cases, r.all_cases, r.file_name)
        for r in rows
    ]
