"""The evidence columns of a grades spreadsheet: ``prompt:<id>`` answers and ``note:<stage id>``
evidence notes.

A ``prompt:<id>`` column answers the prompt or case fact with that id (``fact:<id>`` is read
the same way); its cells are matched as grades are, by answer id or name with case, spacing
and hyphens ignored ("Partly", "NOT APPLICABLE", "not-known"). An answer to a prompt or fact
that does not apply to the case's category is refused, except one that takes the case out of
the count (such as "not applicable"), which is left unrecorded. A ``note:<stage id>`` cell
sets the stage's evidence notes; a note for a stage that does not apply is refused. Each bad
cell is named by its line and column.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from db.models import Case
from workbench import fields
from workbench.errors import WorkbenchError
from workbench.methodology import Methodology, Prompt

PROMPT, FACT, NOTE = "prompt:", "fact:", "note:"
MAX_TEXT = 20_000


def evidence_columns(table: pd.DataFrame, method: Methodology, source: str) -> list[str]:
    """The file's prompt, fact and note columns; unknown ids are refused, all named."""
    found = [c for c in table.columns if c.startswith((PROMPT, FACT, NOTE))]
    items, stages = {i.id for i in method.items}, set(method.stage_ids)
    unknown = [
        c for c in found if (c.split(":", 1)[1] not in (stages if c.startswith(NOTE) else items))
    ]
    if unknown:
        raise WorkbenchError(
            f"'{source}' has {'a column' if len(unknown) == 1 else 'columns'} naming a prompt, "
            f"fact or stage this methodology ({method.name}, version {method.version}) does "
            f"not have: {', '.join(repr(c) for c in unknown)}. Prompt and fact ids are listed "
            "by 'workbench methodology show --json'; note columns are note:<stage id>."
        )
    return found


def _words(item: Prompt) -> str:
    names = [a.name.lower() for a in item.answers]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def evidence_edits(
    method: Methodology,
    columns: list[str],
    case: Case | None,
    cells: dict[str, str],
    error: Callable[[str, str], None],
) -> list[tuple[str, str]]:
    """The (field, value) edits of one row's evidence cells; problems go to ``error(column,
    reason)``."""
    edits: list[tuple[str, str]] = []
    applies = {s.id for s in method.stages_for(case.category)} if case else set()
    for column in columns:
        text, key = cells.get(column, ""), column.split(":", 1)[1]
        if not text:
            continue
        if column.startswith(NOTE):
            if len(text) > MAX_TEXT:
                error(column, f"the note is longer than {MAX_TEXT:,} characters")
            elif case is not None and key not in applies:
                error(column, _not_applying(method, case, f"the stage '{method.stage_name(key)}'"))
            elif case is not None:
                edits.append((fields.stage_notes(key), text))
            continue
        item = method.item(key)
        answer = item.parse_answer(text)
        if answer is None:
            error(column, f"'{text}' is not an answer to '{key}'; use {_words(item)}")
            continue
        if case is None:
            continue
        if item.stage_id not in applies or not item.applies_to(case.category):
            if answer not in item.uncounted_ids:
                kind = "fact" if item.fact else "prompt"
                reason = _not_applying(method, case, f"the {kind} '{key}'")
                error(column, f"{reason}; leave the cell empty")
            continue
        edits.append((fields.item_answer(item), answer))
    return edits


def _not_applying(method: Methodology, case: Case, what: str) -> str:
    category = method.category_name(case.category)
    return f"{what} does not apply to case '{case.reference}' ({category})"
