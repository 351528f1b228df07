"""The XLSX workbook's sheets as typed pandas DataFrames.

Grades are written as words (as the reports print them). The summary tables are copied
from ``summarise``; the data sheets list the store's rows, so that a reader can check that
counting the Cases sheet's "Overall grade" column gives the Summary's figures.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.dates import local_date
from workbench.methodology import Methodology
from workbench.reports.data import ReportData
from workbench.reports.tables import grade_name, outcome_name
from workbench.services.status import STATUS_NAMES
from workbench.services.summary import NOT_RECORDED, UNRESOLVED


def _grade(method: Methodology, grade_id: str | None) -> str | None:
    return None if grade_id is None else outcome_name(method, grade_id)


def _dates(values: list[Any]) -> pd.Series:
    return pd.to_datetime(pd.Series([local_date(v) for v in values], dtype=object))


def _utc(values: list[Any]) -> pd.Series:
    """Moments in UTC without a zone (Excel has no time zones); the column says UTC."""
    plain = [v.replace(tzinfo=None) if v is not None and v.tzinfo else v for v in values]
    return pd.to_datetime(pd.Series(plain, dtype=object))


def _ints(values: list[int]) -> pd.Series:
    return pd.Series(values, dtype="Int64")


def about(data: ReportData) -> pd.DataFrame:
    facts = data.facts
    rows = [
        ("Inspection", facts.title),
        ("Force", facts.force),
        ("Fieldwork starts", facts.start),
        ("Fieldwork ends", facts.end),
        ("Methodology", facts.methodology),
        ("Marking", facts.marking),
        ("Produced", local_date(data.produced)),
        ("Produced by", data.author),
    ]
    if facts.fictional:
        rows.append(("Note", "Fictional demonstration data"))
    return pd.DataFrame(rows, columns=["Item", "Value"], dtype=object)


def key_figures(summary: dict[str, Any], method: Methodology) -> pd.DataFrame:
    """The headline figures; each cell keeps its type (whole numbers stay whole)."""
    overall, referrals, moderation = summary["overall"], summary["referrals"], summary["moderation"]
    rows: list[tuple[str, Any]] = [
        ("Cases in the sample", summary["cases"]),
        ("Cases graded", summary["graded"]),
        ("Cases still being graded", summary["in_progress"]),
        ("Cases not yet started", summary["not_started"]),
        *[(f"Graded {grade_name(method, g).lower()}", overall[g]) for g in method.grade_ids],
        ("Graded differently and awaiting moderation", overall[UNRESOLVED]),
        (f"Graded {method.below_best_words}", overall[method.below_best_key]),
        (
            f"Percent graded {method.below_best_words}",
            overall[f"percent_{method.below_best_key}"],
        ),
        ("Cases referred back to the force", referrals["cases_referred"]),
        ("Referrals", referrals["total"]),
        ("Referrals open", referrals["open"]),
        ("Referrals closed", referrals["closed"]),
        ("Cases graded by two inspectors", moderation["dual_graded"]),
        ("Dual-graded cases given the same grade", moderation["agreed"]),
        ("Dual-graded cases given different grades", moderation["disagreed"]),
        ("Cases moderated", moderation["moderated"]),
        ("Percent agreement between inspectors", moderation["percent_agreement"]),
        ("Weighted kappa", moderation["weighted_kappa"]),
        ("Gwet's AC1", _coefficient(moderation.get("agreement", {}).get("ac1"))),
        ("Findings are interim", bool(summary.get("interim"))),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"], dtype=object)


def _coefficient(value: object) -> float | None:
    return value["value"] if isinstance(value, dict) else None


def cases(data: ReportData) -> pd.DataFrame:
    method, rows = data.method, data.cases
    return pd.DataFrame(
        {
            "Reference": [c.reference for c in rows],
            "Category": [c.category_name for c in rows],
            "Unit": [c.unit for c in rows],
            "Opened on": _dates([c.opened_on for c in rows]),
            "Closed on": _dates([c.closed_on for c in rows]),
            "Child reference": [c.child_ref for c in rows],
            "Assigned to": [c.assigned_to for c in rows],
            "Force's grade": [_grade(method, c.force_grade) for c in rows],
            "Status": [STATUS_NAMES.get(c.status, c.status) for c in rows],
            "Graded": [c.graded for c in rows],
            "Overall grade": [
                _grade(method, UNRESOLVED if c.unresolved else c.effective_grade) for c in rows
            ],
            "Moderated": [c.moderation is not None for c in rows],
            "Referred": [bool(c.referrals) for c in rows],
            "Inspectors": ["; ".join(a.inspector for a in c.assessments) for c in rows],
        }
    )


def assessments(data: ReportData) -> pd.DataFrame:
    method = data.method
    pairs = [(c, a) for c in data.cases for a in c.assessments]
    return pd.DataFrame(
        {
            "Reference": [c.reference for c, _ in pairs],
            "Inspector": [a.inspector for _, a in pairs],
            "Status": [STATUS_NAMES.get(a.status, a.status) for _, a in pairs],
            "Overall grade": [_grade(method, a.overall_grade) for _, a in pairs],
            "Revision": _ints([a.revision for _, a in pairs]),
            "Graded at (UTC)": _utc([a.graded_at for _, a in pairs]),
            "Rationale": [a.rationale for _, a in pairs],
        }
    )


def stage_grades(data: ReportData) -> pd.DataFrame:
    method = data.method
    rows = [(c, a, s) for c in data.cases for a in c.assessments for s in a.stages]
    return pd.DataFrame(
        {
            "Reference": [c.reference for c, _, _ in rows],
            "Inspector": [a.inspector for _, a, _ in rows],
            "Stage": [s.name for _, _, s in rows],
            "Grade": [_grade(method, s.grade) for _, _, s in rows],
            "Evidence notes": [s.notes for _, _, s in rows],
        }
    )


def referrals(data: ReportData) -> pd.DataFrame:
    method, rows = data.method, data.referrals
    latest = [r.responses[-1] if r.responses else None for r in rows]  # (id, note, when, by)
    return pd.DataFrame(
        {
            "Reference": [r.case_reference for r in rows],
            "Unit": [r.unit for r in rows],
            "Urgency": [method.urgency_name(r.urgency) for r in rows],
            "Referred on": _dates([r.referred_at for r in rows]),
            "Referred to": [r.referred_to for r in rows],
            "Raised by": [r.raised_by for r in rows],
            "Status": ["Open" if r.status == "open" else "Closed" for r in rows],
            "Closed on": _dates([r.closed_at for r in rows]),
            "Responses": _ints([len(r.responses) for r in rows]),
            "Latest response": [method.response_name(last[0]) if last else None for last in latest],
            "Latest response on": _dates([last[2] if last else None for last in latest]),
            "Risk summary": [r.risk_summary for r in rows],
        }
    )


def breakdown(summary: dict[str, Any], method: Methodology, key: str, label: str) -> pd.DataFrame:
    table = summary[key]
    ids = [*method.grade_ids, UNRESOLVED]
    frame = pd.DataFrame(
        {
            label: [str(entry.get("name") or name) for name, entry in table.items()],
            "Cases": _ints([entry["cases"] for entry in table.values()]),
            "Graded": _ints([entry["graded"] for entry in table.values()]),
        }
    )
    for grade in ids:
        frame[_grade(method, grade)] = _ints([entry.get(grade, 0) for entry in table.values()])
    return frame


def by_stage(summary: dict[str, Any], method: Methodology) -> pd.DataFrame:
    table = summary["by_stage"]
    keys = [*method.grade_ids, method.not_assessed.id, UNRESOLVED, NOT_RECORDED]
    frame = pd.DataFrame({"Stage": [entry["name"] for entry in table.values()]})
    for key in keys:
        frame[outcome_name(method, key)] = _ints([entry.get(key, 0) for entry in table.values()])
    return frame


def force_vs_ours(summary: dict[str, Any], method: Methodology) -> pd.DataFrame:
    crosstab = summary["force_vs_inspector"]
    grades = list(method.grade_ids)
    frame = pd.DataFrame({"Force's grade": [grade_name(method, g) for g in grades]})
    for ours in grades:
        heading = f"Our grade: {grade_name(method, ours).lower()}"
        frame[heading] = _ints([crosstab[force][ours] for force in grades])
    return frame
