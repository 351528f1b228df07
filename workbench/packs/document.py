"""A pack's decrypted contents, checked field by field and against the methodology.

Nothing from a pack reaches the store before ``parse_pack`` has accepted every record:
known fields only, types and lengths as the store's columns, ids well formed and unique,
grades, stages, prompts, answers, urgencies and responses known to the inspection's
methodology, every assessment the sender's own, every audit event from the sender's store
with a hash that matches its content.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.methodology import Methodology
from workbench.packs import records
from workbench.packs.payload import check_list, check_record, malformed

WHAT = "findings pack"
STATUSES = ("not_started", "in_progress", "graded")
REFERRAL_STATUSES = ("open", "closed")
CAPS = {"assessments": 50_000, "referrals": 50_000, "referral_events": 200_000}
CAPS["audit_events"] = 2_000_000
HEAD = {
    "inspection_id": "id",
    "inspector": "str:200",
    "origin": "id",
    "exported_at": "ts",
    "methodology_id": "str:100",
    "methodology_version": "str:40",
}


@dataclass
class PackDocument:
    inspection_id: str
    inspector: str
    origin: str
    exported_at: str
    methodology_id: str
    methodology_version: str
    assessments: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    referral_events: list[dict[str, Any]] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)
    checker: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, repr=False)
    stored_events: dict[int, tuple[str, str]] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        names = [n for n in self.__dataclass_fields__ if n not in ("checker", "stored_events")]
        return {name: getattr(self, name) for name in names}

    def complete(self, assessment: dict[str, Any]) -> dict[str, Any]:
        """The assessment fully checked (see ``document.complete``)."""
        return self.checker(assessment) if self.checker else assessment


def _unique(ids: list[str], label: str) -> None:
    if len(set(ids)) != len(ids):
        raise malformed(WHAT, f"two {label} records share an id")


@dataclass(frozen=True)
class _Known:
    """The methodology's ids, looked up once per pack rather than once per record."""

    grades: frozenset
    stage_grades: frozenset
    stages: frozenset
    prompts: dict[str, str]  # prompt id -> its stage id
    answers: frozenset
    urgencies: frozenset
    responses: frozenset

    @classmethod
    def of(cls, method: Methodology) -> _Known:
        return cls(
            frozenset((*method.grade_ids, None)),
            frozenset((*method.grade_ids, method.not_assessed.id, None)),
            frozenset(method.stage_ids),
            {p.id: p.stage_id for p in method.prompts},
            frozenset({a.id for a in method.answers} | {None}),
            frozenset(u.id for u in method.urgencies),
            frozenset(r.id for r in method.responses),
        )


def _assessment(raw: Any, known: _Known, inspector: str) -> dict[str, Any]:
    """An assessment's own fields checked; its stages and answers are checked by
    ``complete``, only if it is to be written (importing a pack again writes nothing)."""
    record = check_record(
        {k: v for k, v in raw.items() if k not in ("stages", "answers")}
        if isinstance(raw, dict)
        else raw,
        records.ASSESSMENT,
        WHAT,
        "assessment",
    )
    if record["inspector"] != inspector:
        raise malformed(WHAT, f"it holds grades recorded under another name than {inspector}")
    if record["status"] not in STATUSES:
        raise malformed(WHAT, f"'{record['status']}' is not an assessment status")
    if record["overall_grade"] not in known.grades:
        raise malformed(WHAT, f"'{record['overall_grade']}' is not a grade")
    record["stages"] = check_list(raw.get("stages"), WHAT, "stage", 100)
    record["answers"] = check_list(raw.get("answers"), WHAT, "answer", 1000)
    return record


def complete(record: dict[str, Any], known: _Known) -> dict[str, Any]:
    """The assessment with its stage judgements and prompt answers checked and in order."""
    stages = [check_record(s, records.STAGE, WHAT, "stage judgement") for s in record["stages"]]
    answers = [check_record(a, records.ANSWER, WHAT, "prompt answer") for a in record["answers"]]
    for stage in stages:
        if stage["stage_id"] not in known.stages or stage["grade"] not in known.stage_grades:
            raise malformed(WHAT, f"stage '{stage['stage_id']}' or its grade is not known")
    for answer in answers:
        stage_id = known.prompts.get(answer["prompt_id"])
        if stage_id is None:
            raise malformed(WHAT, f"there is no prompt '{answer['prompt_id']}'")
        if answer["answer"] not in known.answers or answer["stage_id"] != stage_id:
            raise malformed(WHAT, f"the answer to '{answer['prompt_id']}' is not known")
    if len({s["stage_id"] for s in stages}) != len(stages):
        raise malformed(WHAT, "an assessment judges one stage twice")
    if len({a["prompt_id"] for a in answers}) != len(answers):
        raise malformed(WHAT, "an assessment answers one prompt twice")
    stages.sort(key=lambda s: s["stage_id"])
    answers.sort(key=lambda a: a["prompt_id"])
    return {**record, "stages": stages, "answers": answers}


def _referral(raw: Any, known: _Known) -> dict[str, Any]:
    record = check_record(raw, records.REFERRAL, WHAT, "referral")
    if record["urgency"] not in known.urgencies:
        raise malformed(WHAT, f"'{record['urgency']}' is not an urgency")
    if record["status"] not in REFERRAL_STATUSES:
        raise malformed(WHAT, f"'{record['status']}' is not a referral status")
    return record


def _referral_event(raw: Any, known: _Known) -> dict[str, Any]:
    record = check_record(raw, records.REFERRAL_EVENT, WHAT, "referral response")
    if record["response"] not in known.responses:
        raise malformed(WHAT, f"'{record['response']}' is not a response")
    return record


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_HASHED = ("id", "origin", "origin_seq", "at", "actor", "action", "entity", "entity_id", "field")
_HASHED += ("old_value", "new_value", "prev_hash")


def event_digest(record: dict[str, Any]) -> str:
    """``workbench.audit.event_hash`` of a checked record (its ``at`` already canonical text),
    with one reused encoder: a pack can hold hundreds of thousands of events."""
    text = _ENCODER.encode([record[field] for field in _HASHED])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _audit_event(raw: Any, origin: str) -> dict[str, Any]:
    record = check_record(raw, records.AUDIT_EVENT, WHAT, "audit event")
    if record["origin"] != origin:
        raise malformed(WHAT, "it holds audit events from another store than the sender's")
    if record["origin_seq"] < 1 or event_digest(record) != record["hash"]:
        raise malformed(WHAT, f"audit event {record['origin_seq']} does not match its hash")
    return record


def _unknown_events(raw: list[Any], known: dict[int, tuple[str, str]]) -> list[Any]:
    """The events not already here; one already here (same place, id and hash) is skipped."""
    if not known:
        return raw
    return [
        event
        for event in raw
        if type(event) is not dict
        or known.get(event.get("origin_seq")) != (event.get("id"), event.get("hash"))
    ]


def parse_pack(
    document: dict[str, Any],
    method: Methodology,
    known_events: dict[int, tuple[str, str]] | None = None,
) -> PackDocument:
    """Check every record of a decrypted pack; refuse the whole pack on the first problem.

    ``known_events`` (origin_seq -> (id, hash)) are the sender's audit events already in this
    store: those are left out of the result unchecked, since merging them changes nothing.
    """
    head = check_record(
        {k: document.get(k) for k in HEAD} if isinstance(document, dict) else document,
        HEAD,
        WHAT,
        "pack",
    )
    extra = set(document) - set(HEAD) - set(CAPS)
    if extra:
        raise malformed(WHAT, f"it has unknown sections: {', '.join(sorted(extra))[:200]}")
    lists = {name: check_list(document.get(name), WHAT, name, cap) for name, cap in CAPS.items()}
    known = _Known.of(method)
    pack = PackDocument(**head, checker=functools.partial(complete, known=known))
    pack.stored_events = known_events
    pack.assessments = [_assessment(a, known, pack.inspector) for a in lists["assessments"]]
    pack.referrals = [_referral(r, known) for r in lists["referrals"]]
    pack.referral_events = [_referral_event(e, known) for e in lists["referral_events"]]
    fresh = _unknown_events(lists["audit_events"], known_events or {})
    pack.audit_events = [_audit_event(e, pack.origin) for e in fresh]
    pack.audit_events.sort(key=lambda e: e["origin_seq"])
    _unique([a["id"] for a in pack.assessments], "assessment")
    _unique([a["case_id"] for a in pack.assessments], "assessment (case)")
    _unique([r["id"] for r in pack.referrals], "referral")
    _unique([e["id"] for e in pack.referral_events], "referral response")
    _unique([e["id"] for e in pack.audit_events], "audit event")
    _unique([str(e["origin_seq"]) for e in pack.audit_events], "audit event (sequence)")
    return pack
