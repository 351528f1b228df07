"""The names of an assessment's fields, built and read in one place.

Grading edits, the window's form, the audit trail and packs name each field of an
assessment by one string:

- ``overall_grade`` and ``rationale``, for the case as a whole;
- ``stage:<stage id>:grade`` and ``stage:<stage id>:notes``, for a stage;
- ``prompt:<prompt id>``, the answer to a prompt;
- ``fact:<fact id>``, the answer to a case fact (from the fact's own answer set).

Prompt and fact answers share the assessment's answer map (their ids never clash), so both
kinds of name carry the item's id as ``Field.key``.

Build a name with ``stage_grade``, ``stage_notes``, ``prompt_answer``, ``fact_answer`` or
``item_answer`` (either, by what the item is); read one with
``parse``, which says which part of the assessment it is (``Field.kind``) and of what
(``Field.key``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from workbench.errors import WorkbenchError

Kind = Literal["overall_grade", "rationale", "grade", "notes", "prompt", "fact"]

OVERALL_GRADE = "overall_grade"
RATIONALE = "rationale"
CASE_FIELDS = (OVERALL_GRADE, RATIONALE)
STAGE_PARTS = ("grade", "notes")
ANSWER_KINDS = ("prompt", "fact")


@dataclass(frozen=True)
class Field:
    """What a field name points at: ``kind`` and the stage or prompt id (``key``; ``""`` for
    the case-level fields)."""

    kind: Kind
    key: str = ""

    @property
    def name(self) -> str:
        if self.kind in CASE_FIELDS:
            return self.kind
        if self.kind in ANSWER_KINDS:
            return f"{self.kind}:{self.key}"
        return f"stage:{self.key}:{self.kind}"

    @property
    def is_stage(self) -> bool:
        return self.kind in STAGE_PARTS

    @property
    def is_answer(self) -> bool:
        """A prompt's or a fact's answer (kept in the assessment's answer map)."""
        return self.kind in ANSWER_KINDS


def stage_grade(stage_id: str) -> str:
    return f"stage:{stage_id}:grade"


def stage_notes(stage_id: str) -> str:
    return f"stage:{stage_id}:notes"


def prompt_answer(prompt_id: str) -> str:
    return f"prompt:{prompt_id}"


def fact_answer(fact_id: str) -> str:
    return f"fact:{fact_id}"


class _Item(Protocol):
    """A methodology prompt or fact, as far as its field name goes."""

    @property
    def id(self) -> str: ...

    @property
    def fact(self) -> bool: ...


def item_answer(item: _Item) -> str:
    """The answer field of a methodology prompt or fact."""
    return fact_answer(item.id) if item.fact else prompt_answer(item.id)


def parse(name: str) -> Field:
    """The field a name points at; a name that is no field of an assessment is refused."""
    if name == OVERALL_GRADE:
        return Field("overall_grade")
    if name == RATIONALE:
        return Field("rationale")
    parts = name.split(":")
    if len(parts) == 3 and parts[0] == "stage" and parts[1]:
        if parts[2] == "grade":
            return Field("grade", parts[1])
        if parts[2] == "notes":
            return Field("notes", parts[1])
    if len(parts) == 2 and parts[1]:
        if parts[0] == "prompt":
            return Field("prompt", parts[1])
        if parts[0] == "fact":
            return Field("fact", parts[1])
    raise WorkbenchError(f"'{name}' is not a field of an assessment.")
