"""follow-up: recommendations, action plans and their returns, quarterly assessments

Adds the tables of the follow-up after an inspection's report is published: the inspection's
publication date and baseline (``inspection_followup``), its numbered recommendations, the
force's action plans and their actions, every spreadsheet the force returned (kept as
evidence), and the quarterly assessments of progress with the evidence they rest on.

Revision ID: 0008_followup
Revises: 0004_compact_findings
Create Date: 2026-12-01 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_followup"
down_revision: str | None = "0004_compact_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.String(36), primary_key=True)


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.String(32), nullable=False)


def upgrade() -> None:
    op.create_table(
        "inspection_followup",
        sa.Column(
            "inspection_id",
            sa.String(36),
            sa.ForeignKey("inspection.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("published_on", sa.Date()),
        sa.Column(
            "baseline_id", sa.String(36), sa.ForeignKey("inspection.id", ondelete="SET NULL")
        ),
        _stamp("updated_at"),
    )
    op.create_index("ix_inspection_followup_baseline_id", "inspection_followup", ["baseline_id"])
    op.create_table(
        "recommendation",
        _id(),
        sa.Column(
            "inspection_id",
            sa.String(36),
            sa.ForeignKey("inspection.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("timeframe", sa.String(20), nullable=False),
        sa.Column("months", sa.Integer()),
        sa.Column("by_date", sa.Date()),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("discharged_quarter", sa.Integer()),
        sa.Column("discharged_reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("inspection_id", "number"),
    )
    op.create_table(
        "action_plan",
        _id(),
        sa.Column(
            "inspection_id",
            sa.String(36),
            sa.ForeignKey("inspection.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(300), nullable=False),
        _stamp("created_at"),
        sa.UniqueConstraint("inspection_id", "title"),
    )
    op.create_table(
        "plan_action",
        _id(),
        sa.Column(
            "plan_id", sa.String(36), sa.ForeignKey("action_plan.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "recommendation_id", sa.String(36),
            sa.ForeignKey("recommendation.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(300), nullable=False),
        sa.Column("due_on", sa.Date()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _stamp("updated_at"),
    )  # fmt: skip
    op.create_index("ix_plan_action_recommendation_id", "plan_action", ["recommendation_id"])
    op.create_table(
        "plan_return",
        _id(),
        sa.Column(
            "inspection_id",
            sa.String(36),
            sa.ForeignKey("inspection.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _stamp("received_at"),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_plan_return_inspection_id", "plan_return", ["inspection_id"])
    op.create_table(
        "quarter_assessment",
        _id(),
        sa.Column(
            "recommendation_id",
            sa.String(36),
            sa.ForeignKey("recommendation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("judgement", sa.String(40)),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("concerns", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("recommendation_id", "quarter", "author"),
    )
    op.create_table(
        "quarter_evidence",
        _id(),
        sa.Column(
            "assessment_id",
            sa.String(36),
            sa.ForeignKey("quarter_assessment.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("on_date", sa.Date()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_quarter_evidence_assessment_id", "quarter_evidence", ["assessment_id"])


def downgrade() -> None:
    for table in (
        "quarter_evidence",
        "quarter_assessment",
        "plan_return",
        "plan_action",
        "action_plan",
        "recommendation",
        "inspection_followup",
    ):
        op.drop_table(table)
