"""An inspector's own report, for their working file: the cases they assessed, their grades
beside the final grade of each case, and a sheet per case with their stage grades, notes
and rationale."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from db.engine import Store
from db.models import Assessment, Case
from workbench.dates import long_date
from workbench.errors import NotFoundError
from workbench.progress import Progress, no_progress
from workbench.reports import pdf
from workbench.reports.annex import case_sheets
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
from workbench.reports.files import Written
from workbench.reports.tables import grade_name
from workbench.reports.words import fieldwork, plural
from workbench.services.status import GRADED, IN_PROGRESS, NOT_STARTED, STATUS_NAMES
from workbench.services.summary import UNRESOLVED


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


def _overview(data: ReportData, inspector: str, cases: list[CaseSheet]) -> Section:
    method = data.method
    mine = [(case.assessments[0].status, case.assessments[0].overall_grade) for case in cases]
    statuses = Counter(status for status, _ in mine)
    grades = Counter(grade for status, grade in mine if status == GRADED)
    graded = statuses.get(GRADED, 0)
    sentence = (
        f"{inspector} has assessed {plural(len(cases), 'case')} in this inspection: "
        + ", ".join(
            f"{statuses[s]} {STATUS_NAMES[s].lower()}"
            for s in (GRADED, IN_PROGRESS, NOT_STARTED)
            if statuses.get(s)
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
    for case, (status, grade) in zip(cases, mine, strict=True):
        final = UNRESOLVED if case.unresolved else case.effective_grade
        rows.append(
            [
                case.reference,
                case.category_name,
                case.unit or "–",
                STATUS_NAMES.get(status, status),
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
    annex = Section(
        "Case sheets",
        "sheets",
        [TextBlock(f"One sheet for each case {inspector} assessed, as {inspector} graded it.")],
        new_page=True,
    )
    title = f"Cases assessed by {inspector}"
    return Document(
        title=f"{title}: {facts.title}",
        subject=f"{inspector}'s assessments in the inspection of {facts.force}",
        author=data.author,
        marking=facts.marking,
        interim=facts.interim,
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
        sections=[_overview(data, inspector, cases), *case_sheets(annex, data.method, cases)],
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
    expected = 4 + sum(1 for case in data.cases if case.assessments)
    return pdf.write(inspector_document(data, inspector), data.method, out, progress, expected)
