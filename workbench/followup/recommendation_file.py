"""Reading recommendations from a file: TOML (one ``[[recommendation]]`` table each) or a
spreadsheet (one row each). The file is untrusted: every entry is checked and every problem
named with its entry (TOML) or line (spreadsheet) and field before anything is written.

TOML::

    published = 2026-12-14          # optional: the report's publication date
    [[recommendation]]
    number = 1
    title = "Governance and oversight of child protection practices"
    timeframe = "immediately"       # or "within 3 months", or "by 2027-06-30"
    text = "The force should ..."
    points = ["...", "..."]         # optional sub-points
    areas = ["initial_contact", "governance"]   # stage ids or themes
    categories = ["missing_children"]           # case category ids

A spreadsheet has the columns number, title, timeframe, text and optionally points (one per
line), areas and categories (separated by commas or semicolons).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workbench.errors import ImportRefused, RowError, WorkbenchError
from workbench.followup.timeframes import Timeframe, parse_timeframe
from workbench.methodology import Methodology
from workbench.tabular import read_table, records, require_columns

MAX_FILE = 2_000_000
MAX_ENTRIES = 200
MAX_TEXT = 20_000
MAX_TITLE = 300
MAX_ITEM = 2_000
MAX_ITEMS = 50
KEYS = {"number", "title", "timeframe", "text", "points", "areas", "categories"}
COLUMNS = ("number", "title", "timeframe", "text")
OPTIONAL = ("points", "areas", "categories")


@dataclass
class Entry:
    """One recommendation as read and checked."""

    number: int
    title: str
    timeframe: Timeframe
    text: str
    points: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


@dataclass
class RecommendationFile:
    entries: list[Entry]
    published: date | None = None


class _Checker:
    """Checks one entry's fields, collecting a ``RowError`` for each problem."""

    def __init__(self, method: Methodology, line: int, errors: list[RowError]) -> None:
        self.method, self.line, self.errors = method, line, errors

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, reason, column))

    def text(self, values: dict[str, Any], key: str, limit: int, required: bool) -> str:
        value = values.get(key, "")
        if not isinstance(value, str):
            self.fail(key, "must be text")
            return ""
        text = value.strip()
        if required and not text:
            self.fail(key, "must not be empty")
        elif len(text) > limit:
            self.fail(key, f"is longer than {limit} characters")
        return text

    def items(self, value: object, key: str) -> list[str]:
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of text")
            return []
        items = [v.strip() for v in value if v.strip()]
        if len(items) > MAX_ITEMS or any(len(v) > MAX_ITEM for v in items):
            self.fail(key, f"must hold at most {MAX_ITEMS} items of {MAX_ITEM} characters")
            return []
        return items

    def entry(self, values: dict[str, Any]) -> Entry | None:
        before = len(self.errors)
        number = values.get("number")
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 999:
            self.fail("number", "must be a whole number from 1 to 999")
        text = self.text(values, "text", MAX_TEXT, True)
        title = self.text(values, "title", MAX_TITLE, False) or (
            f"Recommendation {number}" if isinstance(number, int) else ""
        )
        timeframe = None
        raw = values.get("timeframe", "")
        try:
            timeframe = parse_timeframe(raw if isinstance(raw, str) else str(raw))
        except WorkbenchError as exc:
            self.fail("timeframe", str(exc))
        points = self.items(values.get("points"), "points")
        areas = [self._area(a) for a in self.items(values.get("areas"), "areas")]
        categories = [self._category(c) for c in self.items(values.get("categories"), "categories")]
        if len(self.errors) > before or timeframe is None:
            return None
        assert isinstance(number, int)
        return Entry(number, title, timeframe, text, points, areas, categories)

    def _area(self, value: str) -> str:
        """A stage named by id or name becomes its id; anything else is a theme as written."""
        for stage in self.method.stages:
            if value in (stage.id, stage.name) or value.lower() == stage.name.lower():
                return stage.id
        return value

    def _category(self, value: str) -> str:
        for category in self.method.categories:
            if value == category.id or value.lower() == category.name.lower():
                return category.id
        self.fail("categories", f"'{value}' is not a case category of {self.method.name}")
        return value


def read_recommendations(path: str | Path, method: Methodology) -> RecommendationFile:
    """The recommendations in a TOML or spreadsheet file, checked; ``ImportRefused`` naming
    every bad entry otherwise."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"There is no file '{path}'. Check the name and the folder.")
    if path.suffix.lower() == ".toml":
        raw, published = _toml_entries(path)
    else:
        raw, published = _sheet_entries(path), None
    if not raw:
        raise WorkbenchError(f"'{path.name}' holds no recommendations.")
    if len(raw) > MAX_ENTRIES:
        raise WorkbenchError(f"'{path.name}' holds more than {MAX_ENTRIES} recommendations.")
    errors: list[RowError] = []
    entries: list[Entry] = []
    seen: dict[int, int] = {}
    for line, values in raw:
        entry = _Checker(method, line, errors).entry(values)
        if entry is None:
            continue
        if entry.number in seen:
            errors.append(
                RowError(line, f"number {entry.number} is already used at {seen[entry.number]}",
                         "number")
            )  # fmt: skip
        seen[entry.number] = line
        entries.append(entry)
    if errors:
        bad = len({e.line for e in errors})
        raise ImportRefused(
            f"{bad} of the recommendations in {path.name} cannot be imported; nothing was "
            "imported.",
            errors,
        )
    return RecommendationFile(sorted(entries, key=lambda e: e.number), published)


def _toml_entries(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], date | None]:
    if path.stat().st_size > MAX_FILE:
        raise WorkbenchError(f"'{path.name}' is larger than {MAX_FILE:,} bytes.")
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"'{path.name}' is not valid TOML: {exc}") from exc
    unknown = set(data) - {"published", "recommendation"}
    if unknown:
        raise WorkbenchError(
            f"'{path.name}' has keys this import does not read: {', '.join(sorted(unknown))}."
        )
    published = data.get("published")
    if published is not None and not (
        isinstance(published, date) and not hasattr(published, "hour")
    ):
        raise WorkbenchError(f"'{path.name}': published must be a date such as 2026-12-14.")
    tables = data.get("recommendation", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise WorkbenchError(f"'{path.name}': write each recommendation as [[recommendation]].")
    # Each entry is named by the line of its [[recommendation]] header.
    starts = [n for n, text in enumerate(source.splitlines(), 1) if _HEADER.match(text)]
    entries = []
    for index, table in enumerate(tables):
        line = starts[index] if index < len(starts) else index + 1
        extra = set(table) - KEYS
        if extra:
            raise ImportRefused(
                f"The recommendation at line {line} of {path.name} has keys this import does "
                "not read; nothing was imported.",
                [RowError(line, "unknown key", key) for key in sorted(extra)],
            )
        entries.append((line, table))
    return entries, published


_SPLIT = re.compile(r"[;,]")
_HEADER = re.compile(r"^\s*\[\[\s*recommendation\s*\]\]")


def _sheet_entries(path: Path) -> list[tuple[int, dict[str, Any]]]:
    table = read_table(path)
    require_columns(table, COLUMNS, OPTIONAL, path.name)
    entries = []
    for line, row in records(table):
        values: dict[str, Any] = dict(row)
        values["points"] = [
            p.strip().lstrip("-•").strip() for p in row.get("points", "").split("\n")
        ]
        values["areas"] = [a.strip() for a in _SPLIT.split(row.get("areas", ""))]
        values["categories"] = [c.strip() for c in _SPLIT.split(row.get("categories", ""))]
        for key in ("points", "areas", "categories"):
            values[key] = [v for v in values[key] if v]
        entries.append((line, values))
    return entries
