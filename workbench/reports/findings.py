"""The findings report: cover, contents, the headline findings in words, tables and charts of
the grades, the force's grades against ours, moderation, the referral schedule, a section per
stage of the child's journey with what inspectors answered at its prompts and facts, the
force's self-assessment, and an annex with one sheet per graded case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db.engine import Store
from workbench.dates import long_date
from workbench.progress import Progress, no_progress
from workbench.reports import pdf
from workbench.reports.annex import case_sheets, sampling_section
from workbench.reports.content import Cover, Document, Section, TextBlock
from workbench.reports.data import ReportData, gather
from workbench.reports.evidence import evidence_sections, self_assessment_section
from workbench.reports.files import Written
from workbench.reports.publication import Publication, publication_from
from workbench.reports.referrals import referrals_section
from workbench.reports.sections import (
    breakdown_section,
    force_section,
    moderation_section,
    stage_section,
    summary_section,
)
from workbench.reports.words import fieldwork, plural

FICTIONAL = (
    "Fictional demonstration data: the force, cases, grades and referrals in this report "
    "are made up."
)
FRONT_PAGES = 18  # cover, contents and the findings before the annex, roughly


def cover(data: ReportData, publication: Publication | None = None) -> Cover:
    facts, summary = data.facts, data.summary
    return Cover(
        title=facts.title,
        subtitle="Findings of the case file audit",
        facts=[
            ("Force", facts.force),
            ("Fieldwork", fieldwork(facts.start, facts.end)),
            ("Methodology", facts.methodology),
            ("Cases", f"{plural(summary['cases'], 'case')} sampled, {summary['graded']} graded"),
            ("Produced", f"{long_date(data.produced)} by {data.author}"),
            ("Marking", facts.marking),
            *(publication.facts() if publication else []),
        ],
        notice=FICTIONAL if facts.fictional else "",
    )


def annex_sections(data: ReportData) -> list[Section]:
    graded = [case for case in data.cases if case.graded]
    rest = len(data.cases) - len(graded)
    intro = (
        f"This annex has one sheet for each of the {plural(len(graded), 'graded case')}, in "
        "order of the force's reference: the case's details, each inspector's stage grades, "
        "evidence notes, overall grade and rationale, any moderation and any referral to "
        "the force."
    )
    if rest:
        verb = "is" if rest == 1 else "are"
        intro += f" The {plural(rest, 'case')} not yet graded {verb} not included."
    head = Section("Annex A: Case sheets", "annex", [TextBlock(intro)], new_page=True)
    return case_sheets(head, data.method, graded)


def findings_document(data: ReportData, publication: Publication | None = None) -> Document:
    """The whole findings report as content, for the PDF and the HTML twin alike."""
    facts = data.facts
    evidence, number = evidence_sections(data, 9)  # tables 1 to 8 come before
    sections = [
        summary_section(data),
        breakdown_section(data, "category", 2),
        stage_section(data, 3),
        breakdown_section(data, "unit", 4),
        force_section(data, 5),
        moderation_section(data, 6),
        referrals_section(data, 7),
        *evidence,
        self_assessment_section(data, number),
        *annex_sections(data),
    ]
    sampling = sampling_section(data.method, data.draws)
    if sampling is not None:
        sections.append(sampling)
    return Document(
        title=f"{facts.title}: findings",
        subject=f"Findings of the case file audit of {facts.force}",
        author=data.author,
        marking=facts.marking,
        interim=facts.interim,
        running_title=f"{facts.force}: findings of the case file audit",
        cover=cover(data, publication),
        sections=sections,
    )


def write_findings_pdf(
    store: Store,
    inspection_id: str,
    out: str | Path,
    progress: Progress = no_progress,
    isbn: str | None = None,
    published: date | None = None,
    copyright: str | None = None,
) -> Written:
    """Write the findings report as a PDF at ``out`` (atomically); returns its page count.

    ``isbn``, ``published`` and ``copyright`` give the cover's publication block (a draft has
    none); a wrong ISBN check digit is refused before anything is written.
    """
    data = gather(store, inspection_id, progress)
    graded = sum(1 for case in data.cases if case.graded)
    publication = publication_from(isbn, published, copyright)
    document = findings_document(data, publication)
    return pdf.write(document, data.method, out, progress, FRONT_PAGES + graded)
