"""The follow-up view's tables: recommendations, the force's actions, a quarter's judgements.
Thin read-only adapters over the rows ``workbench.followup`` returns."""

from __future__ import annotations

from datetime import date

from ui.dialogs import shown_date
from ui.table_model import ReadOnlyTableModel
from workbench.followup.plans import ActionView
from workbench.followup.quarters import AssessmentView
from workbench.followup.recommendations import RecommendationView
from workbench.followup.scale import Scale


class RecommendationsModel(ReadOnlyTableModel):
    headers = ("No.", "Timeframe", "Due", "Recommendation", "Discharged")

    def text(self, row: int, column: int) -> str:
        rec: RecommendationView = self.rows[row]
        if column == 0:
            return str(rec.number)
        if column == 1:
            return rec.timeframe.words
        if column == 2:
            return shown_date(rec.due) if rec.due else "from publication"
        if column == 3:
            return rec.title
        return f"quarter {rec.discharged_quarter}" if rec.discharged_quarter else ""


class ActionsModel(ReadOnlyTableModel):
    headers = ("Plan", "No.", "Due", "Status", "Owner", "Action")

    def __init__(self, parent=None) -> None:
        super().__init__(parent=parent)
        self.today: date | None = None

    def text(self, row: int, column: int) -> str:
        action: ActionView = self.rows[row]
        values = (action.plan, str(action.recommendation), shown_date(action.due_on),
                  action.status_words(self.today), action.owner, action.action)  # fmt: skip
        return values[column]


class QuarterModel(ReadOnlyTableModel):
    """One row per recommendation: its judgement and finding in the chosen quarter."""

    headers = ("No.", "Recommendation", "Judgement", "Evidence", "Finding")

    def __init__(self, scale: Scale, parent=None) -> None:
        super().__init__(parent=parent)
        self.scale = scale

    def text(self, row: int, column: int) -> str:
        rec: RecommendationView
        view: AssessmentView | None
        rec, view = self.rows[row]
        if column == 0:
            return str(rec.number)
        if column == 1:
            return rec.title
        if column == 2:
            return self.scale.name_of(view.judgement if view else None)
        if column == 3:
            return str(len(view.evidence)) if view else "0"
        return (view.finding if view else "").replace("\n", " ")
