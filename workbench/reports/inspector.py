"""An inspector's own report, for their working file: the cases they assessed, their grades
beside the final grade of each case, and a sheet per case with their stage grades, notes
and rationale."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from db.engine import Store
from db.models import Assessment, Case
from workbench.errors import NotFoundError
from workbench.progress import Progress, no_progress
from workbench.reports import pdf
from workbench.reports.annex import STATUS_WORDS, case_section
from workbench.reports.content import (
    Col,
    Cover,
    Document,
    GradeValue,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.data import CaseSheet, ReportData, gather
from workbench.reports.files import Written, atomic_path, final_path
from workbench.reports.tables import grade_name
from workbench.reports.words import fieldwork, long_date, plural


def _check_inspector(store: Store, inspection_id: str, inspector: str) -> None:
    with store.sessions() as session:
        names = session.scalars(
            select(Assessment.inspector)
            .join(Case, Case.id == Assessment.case_id)
            .where(Case.inspection_id == inspection_id)
            .distinct()
            .order_by(Assessment.inspector)
        ).all()
    if inspector not in names:
        known = ", ".join(names) if names else "nobody yet"
        raise NotFoundError(
            f"No case in this inspection has been assessed by {inspector!r}. Cases have been "
            f"assessed by: {known}."
        )


def _mine(case: CaseSheet) -> tuple[str, str | None]:
    assessment = case.assessments[0]
    return assessment.status, assessment.overall_grade


def _overview(data: ReportData, inspector: str, cases: list[CaseSheet]) -> Section:
    method = data.method
    statuses = Counter(_mine(case)[0] for case in cases)
    grades = Counter(_mine(case)[1] for case in cases if _mine(case)[0] == "graded")
    graded = statuses.get("graded", 0)
    sentence = (
        f"{inspector} has assessed {plural(len(cases), 'case')} in this inspection: "
        + ", ".join(
            f"{statuses[s]} {STATUS_WORDS[s].lower()}" for s in STATUS_WORDS if statuses.get(s)
        )
        + "."
    )
    if graded:
        sentence += (
            f" Of the {plural(graded, 'graded case')}, {inspector} graded "
            + ", ".join(
                f"{grades.get(g, 0)} {grade_name(method, g).lower()}" for g in method.grade_ids
            )
            + "."
        )
    rows: list[list[Value]] = []
    for case in cases:
        status, grade = _mine(case)
        final = "unresolved" if case.unresolved else case.effective_grade
        rows.append(
            [
                case.reference,
                case.category_name,
                case.unit or "–",
                STATUS_WORDS.get(status, status),
                GradeValue(grade),
                GradeValue(final, "Not yet final"),
            ]
        )
    columns = [
        Col("Reference", 1.1),
        Col("Category", 1.9),
        Col("Unit", 1.3),
        Col("Status", 0.9),
        Col("Their grade", 1.4),
        Col("Final grade", 1.4),
    ]
    blocks = [
        TextBlock(sentence),
        TextBlock(
            "The final grade is the one the findings count: the moderated grade where the lead "
            "inspector moderated the case, otherwise the grade the inspectors agreed.",
            "small",
        ),
        TableBlock(f"Table 1: Cases assessed by {inspector}", columns, rows),
    ]
    return Section("Cases assessed", "cases", blocks, new_page=True)


def inspector_document(data: ReportData, inspector: str) -> Document:
    facts = data.facts
    cases = [case for case in data.cases if case.assessments]
    sheets = [case_section(data.method, case) for case in cases]
    annex = Section(
        "Case sheets",
        "sheets",
        [TextBlock(f"One sheet for each case {inspector} assessed, as {inspector} graded it.")],
        new_page=True,
    )
    if sheets:
        sheets[0].new_page = False
    title = f"Cases assessed by {inspector}"
    return Document(
        title=f"{title}: {facts.title}",
        subject=f"{inspector}'s assessments in the inspection of {facts.force}",
        author=data.author,
        marking=facts.marking,
        running_title=f"{facts.force}: cases assessed by {inspector}",
        cover=Cover(
            title=title,
            subtitle=facts.title,
            facts=[
                ("Force", facts.force),
                ("Fieldwork", fieldwork(facts.start, facts.end)),
                ("Inspector", inspector),
                ("Produced", f"{long_date(data.produced)} by {data.author}"),
                ("Marking", facts.marking),
            ],
            notice="Fictional demonstration data." if facts.fictional else "",
        ),
        sections=[_overview(data, inspector, cases), annex, *sheets],
    )


def write_inspector_pdf(
    store: Store,
    inspection_id: str,
    inspector: str,
    out: str | Path,
    progress: Progress = no_progress,
) -> Written:
    """The inspector's own report as a PDF, written atomically."""
    data = gather(store, inspection_id, progress, inspector=inspector)
    _check_inspector(store, data.facts.id, inspector)
    document = inspector_document(data, inspector)
    expected = 4 + sum(1 for case in data.cases if case.assessments)
    with atomic_path(out) as temporary:
        pages = pdf.render(document, data.method, temporary, progress, expected)
    progress(pages, pages, f"Wrote {plural(pages, 'page')}")
    return Written(final_path(out), pages)
