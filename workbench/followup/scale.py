"""The progress scale: the judgements inspectors give each quarter, held as data in
``resources/followup/progress-scale.toml`` beside the methodologies."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from workbench.errors import MethodologyError, WorkbenchError

FILE = "progress-scale.toml"


@dataclass(frozen=True)
class Judgement:
    id: str
    name: str
    description: str
    colour: str


@dataclass(frozen=True)
class Scale:
    id: str
    version: str
    name: str
    judgements: tuple[Judgement, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(j.id for j in self.judgements)

    def get(self, ident: str) -> Judgement:
        for judgement in self.judgements:
            if judgement.id == ident:
                return judgement
        raise WorkbenchError(
            f"'{ident}' is not a judgement on the progress scale; use one of {', '.join(self.ids)}."
        )

    def parse(self, text: str) -> str:
        """A judgement id from its id or its name, in any case."""
        words = " ".join(text.replace("_", " ").lower().split())
        for judgement in self.judgements:
            if words in (judgement.id.replace("_", " "), judgement.name.lower()):
                return judgement.id
        return self.get(text).id

    def name_of(self, ident: str | None, missing: str = "Not yet assessed") -> str:
        if ident is None:
            return missing
        return next((j.name for j in self.judgements if j.id == ident), ident)


@cache
def load_scale() -> Scale:
    text = (resources.files("resources") / "followup" / FILE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
        judgements = tuple(
            Judgement(j["id"], j["name"], j.get("description", ""), j.get("colour", "#777777"))
            for j in data["judgement"]
        )
        return Scale(data["id"], str(data["version"]), data["name"], judgements)
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise MethodologyError(FILE, "judgement", f"malformed: {exc}") from exc
