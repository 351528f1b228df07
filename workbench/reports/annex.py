"""One sheet per case: its details, each assessment's stage grades, notes and rationale, any
moderation, and any referral to the force with the force's responses."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workbench.dates import long_date, short_date
from workbench.methodology import Methodology
from workbench.reports.content import (
    Block,
    Col,
    FactsBlock,
    GradeValue,
    HeadingBlock,
    Section,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.data import AssessmentSheet, CaseSheet
from workbench.reports.tables import grade_name
from workbench.reports.words import plural
from workbench.services.referrals import ReferralRow
from workbench.services.status import GRADED, STATUS_NAMES
from workbench.services.summary import UNRESOLVED

if TYPE_CHECKING:
    from workbench.services.sampling import DrawRecord


def paragraphs(value: str) -> list[str]:
    """Text split at blank lines into paragraphs (each may still hold line breaks)."""
    parts = re.split(r"\n\s*\n", (value or "").strip())
    return [part for part in parts if part.strip()]


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "–"
    return ", ".join(names[:-1]) + " and " + names[-1]


def case_facts(method: Methodology, case: CaseSheet) -> FactsBlock:
    outcome: Value = GradeValue(UNRESOLVED if case.unresolved else case.effective_grade)
    pairs: list[tuple[str, Value]] = [
        ("Category", case.category_name),
        ("Unit", case.unit or "–"),
        ("Case opened", long_date(case.opened_on)),
        ("Case closed", long_date(case.closed_on, "Still open")),
        ("The force's own grade", GradeValue(case.force_grade, "Not graded by the force")),
        ("Overall grade", outcome),
    ]
    if case.moderation is not None:
        pairs.append(
            (
                "Moderated",
                f"By {case.moderation.by} on {long_date(case.moderation.at)}",
            )
        )
    inspectors = [a.inspector for a in case.assessments]
    pairs.append(("Graded by", _names(inspectors)))
    pairs.append(("Referred to the force", _referred(case.referrals)))
    return FactsBlock(f"Details of case {case.reference}", pairs)


def _referred(referrals: list[ReferralRow]) -> str:
    if not referrals:
        return "No"
    still_open = sum(1 for r in referrals if r.status == "open")
    if still_open == len(referrals):
        state = "open"
    else:
        state = f"{still_open} open" if still_open else "closed"
    return f"Yes: {plural(len(referrals), 'referral')} ({state})"


def assessment_blocks(
    method: Methodology, case: CaseSheet, assessment: AssessmentSheet
) -> list[Block]:
    when = ""
    if assessment.status != GRADED:
        when = f" ({STATUS_NAMES.get(assessment.status, assessment.status).lower()})"
    elif assessment.graded_at is not None:
        when = f" (graded {long_date(assessment.graded_at)})"
    rows: list[list[Value]] = [
        [line.name, GradeValue(line.grade), line.notes or "–"] for line in assessment.stages
    ]
    blocks: list[Block] = [HeadingBlock(f"Assessment by {assessment.inspector}{when}")]
    if rows:
        blocks.append(
            TableBlock(
                f"Stage grades given by {assessment.inspector} for case {case.reference}",
                [Col("Stage", 1.0), Col("Grade", 0.1), Col("Evidence notes", 3.4)],
                rows,
            )
        )
    blocks.append(
        FactsBlock(
            f"Overall grade given by {assessment.inspector}",
            [("Overall grade", GradeValue(assessment.overall_grade))],
        )
    )
    rationale = paragraphs(assessment.rationale)
    blocks.append(TextBlock("Rationale", "label"))
    blocks += [TextBlock(part) for part in rationale] or [TextBlock("No rationale recorded.")]
    return blocks


def _response_lines(referral: ReferralRow, method: Methodology) -> str:
    if not referral.responses:
        return "No response recorded yet."
    lines = [
        f"{short_date(when)}: {method.response_name(response)}" + (f". {note}" if note else "")
        for response, note, when, _by in referral.responses
    ]
    return "\n".join(lines)


def referral_blocks(method: Methodology, case: CaseSheet) -> list[Block]:
    blocks: list[Block] = []
    for number, referral in enumerate(case.referrals, start=1):
        title = "Referral to the force"
        if len(case.referrals) > 1:
            title += f" ({number} of {len(case.referrals)})"
        status = "Open" if referral.status == "open" else f"Closed {long_date(referral.closed_at)}"
        blocks += [
            HeadingBlock(title),
            FactsBlock(
                f"Referral of case {case.reference} to the force",
                [
                    ("Urgency", method.urgency_name(referral.urgency)),
                    ("Referred on", long_date(referral.referred_at)),
                    ("Referred to", referral.referred_to or "–"),
                    ("Raised by", referral.raised_by),
                    ("Status", status),
                    ("Risk to the child", referral.risk_summary),
                    ("The force's responses", _response_lines(referral, method)),
                ],
            ),
        ]
    return blocks


def moderation_blocks(method: Methodology, case: CaseSheet) -> list[Block]:
    if case.moderation is None:
        return []
    note = case.moderation
    return [
        HeadingBlock("Moderation"),
        TextBlock(
            f"{note.by} moderated this case on {long_date(note.at)} and agreed the grade "
            f"{grade_name(method, note.grade).lower()}."
        ),
        *[TextBlock(part) for part in paragraphs(note.reason)],
    ]


def case_section(method: Methodology, case: CaseSheet) -> Section:
    """The case's sheet: a level-1 section starting on a new page."""
    blocks: list[Block] = [case_facts(method, case)]
    for assessment in case.assessments:
        blocks += assessment_blocks(method, case, assessment)
    blocks += moderation_blocks(method, case)
    blocks += referral_blocks(method, case)
    return Section(
        f"Case {case.reference}",
        f"case-{case.case_id}",
        blocks,
        level=1,
        new_page=True,
        in_contents=False,
    )


def case_sheets(head: Section, method: Methodology, cases: list[CaseSheet]) -> list[Section]:
    """``head`` (an annex's opening section) and a sheet for each case; the first sheet shares
    the head's page, each of the others starts a new one."""
    sheets = [case_section(method, case) for case in cases]
    if sheets:
        sheets[0].new_page = False
    return [head, *sheets]


def sampling_section(method: Methodology, draws: list[DrawRecord]) -> Section | None:
    """Annex B, how the sample was drawn: each draw's seed, method and, per stratum, the
    cases listed by the force and those drawn (the rest are the population not drawn).
    ``draws`` are ``workbench.services.sampling.DrawRecord``s; None when there are none."""
    from workbench.services.sampling import stratum_names

    if not draws:
        return None
    blocks: list[Block] = []
    for number, record in enumerate(draws, start=1):
        blocks.append(
            TextBlock(
                f"Draw {number}: {record.drawn:,} of the {record.listed:,} cases on the "
                f"force's list '{record.source}' were drawn on {long_date(record.drawn_at)} by "
                f"{record.drawn_by}, by {record.method}. Seed: {record.seed}. The list's "
                f"SHA-256 is {record.sha256}; the same list, plan and seed draw the same "
                f"cases again. The {record.listed - record.drawn:,} cases not drawn are the "
                "population the sample stands for."
            )
        )
        names = stratum_names(method, record.strata, record.strata_by)
        rows: list[list[Value]] = [
            [name, s.listed, s.drawn, s.listed - s.drawn]
            for name, s in zip(names, record.strata, strict=True)
        ]
        rows.append(["All strata", record.listed, record.drawn, record.listed - record.drawn])
        columns = [
            Col("Stratum", 3),
            Col("Listed", 1, True),
            Col("Drawn", 1, True),
            Col("Not drawn", 1, True),
        ]
        caption = f"Draw {number}: cases listed and drawn in each stratum"
        blocks.append(TableBlock(caption, columns, rows, total_row=True, row_headers=True))
    return Section("Annex B: How the sample was drawn", "sampling", blocks, new_page=True)
