"""The findings summary of an inspection, computed in plain Python from a few SQL queries.

Each case counts once, by its *effective grade*: the lead's moderated grade if there is one,
else the overall grade its graded assessments agree on. A case whose graded assessments
disagree and that has not been moderated counts under ``unresolved``. A case is *graded*
when it has at least one graded assessment (or a moderated grade), so the ``overall``
counts always add up to ``graded``. ``README.md`` documents every key of ``summarise``.

``workbench summary`` runs this in a fresh process, so it imports no pandas: the rows are read
by ``summary_data`` and counted with dicts; ``case_frame`` alone builds a DataFrame.
"""

from __future__ import annotations

import math
from collections import Counter
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from workbench.agreement import agreement
from workbench.methodology import Methodology, load_methodology
from workbench.services.prompt_counts import by_prompt, tallies
from workbench.services.self_assessment import self_assessment
from workbench.services.status import GRADED, IN_PROGRESS
from workbench.services.summary_data import (
    CASE_COLUMNS,
    CaseRecord,
    Fetch,
    SummaryData,
    load,
    per_case,
    read,
)

if TYPE_CHECKING:
    import pandas as pd

    from db.engine import Store

MIN_FOR_PERCENT = 10  # fewer cases than this: counts only, no percentage and no chart
UNRESOLVED = "unresolved"
NOT_RECORDED = "not_recorded"
__all__ = [
    "CASE_COLUMNS", "GRADED", "case_frame", "headline", "summarise", "summary_and_case_frame"
]  # fmt: skip


def _records_frame(records: list[CaseRecord]) -> pd.DataFrame:
    """The case frame: one row per case (by reference), the columns of ``CASE_COLUMNS``."""
    import pandas as pd

    rows = [r.row() for r in records]
    frame = pd.DataFrame(
        {name: pd.Series([row[i] for row in rows], dtype=object)
         for i, name in enumerate(CASE_COLUMNS)}
    )  # fmt: skip
    for column in ("unresolved", "referred", "moderated", "graded"):
        frame[column] = frame[column].astype(bool)
    return frame


def case_frame(store: Store, inspection_id: str) -> pd.DataFrame:
    """One row per case (by reference): status, effective grade, unresolved, referred..."""
    return _records_frame(per_case(load(store, inspection_id)))


def _tally(records: list[CaseRecord], key: str, outcomes: list[str]) -> dict[str, dict[str, int]]:
    """Per value of ``key`` (sorted): cases, graded and the count of each outcome."""
    counts = Counter(map(attrgetter(key, "outcome", "graded"), records))
    result: dict[str, dict[str, int]] = {}
    for value in sorted({value for value, _outcome, _graded in counts}):
        mine = {(o, g): n for (v, o, g), n in counts.items() if v == value}
        entry = {"cases": sum(mine.values()),
                 "graded": sum(n for (_o, g), n in mine.items() if g)}  # fmt: skip
        entry.update(
            {name: sum(n for (o, _g), n in mine.items() if o == name) for name in outcomes}
        )
        result[str(value)] = entry
    return result


def _overall(records: list[CaseRecord], method: Methodology) -> dict[str, int]:
    grades = method.grade_ids
    counts = Counter(map(attrgetter("outcome"), records))
    overall = {name: counts.get(name, 0) for name in [*grades, UNRESOLVED]}
    graded = sum(r.graded for r in records)
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


def _by_category(data: SummaryData, records: list[CaseRecord]) -> dict[str, dict[str, Any]]:
    grades = [*data.method.grade_ids, UNRESOLVED]
    tallies = _tally(records, "category", grades)
    known = [c.id for c in data.method.categories]
    order = known + sorted(set(tallies) - set(known))
    result = {}
    for category_id in order:
        if category_id in tallies:
            result[category_id] = {"name": data.method.category_name(category_id)}
            result[category_id].update(tallies[category_id])
    return result


def _by_stage(data: SummaryData, records: list[CaseRecord]) -> dict[str, dict[str, Any]]:
    """Each graded case once per stage that applies to its category."""
    method = data.method
    applies = {c.id: [s.id for s in method.stages_for(c.id)] for c in method.categories}
    graded = {r.case_id: r.category for r in records if r.graded}
    applying = {(c, s) for c, stages in applies.items() for s in stages}
    counts: Counter[tuple[str, str]] = Counter()
    graded_ids = [a[0] for a in data.assessments if a[2] == GRADED]
    if not data.stage_moderations and len(set(graded_ids)) == len(graded_ids):
        # Each case's stages graded once at most: counted as they come, in C, by the
        # category of the graded case of their assessment.
        category = {a: graded.get(c) for a, c in data.graded_case.items()}
        given = Counter(
            zip(map(category.get, map(itemgetter(0), data.stages)),
                map(itemgetter(1), data.stages), map(itemgetter(2), data.stages), strict=True)
        )  # fmt: skip
        for (category, stage_id, grade), n in given.items():
            if grade is not None and (category, stage_id) in applying:
                counts[stage_id, grade] += n
    else:
        agreed: dict[tuple[str, str], str] = {}  # the grade given, or UNRESOLVED where two differ
        for case_id, stage_id, grade in data.case_stages():
            if case_id is not None and grade is not None:
                key = (case_id, stage_id)
                if agreed.setdefault(key, grade) != grade:
                    agreed[key] = UNRESOLVED
        agreed.update({(c, s): g for c, s, g in data.stage_moderations if g is not None})
        counts.update(
            (stage_id, grade)
            for (case_id, stage_id), grade in agreed.items()
            if (graded.get(case_id), stage_id) in applying
        )
    recorded = Counter[str]()
    for (stage_id, _grade), n in counts.items():
        recorded[stage_id] += n
    for category, n in Counter(graded.values()).items():
        for stage_id in applies.get(category, ()):
            counts[stage_id, NOT_RECORDED] += n
    for stage_id, n in recorded.items():
        counts[stage_id, NOT_RECORDED] -= n
    keys = [*method.grade_ids, method.not_assessed.id, UNRESOLVED, NOT_RECORDED]
    result = {}
    for stage in method.stages:
        entry: dict[str, Any] = {"name": stage.name}
        entry.update({key: counts.get((stage.id, key), 0) for key in keys})
        result[stage.id] = entry
    return result


def _referrals(data: SummaryData) -> dict[str, Any]:
    found = data.referrals
    counts = Counter(urgency for _case, _status, urgency in found if urgency is not None)
    urgencies = [u.id for u in data.method.urgencies]
    urgencies += sorted(set(counts) - set(urgencies))
    return {
        "total": len(found),
        "open": sum(status == "open" for _case, status, _urgency in found),
        "closed": sum(status == "closed" for _case, status, _urgency in found),
        "cases_referred": len({case_id for case_id, _status, _urgency in found}),
        "by_urgency": {u: counts.get(u, 0) for u in urgencies},
    }


def _force_vs_inspector(data: SummaryData, records: list[CaseRecord]) -> tuple[dict, dict]:
    grades = list(data.method.grade_ids)
    rank = {g: i for i, g in enumerate(grades)}
    table = {force: dict.fromkeys(grades, 0) for force in grades}
    agreement = {"compared": 0, "same": 0, "force_more_favourable": 0,
                 "inspector_more_favourable": 0}  # fmt: skip
    for record in records:
        force, ours = record.force_grade, record.effective_grade
        if force not in rank or ours not in rank:
            continue
        table[force][ours] += 1
        agreement["compared"] += 1
        if rank[force] == rank[ours]:
            agreement["same"] += 1
        elif rank[force] < rank[ours]:
            agreement["force_more_favourable"] += 1
        else:
            agreement["inspector_more_favourable"] += 1
    return table, agreement


def _moderation(data: SummaryData, records: list[CaseRecord]) -> dict[str, Any]:
    dual = [r for r in records if r.votes >= 2]
    agreed = sum(r.kinds == 1 for r in dual)
    figures = agreement(_pair_table(data))
    kappa = figures["weighted_kappa"]
    return {
        "dual_graded": len(dual),
        "agreed": agreed,
        "disagreed": len(dual) - agreed,
        "moderated": sum(r.moderated for r in records),
        "percent_agreement": _percent(agreed, len(dual), 1),
        "weighted_kappa": kappa["value"] if isinstance(kappa, dict) else None,
        "agreement": figures,
    }


def _pair_table(data: SummaryData) -> list[list[int]]:
    """The grades of the first two graded assessments of each case, as a square table."""
    grades = list(data.method.grade_ids)
    rank = {g: i for i, g in enumerate(grades)}
    by_case: dict[str, list[int]] = {}
    graded = data.graded_assessments()
    times = Counter(map(itemgetter(0), graded))
    for case_id, overall in map(itemgetter(0, 3), graded):
        if overall in rank and times[case_id] > 1:  # only the cases graded twice or more
            by_case.setdefault(case_id, []).append(rank[overall])
    table = [[0] * len(grades) for _ in grades]
    for ranks in by_case.values():
        if len(ranks) >= 2:
            table[ranks[0]][ranks[1]] += 1
    return table


def summarise(store: Store, inspection_id: str) -> dict[str, Any]:
    """The findings summary of an inspection as a JSON-serialisable dict."""
    data = load(store, inspection_id)
    return _summary(data, per_case(data))


def summarise_rows(fetch: Fetch, inspection_key: str) -> dict[str, Any]:
    """``summarise`` through ``fetch(sql, params)`` (``summary_data.read``): the quick reader
    of a store file that ``workbench summary`` uses."""
    data = read(fetch, inspection_key)
    return _summary(data, per_case(data))


def summary_and_case_frame(store: Store, inspection_id: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """``summarise`` and ``case_frame`` together, from one read of the store."""
    data = load(store, inspection_id)
    records = per_case(data)
    return _summary(data, records), _records_frame(records)


def _summary(data: SummaryData, records: list[CaseRecord]) -> dict[str, Any]:
    grades = list(data.method.grade_ids)
    graded = sum(r.graded for r in records)
    in_progress = sum(r.status == IN_PROGRESS and not r.graded for r in records)
    crosstab, against = _force_vs_inspector(data, records)
    graded_rows = data.graded_assessments()
    columns = {
        "case_id": [a[0] for a in graded_rows],
        "overall_grade": [a[3] for a in graded_rows],
        "answers": [a[4] for a in graded_rows],
    }
    graded_cases = [(r.case_id, r.category, r.outcome) for r in records if r.graded]
    prompts, prompt_grades = by_prompt(
        data.method, tallies(graded_cases, columns, data.moderations)
    )
    unresolved = sum(r.unresolved for r in records)
    interim = graded < len(records) or unresolved > 0
    return {
        "inspection": data.inspection,
        "cases": len(records),
        "graded": graded,
        "in_progress": in_progress,
        "not_started": len(records) - graded - in_progress,
        "overall": _overall(records, data.method),
        "by_category": _by_category(data, records),
        "by_stage": _by_stage(data, records),
        "by_unit": _tally(records, "unit", [*grades, UNRESOLVED]),
        "referrals": _referrals(data),
        "force_vs_inspector": crosstab,
        "force_vs_inspector_agreement": against,
        "force_self_assessment": self_assessment(data.method, records),
        "moderation": _moderation(data, records),
        "by_prompt": prompts,
        "by_prompt_grade": prompt_grades,
        "interim": interim,
        "interim_label": f"INTERIM: {graded} of {len(records)} cases graded" if interim else "",
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
