"""The rules every record a pack carries meets, whatever its kind, each in one place:
``authority`` applies them to assessments, referrals and responses, ``followup_authority``
to quarterly assessments and their evidence (see ``authority`` for the rules as a whole).

- no record already here under another author is changed (``refuse_others``);
- every record appears in the sender's audit trail (``in_trail``, with the ids the trail
  names from ``trail.named_ids``);
- no revision exceeds the audited edits the sender's trail holds (``revision_limit``,
  ``within_revisions``): every revision is one audited edit there;
- every timestamp lies within what is accepted (``within_times``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.packs.payload import malformed, unauthorised
from workbench.packs.records import chunks
from workbench.packs.trail import AuditTrail

WHAT = "findings pack"
MAX_REVISION = 1_000_000


def refuse_others(
    session: Session, sender: str, model: Any, author: Any, ids: list[str], label: str, verb: str
) -> None:
    """Refused if any of the records ``ids`` of ``model`` is held here under another author
    than ``sender`` (``author``, its column): "the <label> <id> is <verb> <other> ..."."""
    for chunk in chunks(ids):
        query = select(model.id, author).where(model.id.in_(chunk), author != sender)
        for ident, other in session.execute(query):
            raise unauthorised(
                f"the {label} {ident} is {verb} {other} in this store, and a pack from "
                f"{sender} may not change it"
            )


def in_trail(named: set[bytes], label: str, ident: str) -> None:
    """Refused unless the record ``ident`` is among the ids the sender's trail names."""
    if ident.encode("ascii") not in named:
        raise malformed(
            WHAT,
            f"the {label} {ident} has no audit trail: no event in the sender's trail records it",
        )


def revision_limit(trail: AuditTrail) -> int:
    """The highest revision a record may be at: one audited edit per revision."""
    return min(MAX_REVISION, len(trail))


def within_revisions(label: str, record: dict[str, Any], limit: int) -> None:
    if record["revision"] > limit:
        raise malformed(
            WHAT,
            f"the {label} {record['id']} is at revision {record['revision']}, more than the "
            f"{limit} audited edits its sender's trail holds",
        )


def within_times(
    label: str,
    items: Iterable[dict[str, Any]],
    fields: Iterable[str],
    window: tuple[str, str, str],
    early: str,
    accepted: str = "",
) -> None:
    """Refused if a record's timestamp (canonical text, which sorts as time does) in one of
    ``fields`` lies outside ``window`` (earliest, latest, now): "in the future" beyond now,
    else ``early`` ("outside the fieldwork window"), then ``accepted`` (what is)."""
    earliest, latest, now = window
    fields = tuple(fields)
    for record in items:
        for field in fields:
            value = record[field]
            if value is not None and not earliest <= value <= latest:
                when = "in the future" if value > now else early
                raise malformed(
                    WHAT,
                    f"the {label} {record['id']}: its field '{field}' ({value}) is {when}"
                    + accepted,
                )
