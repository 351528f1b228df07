"""Inspection methodologies: versioned TOML data in ``resources/methodologies`` and its loader.

A methodology names the grades (ordered best to worst, plus "not assessed"), the prompt
answers, the stages of the child's journey with their prompts ("what we expect to see") and
facts (questions with their own answer sets, such as whether a child was kept in custody after
charge), the case categories and the stages that apply to each, and the urgencies and force
responses used for referrals. A prompt or fact may name the ``categories`` it applies to (none:
every category whose stages include its stage) and a ``finding`` sentence template (see
``Finding``). Prompt and fact ids share one namespace: both are answered in an assessment's
answer map.
``load_methodology_file`` validates a file completely and reports the first problem as a
``MethodologyError`` naming the file, a dotted key such as ``stages[2].prompts[0].text``
and what is wrong.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import string
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import MISSING, asdict, dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from workbench.errors import MethodologyError, NotFoundError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_METHODOLOGY = "ncpi-child-protection"
NOT_ASSESSED_COLOUR = "#9E9E9E"
MAX_FILE_BYTES = 1_000_000  # the shipped methodology is about 20 kB

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_TOML_TYPES = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array"}
_TOML_TYPES[dict] = "table"
_KINDS = {"str": str, "int": int, "bool": bool}


@dataclass(frozen=True)
class Grade:
    id: str
    name: str
    colour: str
    rank: int  # 0 = best; "not assessed" ranks after the worst grade but is never compared


@dataclass(frozen=True)
class Answer:
    """One answer of an answer set. ``shortfall``: the answer a finding counts (practice fell
    short, or the child faced the risk the finding names). ``counted``: False for an answer
    that takes the case out of the finding's base (such as "not applicable")."""

    id: str
    name: str
    shortfall: bool = False
    counted: bool = True


FINDING_FIELDS = ("k", "n", "category", "percent")


@dataclass(frozen=True)
class Prompt:
    """A prompt ("what we expect to see") or, with ``fact`` set, a case fact.

    ``answers`` is the methodology's prompt answers for a prompt, the fact's own set for a
    fact. ``categories`` limits where it applies (empty: wherever its stage applies).
    ``finding`` is a sentence template with ``{k}`` (cases given a shortfall answer), ``{n}``
    (cases answered, less those given an answer that is not ``counted``), ``{category}`` (the
    category's name in lower case, or nothing when the count covers several) and
    ``{percent}``, e.g. "In {k} of {n} {category} cases, the child was not seen."
    """

    id: str
    text: str
    stage_id: str
    answers: tuple[Answer, ...] = ()
    categories: tuple[str, ...] = ()
    finding: str = ""
    fact: bool = False

    def applies_to(self, category_id: str) -> bool:
        return not self.categories or category_id in self.categories

    @property
    def shortfall_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.answers if a.shortfall)

    @property
    def uncounted_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.answers if not a.counted)

    def parse_answer(self, word: str) -> str | None:
        """The answer id for an id or name in any case, spacing or hyphenation; else None."""
        return _parse(word, self.answers)

    def sentence(self, k: int, n: int, category: str = "") -> str:
        """The finding sentence for these counts ("" without a template, a base or any case
        to report: "In 0 of 12 cases, ..." is not a finding)."""
        if not self.finding or not n or not k:
            return ""
        percent = math.floor(k * 100 / n + 0.5)
        text = self.finding.format(k=k, n=n, category=category.lower(), percent=percent)
        return " ".join(text.split()).replace(" ,", ",")


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    description: str
    prompts: tuple[Prompt, ...]
    facts: tuple[Prompt, ...] = ()

    @property
    def items(self) -> tuple[Prompt, ...]:
        """The stage's prompts, then its facts."""
        return (*self.prompts, *self.facts)


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    stage_ids: tuple[str, ...]


@dataclass(frozen=True)
class Urgency:
    id: str
    name: str
    respond_within_days: int


@dataclass(frozen=True)
class Response:
    id: str
    name: str
    closes: bool


def _normalise(word: str) -> str:
    return " ".join(re.sub(r"[-_\s]+", " ", word).split()).casefold()


def _find(kind: str, items: Iterable[Any], id: str) -> Any:
    for item in items:
        if item.id == id:
            return item
    raise KeyError(f"unknown {kind} {id!r}")


def _name(items: Iterable[Any], id: str) -> str:
    """The name of the item with ``id``; the id itself for one from another version."""
    return next((item.name for item in items if item.id == id), id)


@dataclass(frozen=True)
class Methodology:
    id: str
    version: str
    name: str
    description: str
    grades: tuple[Grade, ...]
    not_assessed: Grade
    answers: tuple[Answer, ...]
    stages: tuple[Stage, ...]
    categories: tuple[Category, ...]
    urgencies: tuple[Urgency, ...]
    responses: tuple[Response, ...]

    def grade(self, id: str) -> Grade:
        return _find("grade", (*self.grades, self.not_assessed), id)

    def answer(self, id: str) -> Answer:
        return _find("answer", self.answers, id)

    def stage(self, id: str) -> Stage:
        return _find("stage", self.stages, id)

    def prompt(self, id: str) -> Prompt:
        return _find("prompt", self.prompts, id)

    def fact(self, id: str) -> Prompt:
        return _find("fact", self.facts, id)

    def item(self, id: str) -> Prompt:
        """The prompt or fact with this id."""
        return _find("prompt or fact", self.items, id)

    def category(self, id: str) -> Category:
        return _find("category", self.categories, id)

    def category_name(self, id: str) -> str:
        """The category's name, or its id when this version does not know it."""
        return _name(self.categories, id)

    def grade_name(self, id: str) -> str:
        """The grade's name ("not assessed" included), or its id when unknown."""
        return _name((*self.grades, self.not_assessed), id)

    def stage_name(self, id: str) -> str:
        """The stage's name, or its id when this version does not know it."""
        return _name(self.stages, id)

    def urgency_name(self, id: str) -> str:
        """The urgency's name, or its id when this version does not know it."""
        return _name(self.urgencies, id)

    def response_name(self, id: str) -> str:
        """The force response's name, or its id when this version does not know it."""
        return _name(self.responses, id)

    def urgency(self, id: str) -> Urgency:
        return _find("urgency", self.urgencies, id)

    def response(self, id: str) -> Response:
        return _find("response", self.responses, id)

    @property
    def grade_ids(self) -> tuple[str, ...]:
        """The graded scale, best first; excludes "not assessed"."""
        return tuple(g.id for g in self.grades)

    @property
    def below_best(self) -> tuple[Grade, ...]:
        """The grades below the best: the figure findings lead with ("278 of the 374 cases
        ... require improvement or are inadequate")."""
        return self.grades[1:]

    @property
    def below_best_key(self) -> str:
        """That figure's key in the summary: "requires_improvement_or_inadequate"."""
        return "_or_".join(g.id for g in self.below_best)

    @property
    def below_best_words(self) -> str:
        """That figure in words: "requires improvement or inadequate"."""
        names = [g.name.lower() for g in self.below_best]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.categories)

    @property
    def prompts(self) -> tuple[Prompt, ...]:
        """Every prompt, in journey order."""
        return tuple(p for s in self.stages for p in s.prompts)

    @property
    def facts(self) -> tuple[Prompt, ...]:
        """Every case fact, in journey order."""
        return tuple(f for s in self.stages for f in s.facts)

    @property
    def items(self) -> tuple[Prompt, ...]:
        """Every prompt and fact, stage by stage in journey order (prompts first)."""
        return tuple(i for s in self.stages for i in s.items)

    def prompts_for(self, category_id: str, stage_id: str | None = None) -> tuple[Prompt, ...]:
        """The prompts that apply to a case of this category (in one stage, if given)."""
        return tuple(p for p in self.items_for(category_id, stage_id) if not p.fact)

    def facts_for(self, category_id: str, stage_id: str | None = None) -> tuple[Prompt, ...]:
        """The facts asked about a case of this category (in one stage, if given)."""
        return tuple(f for f in self.items_for(category_id, stage_id) if f.fact)

    def items_for(self, category_id: str, stage_id: str | None = None) -> tuple[Prompt, ...]:
        """Prompts and facts that apply to a case of this category, in journey order."""
        return tuple(
            item
            for stage in self.stages_for(category_id)
            if stage_id is None or stage.id == stage_id
            for item in stage.items
            if item.applies_to(category_id)
        )

    def parse_grade(self, word: str) -> str | None:
        """The grade id for an id or name in any case, spacing or hyphenation; else None."""
        return _parse(word, (*self.grades, self.not_assessed))

    def parse_category(self, word: str) -> str | None:
        """The category id for an id or name in any case, spacing or hyphenation; else None."""
        return _parse(word, self.categories)

    def stages_for(self, category_id: str) -> tuple[Stage, ...]:
        """The stages that apply to a category, in journey order."""
        wanted = self.category(category_id).stage_ids
        return tuple(s for s in self.stages if s.id in wanted)

    def _rank(self, grade_id: str | None) -> int | None:
        if grade_id is None or grade_id == self.not_assessed.id:
            return None
        return self.grade(grade_id).rank

    def worst(self, grade_ids: Iterable[str | None]) -> str | None:
        """The worst grade given, ignoring None and "not assessed"; None if none is left.

        Raises ``KeyError`` for an unknown grade id (as does ``is_better``).
        """
        ranked = [(rank, g) for g in grade_ids if (rank := self._rank(g)) is not None]
        return max(ranked)[1] if ranked else None

    def is_better(self, a: str | None, b: str | None) -> bool:
        """True if grade ``a`` is strictly better than ``b``; never for None/not assessed."""
        rank_a, rank_b = self._rank(a), self._rank(b)
        return rank_a is not None and rank_b is not None and rank_a < rank_b

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description, as printed by ``methodology show --json``."""
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "description": self.description,
            "grades": [asdict(g) for g in self.grades],
            "not_assessed": asdict(self.not_assessed),
            "answers": [_answer_dict(a) for a in self.answers],
            "stages": [_stage_dict(s) for s in self.stages],
            "categories": [
                {"id": c.id, "name": c.name, "stages": list(c.stage_ids)} for c in self.categories
            ],
            "urgencies": [asdict(u) for u in self.urgencies],
            "responses": [asdict(r) for r in self.responses],
        }


def _answer_dict(answer: Answer) -> dict[str, Any]:
    """An answer's id and name, and its flags only where they differ from the default (so a
    methodology without them describes itself as it always did)."""
    out: dict[str, Any] = {"id": answer.id, "name": answer.name}
    if answer.shortfall:
        out["shortfall"] = True
    if not answer.counted:
        out["counted"] = False
    return out


def _item_dict(item: Prompt) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "text": item.text}
    if item.fact:
        out["answers"] = [_answer_dict(a) for a in item.answers]
    if item.categories:
        out["categories"] = list(item.categories)
    if item.finding:
        out["finding"] = item.finding
    return out


def _stage_dict(stage: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": stage.id,
        "name": stage.name,
        "description": stage.description,
        "prompts": [_item_dict(p) for p in stage.prompts],
    }
    if stage.facts:
        out["facts"] = [_item_dict(f) for f in stage.facts]
    return out


def _parse(word: str, items: Iterable[Grade | Category | Answer]) -> str | None:
    wanted = _normalise(word)
    return next((i.id for i in items if wanted in (_normalise(i.id), _normalise(i.name))), None)


# --- Loading and validation ---------------------------------------------------------------


def _type_name(value: object) -> str:
    return _TOML_TYPES.get(type(value), "date/time")


class _Table:
    """One TOML table under validation, with its dotted path for error messages."""

    def __init__(self, file: str, path: str, data: dict[str, Any]) -> None:
        self.file, self.path, self.data = file, path, data

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise MethodologyError(self.file, self.sub(key), problem)

    def get(self, key: str, kind: type) -> Any:
        if key not in self.data:
            self.fail(key, "missing required key")
        value = self.data[key]
        if type(value) is not kind:
            self.fail(key, f"expected {_TOML_TYPES[kind]}, got {_type_name(value)}")
        if kind is str and not value.strip():
            self.fail(key, "must not be empty")
        if key == "id" and not _ID.fullmatch(value):
            self.fail(key, f"{value!r} is not a valid id (lower case letters, digits, _ . -)")
        if key == "colour" and not _COLOUR.fullmatch(value):
            self.fail(key, f"{value!r} is not a hex colour such as #2E7D32")
        return value

    def tables(self, key: str) -> list[_Table]:
        items = self.get(key, list)
        if not items:
            self.fail(key, "must have at least one entry")
        for i, item in enumerate(items):
            if type(item) is not dict:
                self.fail(f"{key}[{i}]", f"expected table, got {_type_name(item)}")
        return [_Table(self.file, self.sub(f"{key}[{i}]"), item) for i, item in enumerate(items)]

    def make(self, cls: type, keys: tuple[str, ...] = (), **given: Any) -> Any:
        """Build ``cls``; each field not ``given`` is a key of the field's type, required
        unless the field has a default."""
        wanted = [f for f in fields(cls) if f.name not in given and str(f.type) in _KINDS]
        for key in self.data:
            if key not in keys and key not in {f.name for f in wanted}:
                self.fail(key, f"unknown key (expected: {', '.join(f.name for f in wanted)})")
        values = {
            f.name: self.get(f.name, _KINDS[str(f.type)])
            for f in wanted
            if f.name in self.data or f.default is MISSING
        }
        return cls(**values, **given)


def _unique(tables: list[_Table], items: list[Any], kind: str, words: bool = False) -> None:
    """Refuse duplicate ids and, with ``words``, ids or names that would parse ambiguously."""
    seen: dict[str, tuple[str, str]] = {}  # id, or " " + normalised id/name -> (owner id, path)
    for table, item in zip(tables, items, strict=True):
        if item.id in seen:
            table.fail("id", f"duplicate {kind} id {item.id!r} (also {seen[item.id][1]})")
        seen[item.id] = (item.id, table.path)
        for key in ("id", "name") if words else ():
            owner = seen.setdefault(" " + _normalise(getattr(item, key)), (item.id, table.path))
            if owner[0] != item.id:
                table.fail(key, f"reads the same as {kind} {owner[0]!r} ({owner[1]})")


def _build(file: str, data: dict[str, Any]) -> Methodology:
    top = _Table(file, "", data)
    keys = ("grades", "not_assessed", "answers", "stages", "categories", "urgencies", "responses")
    head = top.make(Methodology, keys, **{key: () for key in keys})

    grade_tables = [
        *top.tables("grades"),
        _Table(file, "not_assessed", top.get("not_assessed", dict)),
    ]
    grades = [t.make(Grade, rank=i) for i, t in enumerate(grade_tables[:-1])]
    default = {} if "colour" in grade_tables[-1].data else {"colour": NOT_ASSESSED_COLOUR}
    grades.append(grade_tables[-1].make(Grade, rank=len(grades), **default))
    _unique(grade_tables, grades, "grade", words=True)

    def entries(key: str, kind: str, make: Callable[[_Table], Any]) -> tuple[Any, ...]:
        tables = top.tables(key)
        items = [make(t) for t in tables]
        _unique(tables, items, kind, words=kind == "category")
        return tuple(items)

    answers = entries("answers", "answer", lambda t: t.make(Answer))
    item_tables: list[_Table] = []

    def stage(t: _Table) -> Stage:
        stage_id = t.get("id", str)
        item_tables.extend(tables := t.tables("prompts"))
        prompts = tuple(_item(p, stage_id, answers, fact=False) for p in tables)
        facts: tuple[Prompt, ...] = ()
        if "facts" in t.data:
            item_tables.extend(tables := t.tables("facts"))
            facts = tuple(_item(f, stage_id, (), fact=True) for f in tables)
        return t.make(Stage, ("prompts", "facts"), prompts=prompts, facts=facts)

    stages = entries("stages", "stage", stage)
    _unique(item_tables, [i for s in stages for i in s.items], "prompt or fact")

    def category(t: _Table) -> Category:
        where, stage_ids = f"categories[{t.get('id', str)}].stages", t.get("stages", list)
        if not stage_ids:
            raise MethodologyError(file, where, "must name at least one stage")
        for stage_id in stage_ids:
            if stage_id not in [s.id for s in stages]:
                raise MethodologyError(file, where, f"unknown stage {stage_id!r}")
            if stage_ids.count(stage_id) > 1:
                raise MethodologyError(file, where, f"stage {stage_id!r} is listed twice")
        return t.make(Category, ("stages",), stage_ids=tuple(stage_ids))

    def urgency(t: _Table) -> Urgency:
        if t.get("respond_within_days", int) < 0:
            t.fail("respond_within_days", "must not be negative")
        return t.make(Urgency)

    categories = entries("categories", "category", category)
    for table, item in zip(item_tables, [i for s in stages for i in s.items], strict=True):
        _check_item_categories(table, item, categories)
    return replace(
        head,
        grades=tuple(grades[:-1]),
        not_assessed=grades[-1],
        answers=answers,
        stages=stages,
        categories=categories,
        urgencies=entries("urgencies", "urgency", urgency),
        responses=entries("responses", "response", lambda t: t.make(Response)),
    )


def _item(t: _Table, stage_id: str, answers: tuple[Answer, ...], fact: bool) -> Prompt:
    """A prompt (answered from the methodology's answers) or a fact (with its own set)."""
    if fact:
        tables = t.tables("answers")
        answers = tuple(a.make(Answer) for a in tables)
        _unique(tables, list(answers), "answer", words=True)
    categories = t.get("categories", list) if "categories" in t.data else []
    for i, category_id in enumerate(categories):
        if type(category_id) is not str:
            t.fail(f"categories[{i}]", f"expected string, got {_type_name(category_id)}")
        if categories.count(category_id) > 1:
            t.fail("categories", f"category {category_id!r} is listed twice")
    if "finding" in t.data:
        _check_finding(t)
    given = {"stage_id": stage_id, "answers": answers, "categories": tuple(categories)}
    keys = ("categories", "answers") if fact else ("categories",)
    return t.make(Prompt, keys, **given, fact=fact)


def _check_finding(t: _Table) -> None:
    template = t.get("finding", str)
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        t.fail("finding", f"is not a sentence template: {exc}")
    for name in names:
        if name not in FINDING_FIELDS:
            fields_ = ", ".join("{" + f + "}" for f in FINDING_FIELDS)
            t.fail("finding", f"{{{name}}} is not a field of a finding (use {fields_})")


def _check_item_categories(t: _Table, item: Prompt, categories: tuple[Category, ...]) -> None:
    known = {c.id: c for c in categories}
    for category_id in item.categories:
        if category_id not in known:
            t.fail("categories", f"unknown category {category_id!r}")
        if item.stage_id not in known[category_id].stage_ids:
            t.fail(
                "categories",
                f"the stage {item.stage_id!r} does not apply to category {category_id!r}",
            )


def load_methodology_file(path: str | os.PathLike[str] | Traversable) -> Methodology:
    """Read and validate one methodology file; raise ``MethodologyError`` on any problem."""
    source = Path(path) if isinstance(path, str | os.PathLike) else path
    file = str(source)
    try:
        with source.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more than the limit into memory
        if len(raw) > MAX_FILE_BYTES:
            raise MethodologyError(file, "(file)", "is larger than a methodology's 1 MB limit")
        text = raw.decode("utf-8")
    except OSError as exc:
        raise MethodologyError(file, "(file)", f"cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise MethodologyError(file, "(file)", f"not UTF-8 text (byte {exc.start})") from exc
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise MethodologyError(
            file, "(file)", "its arrays or tables are nested too deeply"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$", message)
        key, column = ("(file)", "")
        if at:
            message = message[: at.start()]
            key = f"line {at[1]}" if at[1] else "end of document"
            column = f" at column {at[2]}" if at[2] else ""
        raise MethodologyError(file, key, f"invalid TOML{column}: {message}") from exc
    return _build(file, data)


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


def available_methodologies() -> list[Methodology]:
    """Every methodology shipped in ``resources/methodologies``, by id then version.

    A file that cannot be used (invalid, too large, too deeply nested, a second copy of an
    id and version) is left out and reported as a warning (on stderr and in the log), so
    that one bad file does not stop every command; a command that needs the methodology it
    held then says that it is not available.
    """
    found, problems = scan_methodologies(resources.files("resources") / "methodologies")
    for problem in problems:
        if str(problem) not in _REPORTED:
            _REPORTED.add(str(problem))
            logging.getLogger("workbench.methodology").warning(
                "a methodology file was skipped: %s", problem
            )
    return found


_REPORTED: set[str] = set()  # each skipped file is reported once per run


def scan_methodologies(folder: Traversable) -> tuple[list[Methodology], list[MethodologyError]]:
    """The methodologies in ``folder`` (by id then version) and the files that were skipped."""
    found: dict[tuple[str, str], str] = {}
    result, problems = [], []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not (entry.name.endswith(".toml") and entry.is_file()):
            continue
        try:
            methodology = load_methodology_file(entry)
            key = (methodology.id, methodology.version)
            if key in found:
                problem = f"{methodology.id} version {methodology.version} is also in {found[key]}"
                raise MethodologyError(str(entry), "version", problem)
        except MethodologyError as exc:
            problems.append(exc)
            continue
        found[key] = entry.name
        result.append(methodology)
    return sorted(result, key=lambda m: (m.id, _version_key(m.version))), problems


@functools.lru_cache(maxsize=32)
def load_methodology(id: str | None = None, version: str | None = None) -> Methodology:
    """The shipped methodology ``id`` (default NCPI) at ``version`` (default the latest).

    Cached: every spelling of the same request returns the same object.
    """
    wanted = id or DEFAULT_METHODOLOGY
    everything = available_methodologies()
    versions = [m.version for m in everything if m.id == wanted]
    if not versions:
        known = ", ".join(sorted({m.id for m in everything})) or "none"
        raise NotFoundError(f"No methodology {wanted!r}. Available methodologies: {known}.")
    if id is None or version is None:
        return load_methodology(wanted, version or versions[-1])
    if version not in versions:
        raise NotFoundError(
            f"Methodology {wanted!r} has no version {version!r}. Available: {', '.join(versions)}."
        )
    return next(m for m in everything if (m.id, m.version) == (wanted, version))
