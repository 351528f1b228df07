"""The referral schedule: the cases referred back to the force, with what the force needs to
act (reference, unit, risk, urgency, dates and the responses so far).

It is both a section of the findings report and a document of its own for the force,
printed landscape so that the risk summaries have room.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from db.engine import Store
from workbench.dates import long_date, short_date
from workbench.methodology import Methodology
from workbench.progress import Progress, no_progress
from workbench.reports import pdf
from workbench.reports.content import Block, Col, Document, Section, TableBlock, TextBlock, Value
from workbench.reports.data import ReportData, gather
from workbench.reports.files import Written
from workbench.reports.words import fieldwork, plural
from workbench.services.referrals import ReferralRow


def _urgency_rank(method: Methodology, urgency: str) -> int:
    ids = [u.id for u in method.urgencies]
    return ids.index(urgency) if urgency in ids else len(ids)


def ordered(method: Methodology, referrals: list[ReferralRow]) -> list[ReferralRow]:
    """Open referrals first, the most urgent first, then oldest first."""
    return sorted(
        referrals,
        key=lambda r: (r.status != "open", _urgency_rank(method, r.urgency), r.referred_at),
    )


def respond_by(method: Methodology, referral: ReferralRow) -> str:
    if referral.status != "open":
        return "–"
    try:
        days = method.urgency(referral.urgency).respond_within_days
    except KeyError:
        return "–"
    return short_date(referral.referred_at + timedelta(days=days))


def responses_so_far(method: Methodology, referral: ReferralRow) -> str:
    lines = [
        f"{short_date(when)} {method.response_name(response)}" + (f": {note}" if note else "")
        for response, note, when, _by in referral.responses
    ]
    if referral.status == "open":
        lines.append("Open" if lines else "Open: no response yet")
    return "\n".join(lines)


def schedule_table(data: ReportData, caption: str, *, for_force: bool) -> TableBlock:
    """The schedule. The force's own copy (landscape) has a column for each item and the
    date to respond by; the findings report's copy (portrait) pairs them up to fit."""
    method = data.method
    if for_force:
        columns = [
            Col("Reference", 0.1),
            Col("Unit", 0.4),
            Col("Urgency", 0.1),
            Col("Referred", 0.1),
            Col("Respond by", 0.1),
            Col("Risk to the child", 3.6),
            Col("Response so far", 3.0),
        ]
    else:
        columns = [
            Col("Case and unit", 0.4),
            Col("Referred", 0.1),
            Col("Risk to the child", 3.2),
            Col("Response so far", 2.6),
        ]
    rows: list[list[Value]] = []
    for referral in ordered(method, data.referrals):
        urgency = method.urgency_name(referral.urgency)
        unit, referred = referral.unit or "–", short_date(referral.referred_at)
        risk, responses = referral.risk_summary, responses_so_far(method, referral)
        if for_force:
            row: list[Value] = [referral.case_reference, unit, urgency, referred]
            rows.append([*row, respond_by(method, referral), risk, responses])
        else:
            case = f"{referral.case_reference}\n{unit}"
            rows.append([case, f"{referred}\n{urgency}", risk, responses])
    return TableBlock(caption, columns, rows)


def _counts(data: ReportData) -> str:
    figures = data.summary["referrals"]
    if not figures["total"]:
        return "No cases were referred back to the force."
    return (
        f"{plural(figures['cases_referred'], 'case was', 'cases were')} referred back to the "
        f"force ({plural(figures['total'], 'referral')}): {figures['open']} still open and "
        f"{figures['closed']} closed."
    )


def referrals_section(data: ReportData, number: int) -> Section:
    """The schedule as a section of the findings report."""
    figures = data.summary["referrals"]
    blocks: list[Block] = [TextBlock(_counts(data))]
    if figures["total"]:
        urgency_rows: list[list[Value]] = [
            [data.method.urgency_name(u), n] for u, n in figures["by_urgency"].items()
        ]
        urgency_rows.append(["All referrals", figures["total"]])
        blocks += [
            TableBlock(
                f"Table {number}: Referrals by urgency",
                [Col("Urgency", 3.2), Col("Referrals", 1, True)],
                urgency_rows,
                total_row=True,
                width=0.6,
            ),
            schedule_table(data, f"Table {number + 1}: Referral schedule", for_force=False),
        ]
    return Section("Referrals to the force", "referrals", blocks, new_page=True)


def referral_document(data: ReportData) -> Document:
    facts = data.facts
    title = f"Referral schedule: {facts.force}"
    intro = [
        TextBlock(
            f"{facts.title}. Fieldwork {fieldwork(facts.start, facts.end)}. "
            f"Produced on {long_date(data.produced)} by {data.author}.",
            "small",
        ),
        TextBlock(
            "During the inspection these cases were referred back to the force because a "
            "child or children were judged to be at continued risk. Please act on each and tell "
            "the inspection team what was done. " + _counts(data),
            "lead",
        ),
    ]
    if facts.fictional:
        intro.insert(0, TextBlock("Fictional demonstration data: not a real force.", "notice"))
    table = schedule_table(
        data, "Referral schedule: open referrals first, most urgent first", for_force=True
    )
    section = Section(title, "schedule", [*intro, table])
    return Document(
        title=title,
        subject=f"Cases referred back to {facts.force}: {facts.title}",
        author=data.author,
        marking=facts.marking,
        interim=facts.interim,
        running_title=f"{facts.force}: referral schedule",
        cover=None,
        sections=[section],
        landscape=True,
        contents=False,
    )


def write_referrals_pdf(
    store: Store, inspection_id: str, out: str | Path, progress: Progress = no_progress
) -> Written:
    """The force's referral schedule as its own PDF."""
    data = gather(store, inspection_id, progress)
    expected = 1 + len(data.referrals) // 6
    return pdf.write(referral_document(data), data.method, out, progress, expected)
