"""What the post-inspection update report needs, gathered from the store once.

The baseline's figures come from ``reports.data.gather`` (and so from
``services.summary``), exactly as the findings report prints them; the follow-up comes from
``workbench.followup``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from db.engine import Store
from db.models import PlanReturn
from workbench.errors import WorkbenchError
from workbench.followup.plans import ActionView, list_actions, list_returns
from workbench.followup.quarters import AssessmentView, chosen_assessments
from workbench.followup.recommendations import (
    RecommendationView,
    list_in,
    published_on,
    reinspections_of,
)
from workbench.followup.reinspection import Comparison, compare
from workbench.followup.scale import Scale, load_scale
from workbench.followup.timeframes import Timeframe, check_quarter
from workbench.progress import Progress, no_progress
from workbench.reports.data import ReportData, gather
from workbench.services.inspections import get_inspection

PLANNED_QUARTERS = 4  # as the reference's Annex C: plan, two of progress, a re-inspection


@dataclass
class UpdateData:
    baseline: ReportData  # the inspection whose recommendations these are, and its figures
    quarter: int
    published: date | None
    recommendations: list[RecommendationView]
    actions: list[ActionView]
    returns: list[PlanReturn]
    assessments: dict[tuple[int, int], AssessmentView]  # (number, quarter), up to ``quarter``
    scale: Scale
    as_of: date  # overdue actions are those overdue on this day (the quarter's last day)
    reinspections: list[Comparison] = field(default_factory=list)  # naming this as baseline

    def assessment(self, number: int, quarter: int | None = None) -> AssessmentView | None:
        return self.assessments.get((number, quarter or self.quarter))

    @property
    def quarters(self) -> list[int]:
        return list(range(1, self.quarter + 1))

    @property
    def last_planned(self) -> int:
        return max(PLANNED_QUARTERS, self.quarter)


def gather_update(
    store: Store, inspection_id: str, quarter: int, progress: Progress = no_progress
) -> UpdateData:
    check_quarter(quarter)
    from workbench.followup.timeframes import quarter_period

    with store.sessions() as session:
        inspection = get_inspection(session, inspection_id)
        ident, title = inspection.id, inspection.title
        recommendations = list_in(session, ident)
        published = published_on(session, ident)
        later = reinspections_of(session, ident)
    if not recommendations:
        raise WorkbenchError(
            f"{title} has no recommendations yet; import them with 'workbench recommendations "
            "import' before writing an update report."
        )
    baseline = gather(store, ident, progress)
    chosen = chosen_assessments(store, ident, baseline.author)
    period = quarter_period(published, quarter)
    returns = list_returns(store, ident)
    return UpdateData(
        baseline=baseline,
        quarter=quarter,
        published=published,
        recommendations=recommendations,
        actions=list_actions(store, ident),
        returns=returns,
        assessments={k: v for k, v in chosen.items() if k[1] <= quarter},
        scale=load_scale(),
        as_of=period[1] if period else baseline.produced.date(),
        reinspections=[compare(store, other) for other in later],
    )


def groups(data: UpdateData) -> list[tuple[Timeframe, list[RecommendationView]]]:
    """The recommendations grouped by timeframe: immediately, within N months, by a date."""
    found: dict[Timeframe, list[RecommendationView]] = {}
    for rec in data.recommendations:
        found.setdefault(rec.timeframe, []).append(rec)
    return sorted(found.items(), key=lambda item: item[0].order)
