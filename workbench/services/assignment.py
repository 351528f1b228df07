"""Who grades what: assigning cases to inspectors, balancing, and dual grading.

A case has one inspector (``assigned_to``) and, when it is dual-graded for moderation, a
second (``second_inspector``), who grades it blind: the services that show one inspector
another's grade (``case_detail``) hold it back until both have graded the case. Every
change is an audited edit. A kit already issued to an inspector is out of date once the
cases assigned to them differ from those it carried (``kit_states``); an update kit then
adds the new cases and withdraws the others (``workbench.packs.kit``).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.engine import Store
from db.models import Case, KitIssue
from db.types import utcnow
from workbench import audit
from workbench.changes import Topic, publish
from workbench.errors import WorkbenchError
from workbench.identity import require_user_name
from workbench.services.inspections import get_inspection
from workbench.tabular import read_table

MAX_NAME = 200


@dataclass(frozen=True)
class AssignResult:
    changed: int
    unchanged: int
    kits_out_of_date: tuple[str, ...]


@dataclass(frozen=True)
class KitState:
    """The last kit issued to an inspector against what is assigned to them now."""

    inspector: str
    issued_at: datetime
    in_kit: int
    assigned_now: int
    to_add: int
    to_withdraw: int

    @property
    def out_of_date(self) -> bool:
        return bool(self.to_add or self.to_withdraw)


def _name(name: str | None, what: str) -> str | None:
    if name is None:
        return None
    name = " ".join(name.split())
    if not name:
        raise WorkbenchError(f"The {what}'s name is empty.")
    if len(name) > MAX_NAME:
        raise WorkbenchError(f"The {what}'s name is longer than {MAX_NAME} characters.")
    return name


def read_references(path: str | Path) -> list[str]:
    """Case references from a file: a ``reference`` (or ``case_ref``) column, or one a line."""
    path = Path(path)
    if path.suffix.lower() in (".txt", ""):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkbenchError(f"'{path.name}' cannot be read as UTF-8 text: {exc}") from None
        return [line.strip() for line in text.splitlines() if line.strip()]
    table = read_table(path)
    for column in ("reference", "case_ref"):
        if column in table.columns:
            return [ref for ref in table[column].tolist() if ref]
    raise WorkbenchError(f"'{path.name}' has no 'reference' column naming the cases.")


def _cases_by_reference(session: Session, inspection_id: str, refs: Sequence[str]) -> list[Case]:
    wanted = list(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    found: dict[str, Case] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Case).where(Case.inspection_id == inspection_id, Case.reference.in_(chunk))
        found.update({case.reference: case for case in session.scalars(query)})
    missing = [ref for ref in wanted if ref not in found]
    if missing:
        shown = ", ".join(missing[:5])
        if len(missing) > 5:
            shown += f" and {len(missing) - 5} more"
        raise WorkbenchError(
            f"{len(missing)} of the cases named {'is' if len(missing) == 1 else 'are'} not in "
            f"this inspection: {shown}. Nothing was assigned."
        )
    return [found[ref] for ref in wanted]


def _set(session: Session, actor: str, case: Case, field: str, value: str | None) -> bool:
    old = getattr(case, field)
    if old == value:
        return False
    setattr(case, field, value)
    audit.record(session, actor, "update", "case", case.id, field, old, value)
    return True


def _apply(
    session: Session, actor: str, cases: Iterable[Case], to: str | None, second: str | None
) -> tuple[int, int, set[str]]:
    changed = unchanged = 0
    touched: set[str] = set()
    for case in cases:
        first = to if to is not None else case.assigned_to
        other = second if second is not None else case.second_inspector
        if first is not None and other is not None and first == other:
            raise WorkbenchError(
                f"Case {case.reference} would be graded twice by {first}; the second "
                "inspector must be someone else. Nothing was assigned."
            )
        names = {case.assigned_to, case.second_inspector}
        did = False
        if to is not None:
            did |= _set(session, actor, case, "assigned_to", to)
        if second is not None:
            did |= _set(session, actor, case, "second_inspector", second or None)
        if did:
            now = {case.assigned_to, case.second_inspector}
            touched |= {name for name in names | now if name is not None}
        changed += did
        unchanged += not did
    return changed, unchanged, {name for name in touched if name}


def assign_cases(
    store: Store,
    inspection_id: str,
    references: Sequence[str],
    *,
    to: str | None = None,
    second: str | None = None,
) -> AssignResult:
    """Assign the named cases to ``to`` and/or ``second`` (``""`` clears the second)."""
    to = _name(to, "inspector")
    second = "" if second == "" else _name(second, "second inspector")
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        cases = _cases_by_reference(session, inspection.id, references)
        changed, unchanged, touched = _apply(session, actor, cases, to, second)
        session.flush()
        stale = _stale(session, inspection.id, touched)
        where = inspection.id
    if changed:
        publish(store, Topic.CASES, inspection_id=where)
    return AssignResult(changed, unchanged, stale)


def balance_cases(
    store: Store,
    inspection_id: str,
    inspectors: Sequence[str],
    *,
    by: str = "count",
    references: Sequence[str] | None = None,
) -> AssignResult:
    """Share cases between ``inspectors`` so each has as nearly as possible the same number
    (``by="count"``) or the same number of each category (``by="category"``).

    Only unassigned cases are dealt (or the ``references`` given, reassigned), each to whoever
    has fewest so far, counting the cases they already hold; ties go in the order given.
    """
    names = [n for n in (_name(name, "inspector") for name in inspectors) if n]
    if not names or len(set(names)) < len(names):
        raise WorkbenchError("Name the inspectors to share the cases between, each once.")
    if by not in ("count", "category"):
        raise WorkbenchError("Balance by 'count' or by 'category'.")
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        every = list(
            session.scalars(
                select(Case).where(Case.inspection_id == inspection.id).order_by(Case.reference)
            )
        )
        if references is None:
            deal = [c for c in every if not c.assigned_to]
        else:
            deal = _cases_by_reference(session, inspection.id, references)
        dealt = {c.id for c in deal}
        kept = [c for c in every if c.id not in dealt and c.assigned_to in names]
        total = Counter(c.assigned_to for c in kept)
        held = Counter((c.assigned_to, c.category if by == "category" else "") for c in kept)
        changed = unchanged = 0
        touched: set[str] = set()
        for case in deal:
            key = case.category if by == "category" else ""
            chosen = min(names, key=lambda n: (held[(n, key)], total[n], names.index(n)))
            if case.second_inspector == chosen:
                chosen = min(
                    (n for n in names if n != chosen),
                    key=lambda n: (held[(n, key)], total[n], names.index(n)),
                    default=chosen,
                )
            held[(chosen, key)] += 1
            total[chosen] += 1
            old = case.assigned_to
            did = _set(session, actor, case, "assigned_to", chosen)
            changed += did
            unchanged += not did
            if did:
                touched |= {chosen, old or ""}
        session.flush()
        stale = _stale(session, inspection.id, {t for t in touched if t})
        where = inspection.id
    if changed:
        publish(store, Topic.CASES, inspection_id=where)
    return AssignResult(changed, unchanged, stale)


def choose_dual(
    store: Store,
    inspection_id: str,
    share: float,
    seed: str | int,
    inspectors: Sequence[str],
) -> AssignResult:
    """Mark a share of the assigned cases for dual grading, drawn at random with ``seed``;
    each gets a second inspector from ``inspectors`` (never its first), balanced by count."""
    if not 0 < share <= 1:
        raise WorkbenchError("The share for dual grading is above 0 and at most 1 (or 100%).")
    names = [n for n in (_name(name, "inspector") for name in inspectors) if n]
    if not names:
        raise WorkbenchError("Name the inspectors who grade the second time.")
    with store.sessions.begin() as session:
        actor = require_user_name(session)
        inspection = get_inspection(session, inspection_id)
        pool = list(
            session.scalars(
                select(Case)
                .where(Case.inspection_id == inspection.id, Case.assigned_to.is_not(None))
                .where(Case.second_inspector.is_(None))
                .order_by(Case.reference)
            )
        )
        count = min(len(pool), max(1, round(share * len(pool)))) if pool else 0
        picked = sorted(random.Random(str(seed)).sample(pool, count), key=lambda c: c.reference)
        load: Counter[str] = Counter()
        changed = 0
        touched: set[str] = set()
        for case in picked:
            others = [n for n in names if n != case.assigned_to]
            if not others:
                continue
            chosen = min(others, key=lambda n: (load[n], names.index(n)))
            load[chosen] += 1
            changed += _set(session, actor, case, "second_inspector", chosen)
            touched.add(chosen)
        audit.record(
            session, actor, "dual_grading", "inspection", inspection.id, "", None,
            {"share": share, "seed": str(seed), "cases": changed},
        )  # fmt: skip
        session.flush()
        stale = _stale(session, inspection.id, touched)
        where = inspection.id
    if changed:
        publish(store, Topic.CASES, inspection_id=where)
    return AssignResult(changed, len(picked) - changed, stale)


# --- kits and assignment -------------------------------------------------------------------


def assigned_case_ids(session: Session, inspection_id: str, inspector: str) -> set[str]:
    """The cases an inspector grades: first or second."""
    query = select(Case.id).where(
        Case.inspection_id == inspection_id,
        or_(Case.assigned_to == inspector, Case.second_inspector == inspector),
    )
    return set(session.scalars(query))


def last_kit(session: Session, inspection_id: str, inspector: str) -> KitIssue | None:
    return session.scalars(
        select(KitIssue)
        .where(KitIssue.inspection_id == inspection_id, KitIssue.inspector == inspector)
        .order_by(KitIssue.issued_at.desc())
        .limit(1)
    ).first()


def kit_case_ids(row: KitIssue) -> set[str]:
    return set(json.loads(row.case_ids))


def record_kit_issue(
    session: Session,
    inspection_id: str,
    inspector: str,
    cases: Sequence[Case],
    actor: str,
    *,
    all_cases: bool = False,
    file_name: str = "",
) -> None:
    """Remember which cases a kit gave an inspector to grade (for ``kit_states``, and for
    whose packs are accepted on which cases: ``workbench.packs.authority``)."""
    mine = sorted(c.id for c in cases if inspector in (c.assigned_to, c.second_inspector))
    session.add(
        KitIssue(
            inspection_id=inspection_id, inspector=inspector, case_ids=json.dumps(mine),
            issued_by=actor, issued_at=utcnow(), cases=len(cases), all_cases=all_cases,
            file_name=file_name[-500:],
        )
    )  # fmt: skip


def withdrawn_cases(
    session: Session, inspection_id: str, inspector: str, cases: Sequence[Case]
) -> list[Case]:
    """Cases the last kit gave ``inspector`` that are no longer theirs: an update kit
    withdraws them (their store keeps whatever was graded on them)."""
    row = last_kit(session, inspection_id, inspector)
    if row is None:
        return []
    gone = kit_case_ids(row) - {c.id for c in cases}
    if not gone:
        return []
    query = select(Case).where(Case.inspection_id == inspection_id, Case.id.in_(sorted(gone)))
    return list(session.scalars(query.order_by(Case.reference)))


def _state(session: Session, inspection_id: str, row: KitIssue) -> KitState:
    before = kit_case_ids(row)
    now = assigned_case_ids(session, inspection_id, row.inspector)
    return KitState(
        row.inspector, row.issued_at, len(before), len(now), len(now - before), len(before - now)
    )


def _stale(session: Session, inspection_id: str, names: Iterable[str]) -> tuple[str, ...]:
    stale = []
    for name in sorted(names):
        row = last_kit(session, inspection_id, name)
        if row is not None and _state(session, inspection_id, row).out_of_date:
            stale.append(name)
    return tuple(stale)


def kit_states(store: Store, inspection_id: str) -> list[KitState]:
    """The last kit issued to each inspector and whether it is out of date."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        names = session.scalars(
            select(KitIssue.inspector)
            .where(KitIssue.inspection_id == inspection.id)
            .distinct()
            .order_by(KitIssue.inspector)
        ).all()
        states = []
        for name in names:
            row = last_kit(session, inspection.id, name)
            if row is not None:
                states.append(_state(session, inspection.id, row))
        return states


def inspectors_of(store: Store, inspection_id: str) -> list[str]:
    """Everyone cases are assigned to (first or second), for pickers."""
    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        rows = session.execute(
            select(Case.assigned_to, Case.second_inspector).where(
                Case.inspection_id == inspection.id
            )
        ).all()
    return sorted({name for pair in rows for name in pair if name})
