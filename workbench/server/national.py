"""The national summary: every inspection in the store, by force, year and category.

Each case counts once by its effective grade, as in an inspection's own summary
(``services.summary``): the moderated grade, else the grade its graded assessments agree
on; a case whose assessments disagree and is not moderated is unresolved (graded, but in
neither share). Figures: the share requiring improvement or inadequate; referrals with how
many days the force took to first respond and to close; agreement between the force's own
grades and ours; and the change from a baseline inspection to its re-inspection: the
baseline the follow-up records for a re-inspection (``inspection_followup.baseline_id``)
where one is recorded, otherwise, for a force with no recorded pair, its earliest inspection
as the baseline of its latest (each row's ``pairing`` says which, as ``baseline_pairing``
does for the result). Fictional (demonstration) inspections are left out, and counted as
left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Select, select

from db.engine import Store
from db.models import (
    Assessment,
    Case,
    Inspection,
    InspectionFollowup,
    Moderation,
    Referral,
    ReferralEvent,
)
from workbench.errors import WorkbenchError
from workbench.methodology import load_methodology
from workbench.services.status import GRADED

RECORDED, EARLIEST_LATEST = "recorded baseline", "earliest and latest"
PAIRING = (
    "the baseline recorded for a re-inspection (its follow-up) where there is one; otherwise "
    "each force's earliest and latest inspection"
)


@dataclass
class NationalSummary:
    since: int | None
    force: str | None
    inspections: int
    markings: list[str]  # the protective markings of the inspections counted
    fictional_left_out: int  # demonstration inspections, never counted
    by_force_year: pd.DataFrame
    by_category: pd.DataFrame
    baseline_changes: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {
            "since": self.since,
            "force": self.force,
            "inspections": self.inspections,
            "markings": self.markings,
            "fictional_inspections_left_out": self.fictional_left_out,
            "baseline_pairing": PAIRING,
            "by_force_year": rows(self.by_force_year),
            "by_category": rows(self.by_category),
            "baseline_changes": rows(self.baseline_changes),
        }


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _query(store: Store, query: Select[*tuple[Any, ...]]) -> pd.DataFrame:
    with store.engine.connect() as conn:
        result = conn.execute(query)
        columns = list(result.keys())
        rows = [tuple(row) for row in result.all()]  # plain tuples: pandas reads them fastest
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False).astype(object)


def _inspections(store: Store, since: int | None, force: str | None) -> pd.DataFrame:
    frame = _query(
        store,
        select(Inspection.id.label("inspection_id"), Inspection.force, Inspection.title,
               Inspection.start_date, Inspection.marking, Inspection.fictional),
    )  # fmt: skip
    if frame.empty:
        return frame.assign(year=pd.Series(dtype=int))
    frame["year"] = [int(str(d)[:4]) for d in frame["start_date"]]
    if since is not None:
        frame = frame[frame["year"] >= since]
    if force is not None:
        frame = frame[frame["force"].str.casefold() == force.casefold()]
    return frame.reset_index(drop=True)


def _effective(store: Store, wanted: set[str]) -> pd.DataFrame:
    """One row per case of the wanted inspections: its effective grade and force grade."""
    cases = _query(
        store,
        select(Case.id.label("case_id"), Case.inspection_id, Case.category, Case.force_grade),
    )
    cases = cases[cases["inspection_id"].isin(wanted)]
    graded = _query(
        store,
        select(Assessment.case_id, Assessment.overall_grade).where(Assessment.status == GRADED),
    )
    by_case = graded.groupby("case_id")["overall_grade"]
    agreed = by_case.first().where(by_case.nunique() == 1, "unresolved")
    moderated = _query(store, select(Moderation.case_id, Moderation.grade))
    moderated = moderated.set_index("case_id")["grade"]
    effective = pd.concat([agreed[~agreed.index.isin(moderated.index)], moderated])
    cases["grade"] = cases["case_id"].map(effective)
    return cases


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (
        pd.to_datetime(later, utc=True) - pd.to_datetime(earlier, utc=True)
    ).dt.total_seconds() / 86400


def _referrals(store: Store, cases: pd.DataFrame) -> pd.DataFrame:
    referrals = _query(
        store,
        select(Referral.id.label("referral_id"), Referral.case_id, Referral.status,
               Referral.referred_at, Referral.closed_at),
    )  # fmt: skip
    referrals = referrals.merge(cases[["case_id", "inspection_id"]], on="case_id")
    events = _query(store, select(ReferralEvent.referral_id, ReferralEvent.occurred_at))
    first = events.groupby("referral_id")["occurred_at"].min()
    referrals["first_response"] = referrals["referral_id"].map(first)
    referrals["days_to_first_response"] = _days(
        referrals["first_response"], referrals["referred_at"]
    )
    referrals["days_to_close"] = _days(referrals["closed_at"], referrals["referred_at"])
    return referrals


def national_summary(
    store: Store, *, since: int | None = None, force: str | None = None
) -> NationalSummary:
    """The figures across every inspection (from ``since``, of ``force``) in the store."""
    method = load_methodology()
    best, ranks = method.grade_ids[0], {g: n for n, g in enumerate(method.grade_ids)}
    inspections = _inspections(store, since, force)
    left_out = 0
    if not inspections.empty:
        fictional = inspections["fictional"].astype(bool)
        left_out = int(fictional.sum())
        if left_out:
            inspections = inspections[~fictional].reset_index(drop=True)
    if force is not None and inspections.empty:
        raise WorkbenchError(f"There is no inspection of '{force}' in this store.")
    cases = _effective(store, set(inspections["inspection_id"])).merge(
        inspections[["inspection_id", "force", "year"]], on="inspection_id"
    )
    cases["graded"] = cases["grade"].notna()
    cases["worse"] = cases["grade"].isin(set(method.grade_ids) - {best})
    ours, theirs = cases["grade"].map(ranks), cases["force_grade"].map(ranks)
    cases["compared"] = ours.notna() & theirs.notna()
    cases["agree"] = cases["compared"] & (ours == theirs)
    cases["we_less_favourable"] = cases["compared"] & (ours > theirs)
    cases["we_more_favourable"] = cases["compared"] & (ours < theirs)

    keys = ["force", "year"]
    by_year = _counts(cases, keys)
    by_year = by_year.merge(
        inspections.groupby(keys).size().rename("inspections").reset_index(), on=keys
    )
    by_year = by_year.merge(_referral_figures(store, cases, keys), on=keys, how="left")
    by_category = _counts(cases, [*keys, "category"])[
        [*keys, "category", "cases", "graded", "requires_improvement_or_inadequate", "share"]
    ]
    markings = sorted(set(inspections["marking"])) if not inspections.empty else []
    return NationalSummary(
        since, force, len(inspections), markings, left_out, by_year, by_category,
        _baselines(inspections, cases, _recorded_baselines(store)),
    )  # fmt: skip


def write_national_xlsx(summary: NationalSummary, out: str | Path) -> Path:
    """The summary's three tables as sheets of one workbook, written atomically."""
    from workbench.reports.files import atomic_path, final_path

    sheets = {
        "By force and year": summary.by_force_year,
        "By category": summary.by_category,
        "Baseline to re-inspection": summary.baseline_changes,
    }
    with atomic_path(out) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            for row in writer.sheets[name].iter_rows(min_row=2):
                for cell in row:  # text such as "=cmd" stays text, never a formula
                    if cell.data_type == "f":
                        cell.data_type = "s"
        properties = writer.book.properties
        properties.title = "National summary of child protection inspections"
        properties.keywords = " / ".join(summary.markings)
        properties.description = f"Baseline pairing: {PAIRING}"
    return final_path(out)


def _counts(cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    grouped = cases.groupby(keys)
    frame = pd.DataFrame(
        {
            "cases": grouped.size(),
            "graded": grouped["graded"].sum(),
            "requires_improvement_or_inadequate": grouped["worse"].sum(),
            "force_graded_and_ours": grouped["compared"].sum(),
            "agree": grouped["agree"].sum(),
            "we_graded_less_favourably": grouped["we_less_favourable"].sum(),
            "we_graded_more_favourably": grouped["we_more_favourable"].sum(),
        }
    ).reset_index()
    frame["share"] = _share(frame["requires_improvement_or_inadequate"], frame["graded"])
    frame["agreement"] = _share(frame["agree"], frame["force_graded_and_ours"])
    return frame


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).round(3)


def _referral_figures(store: Store, cases: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    referrals = _referrals(store, cases).merge(
        cases[["case_id", *keys]].drop_duplicates(), on="case_id"
    )
    if referrals.empty:
        columns = ["referrals", "referrals_open", "median_days_to_first_response",
                   "median_days_to_close"]  # fmt: skip
        return pd.DataFrame(columns=[*keys, *columns])
    grouped = referrals.groupby(keys)
    return pd.DataFrame(
        {
            "referrals": grouped.size(),
            "referrals_open": grouped["status"].agg(lambda s: int((s != "closed").sum())),
            "median_days_to_first_response": grouped["days_to_first_response"].median().round(1),
            "median_days_to_close": grouped["days_to_close"].median().round(1),
        }
    ).reset_index()


def _recorded_baselines(store: Store) -> dict[str, str]:
    """Re-inspection id -> its baseline's id, as the follow-up records them."""
    frame = _query(
        store,
        select(InspectionFollowup.inspection_id, InspectionFollowup.baseline_id).where(
            InspectionFollowup.baseline_id.is_not(None)
        ),
    )
    return dict(zip(frame["inspection_id"], frame["baseline_id"], strict=True))


def _baselines(
    inspections: pd.DataFrame, cases: pd.DataFrame, recorded: dict[str, str]
) -> pd.DataFrame:
    """Each re-inspection beside its baseline: the share at each and the change in
    percentage points. A recorded baseline pairs them where both are counted; a force with
    no recorded pair and more than one inspection pairs its earliest with its latest."""
    per = _counts(cases, ["inspection_id"]).merge(inspections, on="inspection_id")
    by_id = {row["inspection_id"]: row for row in per.to_dict("records")}
    pairs = [
        (by_id[baseline], by_id[later], RECORDED)
        for later, baseline in recorded.items()
        if later in by_id and baseline in by_id
    ]
    paired_forces = {later["force"] for _, later, _ in pairs}
    for force, group in per.sort_values("start_date").groupby("force"):
        if len(group) >= 2 and force not in paired_forces:
            pairs.append((group.iloc[0].to_dict(), group.iloc[-1].to_dict(), EARLIEST_LATEST))
    rows = []
    for first, last, pairing in sorted(pairs, key=lambda p: (p[1]["force"], p[1]["start_date"])):
        change = None
        if pd.notna(first["share"]) and pd.notna(last["share"]):
            change = round(float(last["share"] - first["share"]) * 100, 1)
        rows.append({
            "force": last["force"],
            "baseline": first["title"], "baseline_year": int(first["year"]),
            "baseline_share": first["share"],
            "reinspection": last["title"], "reinspection_year": int(last["year"]),
            "reinspection_share": last["share"], "change_points": change,
            "pairing": pairing,
        })  # fmt: skip
    return pd.DataFrame(rows)
