"""A kit is signed by the lead, but what it carries is still checked: every field of the wrong
type, in a kit really issued and signed, is refused in words and the store is left as it was."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from packs_helpers import ANN, PASSPHRASE, digest, make_lead, new_store

from workbench.errors import WorkbenchError
from workbench.packs import export_kit, import_kit, payload

WRONG = {"a list": [1], "a table": {"a": 1}, "a number": 7, "text": "x", "true": True}


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


FIELDS = [
    ("inspection",), ("inspection", "id"), ("inspection", "title"),
    ("inspection", "start_date"), ("inspection", "fictional"), ("inspection", "created_at"),
    ("cases",), ("cases", 0), ("cases", 0, "reference"), ("cases", 0, "opened_on"),
    ("cases", 0, "category"), ("keys",), ("keys", "sign"), ("methodology",),
    ("methodology", "grades"), ("inspector",), ("issued_by",), ("issued_at",),
]  # fmt: skip
CASES = [
    (field, kind)
    for field in FIELDS
    for kind in WRONG
    # the right type for the field: not a wrong one
    if not (kind == "text" and field[-1] in {"id", "title", "reference", "category",
                                              "inspector", "issued_by"})
    and not (kind == "true" and field[-1] == "fictional")
]  # fmt: skip


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory):
    return make_lead(tmp_path_factory.mktemp("kit-fields"))


@pytest.mark.parametrize(("field", "kind"), CASES, ids=lambda v: ".".join(map(str, v)) if
                         isinstance(v, tuple) else v)  # fmt: skip
def test_a_kit_field_of_the_wrong_type_is_refused_in_words(
    team, field: tuple, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encode = payload.encode

    def tampered(document: dict) -> bytes:
        changed = copy.deepcopy(document)
        _set(field, WRONG[kind])(changed)
        return encode(changed)

    monkeypatch.setattr(payload, "encode", tampered)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    monkeypatch.setattr(payload, "encode", encode)
    ann = new_store(tmp_path / "ann.sqlite", None)
    before = digest(ann)
    with pytest.raises(WorkbenchError) as refused:
        import_kit(ann, kit.path, kit.code)
    message = str(refused.value)
    assert "nothing was imported" in message or "methodology" in message, message
    assert digest(ann) == before


@pytest.mark.parametrize(
    ("field", "text"),
    [(("inspection", "title"), "Northshire\x1b[2J"), (("cases", 0, "reference"), "NS\x00/1"),
     (("inspector",), "Ann\x1b]0;owned\x07")],
)  # fmt: skip
def test_kit_text_with_control_characters_is_refused(
    team, field: tuple, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encode = payload.encode

    def tampered(document: dict) -> bytes:
        changed = copy.deepcopy(document)
        _set(field, text)(changed)
        return encode(changed)

    monkeypatch.setattr(payload, "encode", tampered)
    kit = export_kit(team.lead, team.inspection_id, ANN, tmp_path / "ann.wbkit", PASSPHRASE)
    monkeypatch.setattr(payload, "encode", encode)
    ann = new_store(tmp_path / "ann.sqlite", None)
    before = digest(ann)
    with pytest.raises(WorkbenchError, match=f"field '{field[-1]}' holds a control character"):
        import_kit(ann, kit.path, kit.code)
    assert digest(ann) == before
