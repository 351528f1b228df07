"""The findings summary of an inspection, computed with pandas from a few SQL queries.

Each case counts once, by its *effective grade*: the lead's moderated grade if there is one,
else the overall grade its graded assessments agree on. A case whose graded assessments
disagree and that has not been moderated counts under ``unresolved``. A case is *graded*
when it has at least one graded assessment (or a moderated grade), so the ``overall``
counts always add up to ``graded``. ``README.md`` documents every key of ``summarise``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.engine import Connection

from db.engine import Store
from db.models import Assessment, Case, Moderation, Referral, StageJudgement, StageModeration
from workbench.agreement import agreement
from workbench.methodology import Methodology, load_methodology
from workbench.services.inspections import get_inspection
from workbench.services.prompt_counts import by_prompt, counted_answers
from workbench.services.self_assessment import self_assessment
from workbench.services.status import GRADED, IN_PROGRESS, STATUS_ORDER

MIN_FOR_PERCENT = 10  # fewer cases than this: counts only, no percentage and no chart
UNRESOLVED = "unresolved"
NOT_RECORDED = "not_recorded"
_STATUS_BY_RANK = {rank: status for status, rank in STATUS_ORDER.items()}
CASE_COLUMNS = [
    "case_id",
    "reference",
    "category",
    "unit",
    "assigned_to",
    "force_grade",
    "status",
    "inspectors",
    "effective_grade",
    "unresolved",
    "referred",
    "moderated",
    "graded",
]


@dataclass
class _Data:
    """What the summary is computed from: the inspection's rows as DataFrames."""

    inspection: dict[str, Any]
    method: Methodology
    cases: pd.DataFrame  # case_id, reference, category, unit, assigned_to, force_grade
    assessments: pd.DataFrame  # case_id, inspector, status, overall_grade, answers (JSON text),
    # first graded first
    stages: pd.DataFrame  # case_id, stage_id, grade: of graded assessments only
    moderations: pd.DataFrame  # case_id, grade
    referrals: pd.DataFrame  # case_id, status, urgency
    stage_moderations: pd.DataFrame | None = None  # case_id, stage_id, grade: the lead's


def _frame(conn: Connection, query: Select) -> pd.DataFrame:
    """The rows of ``query`` as a DataFrame of Python objects.

    Fetched through the DB-API cursor: building SQLAlchemy Row objects for 100,000 stage
    judgements costs more than the rest of the summary put together.
    """
    compiled = query.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False).astype(object)


def _load(store: Store, inspection_id: str) -> _Data:
    with store.sessions() as session:
        row = get_inspection(session, inspection_id)
        conn = session.connection()
        in_inspection = Case.inspection_id == row.id
        cases = _frame(
            conn,
            select(
                Case.id.label("case_id"),
                Case.reference,
                Case.category,
                Case.unit,
                Case.assigned_to,
                Case.force_grade,
            )
            .where(in_inspection)
            .order_by(Case.reference),
        )
        assessments = _frame(
            conn,
            select(
                Assessment.case_id,
                Assessment.inspector,
                Assessment.status,
                Assessment.overall_grade,
                Assessment.answers,
            )
            .join(Case, Case.id == Assessment.case_id)
            .where(in_inspection)
            .order_by(
                Assessment.case_id,
                Assessment.graded_at,
                Assessment.created_at,
                Assessment.inspector,
            ),
        )
        stages = _frame(
            conn,
            select(Assessment.case_id, StageJudgement.stage_id, StageJudgement.grade)
            .join(Assessment, Assessment.id == StageJudgement.assessment_id)
            .join(Case, Case.id == Assessment.case_id)
            .where(in_inspection, Assessment.status == GRADED),
        )
        moderations = _frame(
            conn,
            select(Moderation.case_id, Moderation.grade)
            .join(Case, Case.id == Moderation.case_id)
            .where(in_inspection),
        )
        referrals = _frame(
            conn,
            select(Referral.case_id, Referral.status, Referral.urgency)
            .join(Case, Case.id == Referral.case_id)
            .where(in_inspection),
        )
        stage_moderations = _frame(
            conn,
            select(StageModeration.case_id, StageModeration.stage_id, StageModeration.grade)
            .join(Case, Case.id == StageModeration.case_id)
            .where(in_inspection),
        )
        inspection = {
            "id": row.id,
            "force": row.force,
            "title": row.title,
            "start_date": row.start_date.isoformat(),
            "end_date": row.end_date.isoformat(),
            "marking": row.marking,
            "methodology_id": row.methodology_id,
            "methodology_version": row.methodology_version,
            "fictional": bool(row.fictional),
        }
    cases["unit"] = cases["unit"].fillna("")
    method = load_methodology(inspection["methodology_id"], inspection["methodology_version"])
    return _Data(
        inspection, method, cases, assessments, stages, moderations, referrals, stage_moderations
    )


def _graded_assessments(data: _Data) -> pd.DataFrame:
    frame = data.assessments
    return frame[(frame["status"] == GRADED) & frame["overall_grade"].notna()]


def _per_case(data: _Data) -> pd.DataFrame:
    """One row per case with its status, effective grade and flags (the case frame)."""
    cases = data.cases.set_index("case_id", drop=False)
    graded = _graded_assessments(data).groupby("case_id")["overall_grade"]
    votes = graded.agg(n="size", kinds="nunique", grade="first").reindex(cases.index)
    n = votes["n"].fillna(0).astype(int)
    kinds = votes["kinds"].fillna(0).astype(int)
    moderated_grade = data.moderations.set_index("case_id")["grade"].reindex(cases.index)
    moderated = moderated_grade.notna()
    agreed = votes["grade"].where(kinds == 1)
    effective = moderated_grade.where(moderated, agreed)
    rank = (
        data.assessments["status"]
        .map(STATUS_ORDER)
        .fillna(0)
        .groupby(data.assessments["case_id"])
        .max()
    )
    status = rank.reindex(cases.index).fillna(0).astype(int).map(_STATUS_BY_RANK)
    inspectors: dict[str, list[str]] = {}
    for case_id, name in zip(
        data.assessments["case_id"], data.assessments["inspector"], strict=True
    ):
        inspectors.setdefault(case_id, []).append(name)
    referred = cases.index.isin(data.referrals["case_id"])
    out = cases[["case_id", "reference", "category", "unit", "assigned_to"]].copy()
    force = [_grade_id(data.method, g) for g in cases["force_grade"]]
    out["force_grade"] = pd.Series(force, index=cases.index, dtype=object)
    out["status"] = status.to_numpy()
    out["inspectors"] = [inspectors.get(case_id, []) for case_id in cases.index]
    out["effective_grade"] = pd.Series(_nones(effective), index=cases.index, dtype=object)
    out["unresolved"] = ((kinds > 1) & ~moderated).to_numpy()
    out["referred"] = referred
    out["moderated"] = moderated.to_numpy()
    out["graded"] = ((n > 0) | moderated).to_numpy()
    out["_votes"] = n.to_numpy()
    out["_kinds"] = kinds.to_numpy()
    return out.reset_index(drop=True)


def _nones(values: pd.Series) -> list[Any]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def _grade_id(method: Methodology, value: object) -> str | None:
    """The force's own grade as a grade id (it may have been stored as a word)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value if value in method.grade_ids else method.parse_grade(value)


def case_frame(store: Store, inspection_id: str) -> pd.DataFrame:
    """One row per case (by reference): status, effective grade, unresolved, referred..."""
    frame = _per_case(_load(store, inspection_id))
    return frame[CASE_COLUMNS]


def _outcome(frame: pd.DataFrame) -> pd.Series:
    """What each graded case counts as: its effective grade or ``unresolved``."""
    outcome = frame["effective_grade"].where(~frame["unresolved"], UNRESOLVED)
    return outcome.where(frame["graded"])


def _tally(frame: pd.DataFrame, key: str, outcomes: list[str]) -> dict[str, dict[str, int]]:
    """Per value of ``key``: cases, graded and the count of each outcome."""
    result: dict[str, dict[str, int]] = {}
    frame = frame.assign(_outcome=_outcome(frame))
    for value, group in frame.groupby(key, sort=True):
        counts = group["_outcome"].value_counts()
        entry = {"cases": len(group), "graded": int(group["graded"].sum())}
        entry.update({name: int(counts.get(name, 0)) for name in outcomes})
        result[str(value)] = entry
    return result


def _overall(frame: pd.DataFrame, method: Methodology) -> dict[str, int]:
    grades = method.grade_ids
    counts = _outcome(frame).value_counts()
    overall = {name: int(counts.get(name, 0)) for name in [*grades, UNRESOLVED]}
    graded = int(frame["graded"].sum())
    bad = sum(overall[g.id] for g in method.below_best)
    overall[method.below_best_key] = bad
    overall[f"percent_{method.below_best_key}"] = _percent(bad, graded, 0)
    return overall


def _percent(part: int, whole: int, places: int) -> float | int | None:
    """Half-up rounding, as people round percentages (not Python's banker's rounding)."""
    if not whole:
        return None
    scale = 10**places
    value = math.floor(part * 100 * scale / whole + 0.5) / scale
    return int(value) if places == 0 else value


def _by_category(data: _Data, frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    grades = [*data.method.grade_ids, UNRESOLVED]
    tallies = _tally(frame, "category", grades)
    known = [c.id for c in data.method.categories]
    order = known + sorted(set(tallies) - set(known))
    result = {}
    for category_id in order:
        if category_id in tallies:
            result[category_id] = {"name": data.method.category_name(category_id)}
            result[category_id].update(tallies[category_id])
    return result


def _by_stage(data: _Data, frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Each graded case once per stage that applies to its category."""
    method = data.method
    applies = pd.DataFrame(
        [(c.id, s.id) for c in method.categories for s in method.stages_for(c.id)],
        columns=["category", "stage_id"],
    )
    graded = frame.loc[frame["graded"], ["case_id", "category"]]
    rows = graded.merge(applies, on="category")
    votes = data.stages.dropna(subset=["grade"]).groupby(["case_id", "stage_id"])["grade"]
    agreed = votes.agg(kinds="nunique", grade="first").reset_index()
    rows = rows.merge(agreed, on=["case_id", "stage_id"], how="left")
    kinds = rows["kinds"].fillna(0)
    outcome = rows["grade"].where(kinds == 1, UNRESOLVED).where(kinds > 0, NOT_RECORDED)
    if data.stage_moderations is not None and len(data.stage_moderations):
        # The lead's moderated stage grade settles the stage, whatever the inspectors gave.
        keys = data.stage_moderations.set_index(["case_id", "stage_id"])["grade"]
        moderated = pd.Series(
            keys.reindex(pd.MultiIndex.from_frame(rows[["case_id", "stage_id"]])).to_numpy(),
            index=rows.index,
        )
        outcome = moderated.where(moderated.notna(), outcome)
    counts = outcome.groupby(rows["stage_id"]).value_counts()
    keys = [*method.grade_ids, method.not_assessed.id, UNRESOLVED, NOT_RECORDED]
    result = {}
    for stage in method.stages:
        entry: dict[str, Any] = {"name": stage.name}
        entry.update({key: int(counts.get((stage.id, key), 0)) for key in keys})
        result[stage.id] = entry
    return result


def _referrals(data: _Data) -> dict[str, Any]:
    frame = data.referrals
    counts = frame["urgency"].value_counts()
    urgencies = [u.id for u in data.method.urgencies]
    urgencies += sorted(set(counts.index) - set(urgencies))
    return {
        "total": len(frame),
        "open": int((frame["status"] == "open").sum()),
        "closed": int((frame["status"] == "closed").sum()),
        "cases_referred": int(frame["case_id"].nunique()),
        "by_urgency": {u: int(counts.get(u, 0)) for u in urgencies},
    }


def _force_vs_inspector(data: _Data, frame: pd.DataFrame) -> tuple[dict, dict]:
    grades = list(data.method.grade_ids)
    both = frame[frame["force_grade"].isin(grades) & frame["effective_grade"].isin(grades)]
    table = {force: dict.fromkeys(grades, 0) for force in grades}
    for (force, ours), n in both.groupby(["force_grade", "effective_grade"]).size().items():
        table[force][ours] = int(n)
    rank = {g: i for i, g in enumerate(grades)}
    force_rank = both["force_grade"].map(rank)
    our_rank = both["effective_grade"].map(rank)
    agreement = {
        "compared": len(both),
        "same": int((force_rank == our_rank).sum()),
        "force_more_favourable": int((force_rank < our_rank).sum()),
        "inspector_more_favourable": int((force_rank > our_rank).sum()),
    }
    return table, agreement


def _moderation(data: _Data, frame: pd.DataFrame) -> dict[str, Any]:
    dual = frame[frame["_votes"] >= 2]
    agreed = int((dual["_kinds"] == 1).sum())
    figures = agreement(_pair_table(data))
    kappa = figures["weighted_kappa"]
    return {
        "dual_graded": len(dual),
        "agreed": agreed,
        "disagreed": len(dual) - agreed,
        "moderated": int(frame["moderated"].sum()),
        "percent_agreement": _percent(agreed, len(dual), 1),
        "weighted_kappa": kappa["value"] if isinstance(kappa, dict) else None,
        "agreement": figures,
    }


def _pair_table(data: _Data) -> np.ndarray:
    """The grades of the first two graded assessments of each case, as a square table."""
    grades = list(data.method.grade_ids)
    graded = _graded_assessments(data)
    graded = graded[graded["overall_grade"].isin(grades)]
    order = graded.groupby("case_id").cumcount()
    first = graded[order == 0].set_index("case_id")["overall_grade"]
    second = graded[order == 1].set_index("case_id")["overall_grade"]
    pairs = pd.concat([first, second], axis=1, join="inner", keys=["a", "b"])
    rank = {g: i for i, g in enumerate(grades)}
    table = np.zeros((len(grades), len(grades)), dtype=int)
    np.add.at(table, (pairs["a"].map(rank).to_numpy(), pairs["b"].map(rank).to_numpy()), 1)
    return table


def summarise(store: Store, inspection_id: str) -> dict[str, Any]:
    """The findings summary of an inspection as a JSON-serialisable dict."""
    data = _load(store, inspection_id)
    return _summary(data, _per_case(data))


def summary_and_case_frame(store: Store, inspection_id: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """``summarise`` and ``case_frame`` together, from one read of the store."""
    data = _load(store, inspection_id)
    frame = _per_case(data)
    return _summary(data, frame), frame[CASE_COLUMNS]


def _summary(data: _Data, frame: pd.DataFrame) -> dict[str, Any]:
    grades = list(data.method.grade_ids)
    graded = int(frame["graded"].sum())
    in_progress = int(((frame["status"] == IN_PROGRESS) & ~frame["graded"]).sum())
    crosstab, against = _force_vs_inspector(data, frame)
    frame = frame.assign(_outcome=_outcome(frame))
    moderated = dict(zip(data.moderations["case_id"], data.moderations["grade"], strict=True))
    answers = counted_answers(_graded_assessments(data), moderated)
    prompts, prompt_grades = by_prompt(data.method, frame, answers)
    unresolved = int(frame["unresolved"].sum())
    interim = graded < len(frame) or unresolved > 0
    return {
        "inspection": data.inspection,
        "cases": len(frame),
        "graded": graded,
        "in_progress": in_progress,
        "not_started": len(frame) - graded - in_progress,
        "overall": _overall(frame, data.method),
        "by_category": _by_category(data, frame),
        "by_stage": _by_stage(data, frame),
        "by_unit": _tally(frame, "unit", [*grades, UNRESOLVED]),
        "referrals": _referrals(data),
        "force_vs_inspector": crosstab,
        "force_vs_inspector_agreement": against,
        "force_self_assessment": self_assessment(data.method, frame),
        "moderation": _moderation(data, frame),
        "by_prompt": prompts,
        "by_prompt_grade": prompt_grades,
        "interim": interim,
        "interim_label": f"INTERIM: {graded} of {len(frame)} cases graded" if interim else "",
    }


def _cases(n: int) -> str:
    return "1 case" if n == 1 else f"{n} cases"


def headline(summary: dict[str, Any]) -> list[str]:
    """The sentences an inspectorate writes about its case audit, from a summary."""
    lines: list[str] = []
    if summary["inspection"]["fictional"]:
        lines.append("These findings are from fictional demonstration data.")
    cases, graded = summary["cases"], summary["graded"]
    if cases == 0:
        return [*lines, "No cases have been added to this inspection yet."]
    lines.append(_graded_sentence(summary))
    if 0 < graded < cases:
        rest = cases - graded
        verb = "is" if rest == 1 else "are"
        lines.append(f"{rest} of the {cases} cases {verb} still to be graded.")
    unresolved = summary["overall"]["unresolved"]
    if unresolved:
        verb = "awaits" if unresolved == 1 else "await"
        lines.append(
            f"{_cases(unresolved).capitalize()} graded differently by two inspectors {verb} "
            "moderation."
        )
    lines.append(_referral_sentence(summary["referrals"]))
    referred = summary.get("force_self_assessment", {}).get("referred", {})
    if referred.get("sentence"):
        lines.append(referred["sentence"])
    lines += _force_sentences(summary["force_vs_inspector_agreement"])
    return lines


def _graded_sentence(summary: dict[str, Any]) -> str:
    cases, graded = summary["cases"], summary["graded"]
    if graded == 0:
        return (
            "The only case has not been graded yet."
            if cases == 1
            else (f"None of the {cases} cases has been graded yet.")
        )
    inspection, overall = summary["inspection"], summary["overall"]
    method = load_methodology(
        inspection.get("methodology_id"), inspection.get("methodology_version")
    )
    bad = overall[method.below_best_key]
    percent = overall[f"percent_{method.below_best_key}"]
    words = method.below_best_words
    final = graded == cases and not summary.get("interim", False)
    of = f"the {graded} cases" if final else f"the {graded} cases graded so far"
    if graded == 1:
        of = "the 1 case" if final else "the 1 case graded so far"
    if bad == 0:
        return f"None of {of} was graded {words}."
    verb = "was" if bad == 1 else "were"
    share = f" ({percent} percent)" if graded >= MIN_FOR_PERCENT else ""
    return f"{bad} of {of}{share} {verb} graded {words}."


def _referral_sentence(referrals: dict[str, Any]) -> str:
    referred = referrals["cases_referred"]
    if referred == 0:
        return "No cases were referred back to the force."
    subject = "1 case was" if referred == 1 else f"{referred} cases were"
    pronoun = "it" if referred == 1 else "they"
    sentence = (
        f"{subject} referred back to the force because {pronoun} represented a continued "
        "risk to a child or children."
    )
    still_open, total = referrals["open"], referrals["total"]
    if still_open and total == 1:
        sentence += " The referral is still open."
    elif still_open:
        verb = "is" if still_open == 1 else "are"
        sentence += f" {still_open} of the {total} referrals {verb} still open."
    return sentence


def _force_sentences(agreement: dict[str, int]) -> list[str]:
    compared = agreement["compared"]
    if not compared:
        return []
    worse = agreement["force_more_favourable"]
    return [
        f"Of the {_cases(compared)} the force had graded itself and we have graded, we graded "
        f"{worse} less favourably than the force did."
    ]
