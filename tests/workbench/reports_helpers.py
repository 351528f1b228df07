"""Helpers for the report tests: small inspections built through the services, and ways of
reading a PDF back (text with positions, fonts, bookmarks) with pypdf."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from db.engine import Store
from db.models import Case
from workbench.methodology import load_methodology
from workbench.services import grading, referrals
from workbench.services.inspections import create_inspection

BASE_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}
INSPECTOR = "Alex Inspector"


def make_inspection(
    store: Store, marking: str = "OFFICIAL-SENSITIVE", force: str = "Testshire"
) -> str:
    inspection = create_inspection(
        store,
        force=f"{force} Police",
        title=f"Child protection inspection of {force} Police",
        start=date(2026, 3, 2),
        end=date(2026, 3, 27),
        marking=marking,
    )
    return inspection.id


def add_case(
    store: Store,
    inspection_id: str,
    reference: str,
    category: str = "section_47",
    unit: str = "North borough",
    force_grade: str | None = None,
) -> str:
    method = load_methodology()
    with store.sessions.begin() as session:
        row = Case(
            inspection_id=inspection_id,
            reference=reference,
            category=category,
            unit=unit,
            opened_on=date(2025, 12, 1),
            force_grade=force_grade,
            methodology_version=method.version,
        )
        session.add(row)
        session.flush()
        return row.id


def grade_case(
    store: Store,
    case_id: str,
    overall: str,
    *,
    inspector: str = INSPECTOR,
    rationale: str = "The response was timely and the child was seen alone.",
    notes: str = "Seen within the hour.",
    category: str = "section_47",
) -> None:
    """Grade every stage that applies ``overall`` and mark the assessment graded."""
    method = load_methodology()
    for stage in method.stages_for(category):
        grading.edit(store, case_id, inspector, f"stage:{stage.id}:grade", overall)
        grading.edit(store, case_id, inspector, f"stage:{stage.id}:notes", notes)
    grading.edit(store, case_id, inspector, "overall_grade", overall)
    grading.edit(store, case_id, inspector, "rationale", rationale)
    grading.mark_graded(store, case_id, inspector)


def refer(store: Store, case_id: str, urgency: str = "urgent", summary: str = "") -> str:
    when = datetime(2026, 3, 10, 10, tzinfo=UTC)
    return referrals.raise_referral(
        store,
        case_id,
        risk_summary=summary or "The child remains at home with the suspect.",
        urgency=urgency,
        referred_to="Duty detective inspector",
        referred_at=when,
    )


def respond(store: Store, referral_id: str, response: str, days: int = 1, note: str = "") -> None:
    when = datetime(2026, 3, 10, 12, tzinfo=UTC) + timedelta(days=days)
    referrals.add_response(store, referral_id, response=response, note=note, occurred_at=when)


# --- reading a PDF back ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bookmark:
    level: int
    title: str
    page: int  # 1-based


def read(path: Path) -> PdfReader:
    return PdfReader(str(path))


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """Text with every run of white space made one space (lines re-joined)."""
    return re.sub(r"\s+", " ", text).strip()


def lines_with_height(page) -> list[tuple[str, float]]:
    """Each piece of text on a page with its height above the bottom edge."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():
            found.append((text.strip(), cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    return found


def _fonts(resources: DictionaryObject | None, seen: set[int]) -> list[DictionaryObject]:
    if resources is None or id(resources) in seen:
        return []
    seen.add(id(resources))
    found = [f.get_object() for f in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        obj = xobject.get_object()
        if "/Resources" in obj:
            found += _fonts(obj["/Resources"].get_object(), seen)
    return found


def page_fonts(page) -> list[DictionaryObject]:
    """Every font a page uses, including those of its form XObjects."""
    return _fonts(page.get("/Resources", DictionaryObject()).get_object(), set())


def font_problems(reader: PdfReader) -> list[str]:
    """Fonts that are not embedded TrueType, or are among the 14 standard PDF fonts."""
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        fonts = page_fonts(page)
        if not fonts:
            problems.append(f"page {number} names no font")
        for font in fonts:
            name = str(font.get("/BaseFont", "")).lstrip("/")
            plain = name.split("+", 1)[-1]
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            if plain in BASE_14 or not embedded:
                problems.append(f"page {number}: {name} (embedded: {embedded})")
    return problems


def bookmarks(reader: PdfReader) -> list[Bookmark]:
    found: list[Bookmark] = []

    def walk(items, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                page = reader.get_destination_page_number(item) + 1
                found.append(Bookmark(level, str(item.title), page))

    walk(reader.outline, 0)
    return found
