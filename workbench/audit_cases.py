"""Cases in the audit trail: every case a store adds is written, field by field, into the
trail that proves it, so ``audit verify`` can replay each case's state.

A store adds cases in batches (a sample imported or drawn, the demonstration, a kit
opened). Each batch is one event saying what was done (``import``, ``sample``,
``open_kit``, with its counts) followed by ``add_cases`` events on the inspection carrying
the cases' values: ``{"how": ..., "fields": [...], "cases": [[id, value, ...], ...]}``, a
few hundred cases to an event so that each event stays a short line in a pack. A case's
fields change afterwards only by audited edits (``update case <field>``: assignment, dual
grading).

Which events prove a case (``CaseReplay``): those of the store that created it by an import
or a draw (the lead's: its own rows on the lead's laptop, the laptop's pushed trail on a
server), and edits in this store's own rows. A kit's copy proves the cases only in the
store that opened it: an inspector's trail received in a pack says what the kit held then,
not what the lead holds now. Events of several stores about one case are taken in time
order. Stores made before the cases' values were written carry only the batch counts;
such cases are checked by count (``legacy``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, Inspection

CASE_FIELDS = (
    "reference", "category", "unit", "opened_on", "closed_on", "child_ref", "force_grade",
    "assigned_to", "second_inspector", "methodology_version", "attributes",
)  # fmt: skip
CASES_PER_EVENT = 200
MAX_EVENT_TEXT = 60_000  # well inside a pack's longest audit line (packs/trail.py)
ADD = "add_cases"
How = Literal["import", "sample", "kit"]
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _canonical(field: str, value: Any) -> Any:
    if field == "attributes":
        return dict(value or {})
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def case_values(case: Mapping[str, Any] | Case) -> list[Any]:
    """The case's id and its audited fields (``CASE_FIELDS``), as the trail holds them."""
    get = case.get if isinstance(case, Mapping) else lambda f, d=None: getattr(case, f, d)
    return [get("id"), *(_canonical(f, get(f)) for f in CASE_FIELDS)]


def record_cases(
    session: Session, actor: str, inspection_id: str, how: How, cases: Iterable[Any]
) -> None:
    """Write the cases' values into this store's trail (``add_cases`` events)."""
    from workbench import audit

    rows = [case_values(c) for c in cases]
    for chunk in _chunks(how, rows):
        audit.record(session, actor, ADD, "inspection", inspection_id, "cases", None, chunk)


def _chunks(how: How, rows: list[list[Any]]) -> Iterator[str]:
    for start in range(0, len(rows), CASES_PER_EVENT):
        yield from _encoded(how, rows[start : start + CASES_PER_EVENT])


def _encoded(how: How, rows: list[list[Any]]) -> Iterator[str]:
    text = _ENCODE.encode({"how": how, "fields": list(CASE_FIELDS), "cases": rows})
    if len(text) > MAX_EVENT_TEXT and len(rows) > 1:
        half = len(rows) // 2
        yield from _encoded(how, rows[:half])
        yield from _encoded(how, rows[half:])
    else:
        yield text


class CaseReplay:
    """Each case's state rebuilt from the trail's case events."""

    def __init__(self) -> None:
        # (at, own, origin, kind, inspection or case id, field, value), gathered in any order
        self.events: list[tuple[str, bool, str, str, str, str, Any]] = []
        self.legacy: dict[str, int] = {}  # inspection id -> cases added by count-only events

    def add(
        self, at: str, own: bool, origin: str, action: str, entity: str, entity_id: str,
        field: str, new_value: Any,
    ) -> None:  # fmt: skip
        if entity == "case" and action == "update":
            self.events.append((at, own, origin, "update", entity_id, field, new_value))
        elif entity != "inspection":
            return
        elif action == ADD:
            self.events.append((at, own, origin, ADD, entity_id, field, new_value))
        elif own and (action, field) in (("import", "cases"), ("open_kit", "")):
            details = _loaded(new_value)
            if details is None or not details.get("in_trail"):
                key = "count" if action == "import" else "cases_added"
                try:
                    added = int((details or {}).get(key) or 0)
                except (ValueError, TypeError):
                    added = -1
                self.legacy[entity_id] = self.legacy.get(entity_id, 0) + added

    def states(self) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """Each case's fields by id, and the inspection each case was added to."""
        creators: dict[str, str] = {}  # case id -> origin whose import or draw created it
        parsed: list[tuple[str, bool, str, str, str, str, Any]] = []
        for at, own, origin, kind, ident, field, value in self.events:
            if kind != ADD:
                parsed.append((at, own, origin, kind, ident, field, value))
                continue
            batch = _loaded(value) or {}
            names, cases = batch.get("fields"), batch.get("cases")
            if not isinstance(names, list) or not isinstance(cases, list):
                continue
            how = batch.get("how")
            for case in cases:
                if not isinstance(case, list) or len(case) != len(names) + 1:
                    continue
                if how in ("import", "sample"):
                    creators.setdefault(str(case[0]), origin)
                parsed.append((at, own, origin, how or "", ident, "", case))
        states: dict[str, dict[str, Any]] = {}
        inspection_of: dict[str, str] = {}
        for _at, own, origin, kind, ident, field, value in sorted(parsed, key=lambda e: e[0]):
            if kind == "update":
                if ident in states and (own or creators.get(ident) == origin):
                    states[ident][field] = value
                continue
            case_id = str(value[0])
            if own or creators.get(case_id) == origin:
                states[case_id] = dict(zip(CASE_FIELDS, value[1:], strict=False))
                inspection_of[case_id] = ident
        return states, inspection_of

    def mismatches(self, session: Session, differs: Any) -> Iterator[str]:
        states, inspection_of = self.states()
        titles = {i: t for i, t in session.execute(select(Inspection.id, Inspection.title))}
        columns = [getattr(Case, f) for f in CASE_FIELDS]
        query = select(Case.id, Case.inspection_id, *columns).order_by(Case.reference)
        unproved: dict[str, list[str]] = {}
        for ident, inspection_id, *values in session.execute(query):
            reference = values[0]
            expected = states.pop(ident, None)
            if expected is None:
                unproved.setdefault(inspection_id, []).append(reference)
                continue
            what = f"the case {reference} (inspection '{titles.get(inspection_id)}')"
            for field, value in zip(CASE_FIELDS, values, strict=True):
                held = _canonical(field, value)
                if held != expected.get(field):
                    yield differs(what, field.replace("_", " "), held, expected.get(field))
        for inspection_id, references in unproved.items():
            if len(references) != self.legacy.get(inspection_id, 0):
                shown = ", ".join(references[:5])
                more = f" and {len(references) - 5} more" if len(references) > 5 else ""
                yield (
                    f"the inspection '{titles.get(inspection_id)}' has {len(references)} cases "
                    f"with no audit trail: {shown}{more}"
                )
        for ident, state in states.items():
            inspection_id = inspection_of.get(ident, "")
            # a trail may speak of inspections this store no longer or never held (one
            # deleted; a laptop's whole chain pushed to a server): of those it holds, every
            # case must be here
            if inspection_id in titles:
                yield (
                    f"the case {state.get('reference')} (id {ident}) of the inspection "
                    f"'{titles[inspection_id]}' is in the audit trail but not in the store "
                    "(removed)"
                )


def _loaded(value: Any) -> dict[str, Any] | None:
    try:
        found = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
