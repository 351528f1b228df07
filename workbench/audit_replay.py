"""Replaying the audit trail: does it reproduce every audited value in the store?

Every change a person makes is an audited edit, so the newest event about each field of a
record says what the field holds now. ``Replay`` gathers, from this store's events and every
received segment, the newest value of each audited field (events of one record come from one
store, its author's, in that store's order), and ``mismatches`` compares them with the rows:
assessments (overall grade, rationale, stage grades and notes, prompt answers, graded
status, and whose it is), referrals (what was raised, on which case, and closed), responses
and moderations (overall and by stage), the follow-up's quarterly assessments and their
evidence (``workbench.audit_replay_more``, which says what is not replayed), and every
field of every case (``workbench.audit_cases``: cases are added in audited batches that
carry their values, and changed by audited edits).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Assessment,
    Case,
    Moderation,
    Referral,
    ReferralEvent,
    StageJudgement,
)
from workbench import audit_replay_more as more
from workbench import fields
from workbench.audit_cases import ADD as ADD_CASES
from workbench.audit_cases import CaseReplay

ENTITIES = frozenset(("assessment", "referral", "referral_event", "moderation")) | more.ENTITIES


class Replay:
    """The newest value of each audited field, by entity id and field (``""`` for a
    creation): ``newest[entity_id][field]``.

    Grouped by record rather than keyed by (id, field) pairs, with each field name and
    each short value held once (``_shared``): a lead's store after 100 packs replays over
    two million events, and pairs of separately parsed strings took 800 MB."""

    def __init__(self) -> None:
        self.newest: dict[str, dict[str, Any]] = {}
        self.own_status: dict[str, Any] = {}  # referrals this store reopened: its own last word
        self.cases = CaseReplay()
        self.records = 0
        self._shared: dict[Any, Any] = {}
        self._kinds: dict[str, str] | None = None

    def add(self, values: dict[str, Any]) -> None:
        """One of this store's events (received ones are added by ``received``, and their
        case events to ``cases``)."""
        entity = values["entity"]
        if entity in ENTITIES:
            entity_id, field = values["entity_id"], values["field"]
            self.newest.setdefault(entity_id, {})[field] = values["new_value"]
            if (
                entity == "referral"
                and field == "status"
                and (values["action"] == "reopen" or entity_id in self.own_status)
            ):
                self.own_status[entity_id] = values["new_value"]
        elif entity in ("case", "inspection"):
            self.cases.add(
                values["at"], True, values["origin"], values["action"], entity,
                values["entity_id"], values["field"], values["new_value"],
            )  # fmt: skip

    def received(self, events: list[list[Any]], origin: str) -> None:
        """Events received from ``origin`` in a segment, parsed (``HASHED`` order), in
        sequence: the newest value of each field of the records they are about, and their
        case events. ``TypeError`` if an event names its record or field with something
        that cannot be a key (a list, say)."""
        newest, entities, cases = self.newest, ENTITIES, self.cases
        get, shared = newest.get, self._shared.setdefault
        for event in events:
            if event[6] in entities:
                entity_id, field, value = event[7], event[8], event[10]
                fields = get(entity_id)
                if fields is None:
                    fields = newest[entity_id] = {}
                if value.__class__ is str and len(value) <= 200:
                    value = shared(value, value)
                fields[shared(field, field)] = value
            elif event[6] == "case" or event[5] == ADD_CASES:
                at, _, action, entity, entity_id, field, _, value = event[3:11]
                cases.add(at, False, origin, action, entity, entity_id, field, value)

    def value(self, entity_id: str, field: str, default: Any = None) -> Any:
        return self.newest.get(entity_id, _NONE).get(field, default)

    def mismatches(self, session: Session) -> Iterator[str]:
        yield from self.cases.mismatches(session, self._differs)
        self.records += len(session.scalars(select(Case.id)).all())
        yield from self._assessments(session)
        yield from self._referrals(session)
        yield from self._responses(session)
        yield from self._moderations(session)
        yield from more.stage_moderations(session, self.newest, self._differs)
        yield from more.quarter_assessments(session, self.newest, self._differs)
        yield from more.quarter_evidence(session, self.newest, self._differs)
        self.records += more.counted(session)

    def _differs(self, what: str, field: str, current: Any, expected: Any) -> str:
        return (
            f"{what}: its {field} is {_shown(current)} in the store, but its audit trail "
            f"says {_shown(expected)}"
        )

    def _assessments(self, session: Session) -> Iterator[str]:
        stages: dict[str, list[tuple[str, Any, Any]]] = {}
        for owner, stage_id, grade, notes in session.execute(
            select(
                StageJudgement.assessment_id,
                StageJudgement.stage_id,
                StageJudgement.grade,
                StageJudgement.notes,
            )
        ):
            stages.setdefault(owner, []).append((stage_id, grade, notes))
        query = select(
            Assessment.id, Assessment.inspector, Assessment.overall_grade, Assessment.rationale,
            Assessment.status, Assessment.answers, Case.reference,
        ).join(Case, Case.id == Assessment.case_id)  # fmt: skip
        for ident, inspector, overall, rationale, status, answers, reference in session.execute(
            query
        ):
            self.records += 1
            what = f"the assessment {ident} (case {reference}, {inspector})"
            last = self.newest.get(ident, _NONE)
            if "" not in last and (overall or rationale or answers or stages.get(ident)):
                yield f"{what} has grades but no audit trail"
                continue
            created = self._created(ident) or {}
            for field, value in (("inspector", inspector), ("case", reference)):
                if field in created and created[field] != value:
                    yield self._differs(what, field, value, created[field])
            if last.get("overall_grade") != overall:
                yield self._differs(what, "overall grade", overall, last.get("overall_grade"))
            if (last.get("rationale") or "") != (rationale or ""):
                yield self._differs(what, "rationale", rationale, last.get("rationale"))
            for stage_id, grade, notes in stages.get(ident, ()):
                checks: tuple[tuple[str, str, str | None, str | None], ...] = (
                    ("grade", fields.stage_grade(stage_id), grade, None),
                    ("notes", fields.stage_notes(stage_id), notes, ""),
                )
                for label, name, held, empty in checks:
                    expected = last.get(name, empty) or empty
                    if (held or empty) != expected:
                        yield self._differs(what, f"stage {stage_id} {label}", held, expected)
            replayed, held_answers = _answers(last), dict(answers or {})
            if replayed != held_answers:
                for key in sorted(set(replayed) | set(held_answers)):
                    if replayed.get(key) != held_answers.get(key):
                        kind = self._kind(last, key)
                        yield self._differs(
                            what, f"answer to {kind} {key}", held_answers.get(key),
                            replayed.get(key),
                        )  # fmt: skip
            if status == "graded" and last.get("status") != "graded":
                yield self._differs(what, "status", status, last.get("status"))

    def _kind(self, last: dict[str, Any], key: str) -> str:
        """Whether an answer ``key`` is a prompt's or a fact's, for a message: as the
        assessment's own trail names it, else as any other's does (ids never clash)."""
        for kind in fields.ANSWER_KINDS:
            if f"{kind}:{key}" in last:
                return kind
        if self._kinds is None:
            self._kinds = {}
            for record in self.newest.values():
                for field, value in record.items():
                    kind, _, answer_key = field.partition(":")
                    if kind in fields.ANSWER_KINDS and value is not None:
                        self._kinds[answer_key] = kind
        return self._kinds.get(key, "prompt")

    def _created(self, ident: str) -> dict[str, Any] | None:
        raw = self.value(ident, "")
        try:
            value = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _referrals(self, session: Session) -> Iterator[str]:
        query = select(
            Referral.id, Referral.raised_by, Referral.urgency, Referral.referred_to,
            Referral.risk_summary, Referral.referred_at, Referral.status, Case.reference,
        ).join(Case, Case.id == Referral.case_id)  # fmt: skip
        for (
            ident,
            raised_by,
            urgency,
            referred_to,
            risk,
            referred_at,
            status,
            reference,
        ) in session.execute(query):
            self.records += 1
            what = f"the referral {ident} (case {reference}, raised by {raised_by})"
            created = self._created(ident)
            if created is None:
                yield f"{what} has no audit trail"
                continue
            if "case" in created and created["case"] != reference:
                yield self._differs(what, "case", reference, created["case"])
            for field, value in (("urgency", urgency), ("referred_to", referred_to),
                                 ("risk_summary", risk)):  # fmt: skip
                expected = self.value(ident, field, created.get(field))  # newest edit
                if expected != value:
                    yield self._differs(what, field.replace("_", " "), value, expected)
            if not _same_time(created.get("referred_at"), referred_at):
                yield self._differs(what, "referral date", referred_at, created.get("referred_at"))
            closed = self.own_status.get(ident, self.value(ident, "status")) == "closed"
            if (status == "closed") != closed:
                yield self._differs(what, "status", status, "closed" if closed else "open")

    def _responses(self, session: Session) -> Iterator[str]:
        query = select(
            ReferralEvent.id, ReferralEvent.referral_id, ReferralEvent.response,
            ReferralEvent.note, ReferralEvent.occurred_at, ReferralEvent.recorded_by,
        )  # fmt: skip
        for ident, referral_id, response, note, occurred_at, recorded_by in session.execute(query):
            self.records += 1
            what = f"the response {ident} to referral {referral_id} (by {recorded_by})"
            created = self._created(ident)
            if created is None:
                yield f"{what} has no audit trail"
                continue
            for field, value in (("referral", referral_id), ("response", response),
                                 ("note", note)):  # fmt: skip
                if created.get(field) != value:
                    yield self._differs(what, field, value, created.get(field))
            if not _same_time(created.get("occurred_at"), occurred_at):
                yield self._differs(what, "date", occurred_at, created.get("occurred_at"))

    def _moderations(self, session: Session) -> Iterator[str]:
        query = select(Moderation.id, Moderation.grade, Moderation.reason, Case.reference).join(
            Case, Case.id == Moderation.case_id
        )
        for ident, grade, reason, reference in session.execute(query):
            self.records += 1
            what = f"the moderation of case {reference}"
            raw = self.value(ident, "grade")
            try:
                expected = json.loads(raw) if isinstance(raw, str) else None
            except ValueError:
                expected = None
            if not isinstance(expected, dict):
                yield f"{what} has no audit trail"
                continue
            for field, value in (("grade", grade), ("reason", reason)):
                if expected.get(field) != value:
                    yield self._differs(what, field, value, expected.get(field))


_NONE: dict[str, Any] = {}  # the fields of a record with no events (never written to)


def _answers(last: dict[str, Any]) -> dict[str, Any]:
    """The answers (prompts' and facts') an assessment's newest values give."""
    found = {}
    for field, value in last.items():
        kind, _, key = field.partition(":")
        if kind in fields.ANSWER_KINDS and value is not None:
            found[key] = value
    return found


def _same_time(text: Any, moment: datetime | None) -> bool:
    try:
        return moment is not None and datetime.fromisoformat(str(text)) == moment
    except ValueError:
        return False


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, datetime) else value.isoformat()
    return text if len(text) <= 80 else text[:77] + "..."
