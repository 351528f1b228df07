"""A pack's decrypted contents, checked field by field and against the methodology.

Nothing from a pack reaches the store before ``parse_pack`` has accepted every record:
known fields only, types and lengths as the store's columns, ids well formed and unique,
grades, stages, prompts, answers, urgencies and responses known to the inspection's
methodology, every assessment the sender's own. The sender's audit trail travels beside the
document as lines of canonical JSON, checked by ``workbench.packs.trail``.

An assessment proven to be the very one held here is not checked again, nor merged: given
what the store holds of the sender's assessments on this inspection's cases with the digest
their merge kept (``records.held_digests``), an incoming record with one of those ids whose
digest, taken before any check, equals the kept one is exactly the stored record (the same
content, author and case, checked when it came), so merging it could change nothing. It is
counted (``held_assessments``) and its id and case still count for the uniqueness checks;
every other record, and any with one byte different, is checked in full as before.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.methodology import Methodology
from workbench.packs import records
from workbench.packs.payload import (
    MAX_TEXT,
    check_list,
    check_record,
    is_id,
    malformed,
    unauthorised,
)
from workbench.packs.trail import AuditTrail

WHAT = "findings pack"
STATUSES = ("not_started", "in_progress", "graded")
REFERRAL_STATUSES = ("open", "closed")
CAPS = {"assessments": 50_000, "referrals": 50_000, "referral_events": 200_000}
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
    audit: AuditTrail = field(default_factory=AuditTrail)
    followup: dict[str, Any] = field(default_factory=dict)  # workbench.followup.pack_records
    checker: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, repr=False)
    # ids of the pack's assessments proven to be those held here, left out of ``assessments``
    held_assessments: list[str] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The document part of the pack (the audit trail travels beside it)."""
        local = ("checker", "audit", "held_assessments", "assessments")
        names = [n for n in self.__dataclass_fields__ if n not in local]
        # Assessments first, each in canonical form (see ``pack.collect``): an importer that
        # holds one recognises it by the digest of its text (``payload.parse_json_items``).
        return {"assessments": self.assessments, **{name: getattr(self, name) for name in names}}

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
    prompts: dict[str, str]  # prompt or fact id -> its stage id
    answers: dict[str, frozenset]  # prompt or fact id -> its answer ids (cleared: left out)
    urgencies: frozenset
    responses: frozenset
    pairs: frozenset = frozenset()  # every (prompt or fact id, answer id) there is

    @classmethod
    def of(cls, method: Methodology) -> _Known:
        return cls(
            frozenset((*method.grade_ids, None)),
            frozenset((*method.grade_ids, method.not_assessed.id, None)),
            frozenset(method.stage_ids),
            {p.id: p.stage_id for p in method.items},
            {p.id: frozenset(a.id for a in p.answers) for p in method.items},
            frozenset(u.id for u in method.urgencies),
            frozenset(r.id for r in method.responses),
            frozenset((p.id, a.id) for p in method.items for a in p.answers),
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
    named = f"the assessment {record['id']}"
    if record["inspector"] != inspector:
        raise unauthorised(
            f"{named} is {record['inspector'][:200]}'s grading; a pack from {inspector} may "
            f"carry only {inspector}'s own"
        )
    if record["status"] not in STATUSES:
        raise malformed(WHAT, f"{named}: its field 'status' is not a status ('{record['status']}')")
    if record["overall_grade"] not in known.grades:
        raise malformed(WHAT, f"{named}: its field 'overall_grade' is not a grade")
    stages = raw.get("stages")
    if type(stages) is not list or len(stages) > 100:
        raise malformed(WHAT, f"{named}: its field 'stages' is not a list of stage judgements")
    record["stages"] = stages
    answers = raw.get("answers")
    if type(answers) is not dict or len(answers) > 1000:
        raise malformed(WHAT, f"{named}: its field 'answers' is not a map of prompts to answers")
    record["answers"] = answers
    return record


_STAGE_FIELDS = records.STAGE.keys()


def _stage(raw: Any, known: _Known) -> dict[str, Any]:
    """A stage judgement checked: what ``check_record`` checks, on a fast path for the usual
    well-formed record (a pack holds tens of thousands), then against the methodology."""
    if type(raw) is dict and raw.keys() == _STAGE_FIELDS:
        notes, ident, stage_id, grade = raw["notes"], raw["id"], raw["stage_id"], raw["grade"]
        if (
            type(stage_id) is str
            and stage_id in known.stages
            and (grade is None or type(grade) is str)
            and grade in known.stage_grades
            and type(notes) is str
            and len(notes) <= MAX_TEXT
            and type(ident) is str
            and is_id(ident)
        ):
            return dict(raw)
    stage = check_record(raw, records.STAGE, WHAT, "stage judgement")
    if stage["stage_id"] not in known.stages:
        raise malformed(WHAT, f"the stage judgement {stage['id']}: there is no stage "
                        f"'{stage['stage_id'][:100]}'")  # fmt: skip
    if stage["grade"] not in known.stage_grades:
        raise malformed(WHAT, f"the stage judgement {stage['id']}: its field 'grade' is not a "
                        f"stage grade ('{stage['grade'][:40]}')")  # fmt: skip
    return stage


def complete(record: dict[str, Any], known: _Known) -> dict[str, Any]:
    """The assessment with its stage judgements and prompt answers checked and in order."""
    stages = [_stage(s, known) for s in record["stages"]]
    try:  # the usual record: every answer one of its prompt's (else each is checked below)
        answered = known.pairs.issuperset(record["answers"].items())
    except TypeError:  # an answer that is a list or a map
        answered = False
    for prompt_id, answer in () if answered else record["answers"].items():
        if prompt_id not in known.prompts:
            raise malformed(
                WHAT, f"the assessment {record['id']}: there is no prompt '{prompt_id[:100]}'"
            )
        if type(answer) is not str or answer not in known.answers[prompt_id]:
            raise malformed(
                WHAT, f"the assessment {record['id']}: the answer to '{prompt_id}' is not known"
            )
    if len({s["stage_id"] for s in stages}) != len(stages):
        raise malformed(WHAT, f"the assessment {record['id']} judges one stage twice")
    stages.sort(key=lambda s: s["stage_id"])
    return {**record, "stages": stages, "answers": dict(sorted(record["answers"].items()))}


def _referral(raw: Any, known: _Known) -> dict[str, Any]:
    record = check_record(raw, records.REFERRAL, WHAT, "referral")
    named = f"the referral {record['id']}"
    if record["urgency"] not in known.urgencies:
        raise malformed(WHAT, f"{named}: its field 'urgency' is not an urgency")
    if record["status"] not in REFERRAL_STATUSES:
        raise malformed(WHAT, f"{named}: its field 'status' is not a referral status")
    return record


def _referral_event(raw: Any, known: _Known) -> dict[str, Any]:
    record = check_record(raw, records.REFERRAL_EVENT, WHAT, "referral response")
    if record["response"] not in known.responses:
        raise malformed(
            WHAT, f"the referral response {record['id']}: its field 'response' is not a response"
        )
    return record


def _is_held(raw: Any, held: Mapping[str, str], text: str | None) -> bool:
    """Whether ``raw`` is exactly an assessment held here (``held``: id -> kept digest):
    the digest of its ``text`` as it came (a pack writes each assessment in canonical form),
    else of the record encoded again, is the kept one."""
    if type(raw) is not dict:
        return False
    ident = raw.get("id")
    kept = held.get(ident) if type(ident) is str else None
    if kept is None:
        return False
    if text is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() == kept:
        return True
    return records.plain_digest(raw) == kept


def parse_pack(
    document: dict[str, Any],
    audit: AuditTrail,
    method: Methodology,
    held: Mapping[str, str] | None = None,
    texts: list[str] | None = None,
) -> PackDocument:
    """Check every record of a decrypted pack; refuse the whole pack on the first problem.

    ``held``: the digests kept here of the sender's assessments on this inspection's cases
    (``records.held_digests``, id -> digest); an assessment proven to be one of those is
    left out of the document's ``assessments`` (see the module's docstring). ``texts``: the
    text each assessment came as (``payload.parse_json_items``), if known."""
    head = check_record(
        {k: document.get(k) for k in HEAD} if isinstance(document, dict) else document,
        HEAD,
        WHAT,
        "pack",
    )
    extra = set(document) - set(HEAD) - set(CAPS) - {"followup"}
    if extra:
        raise malformed(WHAT, f"it has unknown sections: {', '.join(sorted(extra))[:200]}")
    lists = {name: check_list(document.get(name), WHAT, name, cap) for name, cap in CAPS.items()}
    known = _Known.of(method)
    pack = PackDocument(**head, checker=functools.partial(complete, known=known))
    incoming, held_cases = lists["assessments"], []
    if texts is None or len(texts) != len(incoming):
        texts = [None] * len(incoming)  # type: ignore[list-item]
    proven = [_is_held(a, held, t) for a, t in zip(incoming, texts, strict=True)] if held else []
    if any(proven):
        pack.held_assessments = [a["id"] for a, p in zip(incoming, proven, strict=True) if p]
        held_cases = [a["case_id"] for a, p in zip(incoming, proven, strict=True) if p]
        incoming = [a for a, p in zip(incoming, proven, strict=True) if not p]
    pack.assessments = [_assessment(a, known, pack.inspector) for a in incoming]
    pack.referrals = [_referral(r, known) for r in lists["referrals"]]
    pack.referral_events = [_referral_event(e, known) for e in lists["referral_events"]]
    if audit.origin not in (None, pack.origin):
        raise malformed(WHAT, "its audit trail holds events from another store than the sender's")
    pack.audit = audit
    from workbench.followup.pack_records import check_pack_section

    pack.followup = check_pack_section(document.get("followup"), pack.inspector)
    _unique([a["id"] for a in pack.assessments] + pack.held_assessments, "assessment")
    cases = [a["case_id"] for a in pack.assessments]
    _unique(cases + held_cases, "assessment (case)")
    _unique([r["id"] for r in pack.referrals], "referral")
    _unique([e["id"] for e in pack.referral_events], "referral response")
    return pack
