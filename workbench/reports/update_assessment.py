"""The quarter's assessment in the update report: the force's action plans, the findings
in figures, and for each recommendation its judgement, finding, evidence, actions and the
concerns carried forward."""

from __future__ import annotations

from workbench.dates import long_date, short_date
from workbench.followup.plans import COMPLETED, IN_PROGRESS, PLANNED
from workbench.followup.quarters import KINDS, EvidenceView
from workbench.followup.recommendations import RecommendationView
from workbench.reports.content import (
    Block,
    BulletsBlock,
    Col,
    FactsBlock,
    HeadingBlock,
    TableBlock,
    TextBlock,
    Value,
)
from workbench.reports.update_data import UpdateData
from workbench.reports.words import plural


def action_plans_blocks(data: UpdateData) -> list[Block]:
    plans = sorted({a.plan for a in data.actions})
    blocks: list[Block] = [HeadingBlock("The force's action plans")]
    if not plans:
        return [*blocks, TextBlock("The force has not yet returned an action plan.")]
    blocks.append(
        TextBlock(
            f"Following the recommendations, the force provided {plural(len(plans), 'action plan')}"
            f" ({', '.join(plans)}). For each recommendation, the plans set out the objective to "
            "be achieved, the actions required to meet it with their timeframe and the members "
            "of the force responsible, and the current position."
        )
    )
    rows: list[list[Value]] = []
    for plan in plans:
        actions = [a for a in data.actions if a.plan == plan]
        rows.append([
            plan, len(actions), *[sum(1 for a in actions if a.status == s)
                                  for s in (PLANNED, IN_PROGRESS, COMPLETED)],
            sum(1 for a in actions if a.overdue(data.as_of)),
        ])  # fmt: skip
    columns = [
        Col("Plan", 3),
        Col("Actions", 1, True),
        Col("Planned", 1, True),
        Col("In progress", 1, True),
        Col("Completed", 1, True),
        Col("Overdue", 1, True),
    ]
    blocks.append(TableBlock(f"Table: The actions of each plan on {long_date(data.as_of)}",
                             columns, rows))  # fmt: skip
    if data.returns:
        last = data.returns[-1]
        times = "once" if len(data.returns) == 1 else f"{len(data.returns)} times"
        blocks.append(
            TextBlock(
                f"The force has returned its plans {times}; the "
                f"latest return ({last.file_name}, received {long_date(last.received_at)}) added "
                f"{last.added}, changed {last.changed} and removed {last.removed} actions. Every "
                "return is kept as evidence."
            )
        )
    return blocks


def findings_blocks(data: UpdateData) -> list[Block]:
    judged = [data.assessment(r.number) for r in data.recommendations]
    assessed = [v for v in judged if v is not None and v.judgement]
    blocks: list[Block] = [HeadingBlock("Findings")]
    if not assessed:
        return [*blocks, TextBlock(f"No recommendation has been assessed in quarter "
                                   f"{data.quarter} yet.")]  # fmt: skip
    counts = [(j.name, sum(1 for v in assessed if v.judgement == j.id))
              for j in data.scale.judgements]  # fmt: skip
    listed = "; ".join(f"{name.lower()}: {n}" for name, n in counts if n)
    blocks.append(
        TextBlock(
            f"Inspectors assessed the force's progress on {len(assessed)} of the "
            f"{plural(len(data.recommendations), 'recommendation')} this quarter ({listed}). "
            "The findings for each recommendation follow, grouped by the timeframe the "
            "inspection set."
        )
    )
    return blocks


def _evidence_detail(item: EvidenceView) -> str:
    if item.figures:
        return "; ".join(f"{name}: {value:,}" for name, value in item.figures.items())
    if item.sha256:
        return f"SHA-256 {item.sha256[:16]}…"
    return item.note


def recommendation_blocks(data: UpdateData, rec: RecommendationView) -> list[Block]:
    view = data.assessment(rec.number)
    earlier = [data.assessment(rec.number, q) for q in data.quarters[:-1]]
    history = ", ".join(
        f"quarter {q}: {data.scale.name_of(v.judgement).lower()}"
        for q, v in zip(data.quarters[:-1], earlier, strict=True)
        if v is not None and v.judgement
    )
    pairs: list[tuple[str, Value]] = [
        (
            "Due",
            f"{rec.timeframe.words} ({short_date(rec.due)})" if rec.due else rec.timeframe.words,
        ),
        (f"Quarter {data.quarter}", data.scale.name_of(view.judgement if view else None)),
    ]
    if history:
        pairs.append(("Earlier quarters", history))
    if rec.discharged_quarter:
        pairs.append(
            ("Discharged", f"in quarter {rec.discharged_quarter}: {rec.discharged_reason}")
        )
    blocks: list[Block] = [
        HeadingBlock(f"Recommendation {rec.number}: {rec.title}"),
        FactsBlock(f"Recommendation {rec.number} in quarter {data.quarter}", pairs),
    ]
    if view and view.finding:
        blocks += [TextBlock(p) for p in view.finding.split("\n\n") if p.strip()]
    elif not view or not view.judgement:
        blocks.append(TextBlock(f"This recommendation was not assessed in quarter {data.quarter}."))
    if view and view.evidence:
        rows: list[list[Value]] = [
            [KINDS[e.kind], e.title, short_date(e.on_date), _evidence_detail(e)]
            for e in view.evidence
        ]
        blocks.append(TableBlock(
            f"Table: The evidence for recommendation {rec.number}",
            [Col("Kind", 1.3), Col("What", 3), Col("Date", 1), Col("Figures or digest", 2.6)],
            rows,
        ))  # fmt: skip
    actions = [a for a in data.actions if a.recommendation == rec.number]
    if actions:
        blocks.append(TableBlock(
            f"Table: The force's actions for recommendation {rec.number}",
            [Col("Action", 3.2), Col("Owner", 1.6), Col("Due", 1), Col("Status", 1.4),
             Col("Current position", 2.6)],
            [[a.action, a.owner, short_date(a.due_on), a.status_words(data.as_of), a.position]
             for a in actions],
        ))  # fmt: skip
    if view and view.concerns:
        blocks += [TextBlock("Concerns carried forward:", "lead"), BulletsBlock([view.concerns])]
    return blocks
