"""pack digest: the content digest of each assessment as a pack's merge wrote it

``assessment.pack_digest`` holds the SHA-256 of the assessment's canonical JSON (with its stage
judgements and answers) as merged from a pack, so that a later pack carrying the same version
settles the tie by comparing digests rather than reading the stored assessment back. Rows not
written by a merge, and rows changed in this store since, hold NULL (they are read back, as
before).

``ix_assessment_listed`` (case, inspector, status, overall grade) lets the case list read every
case's status and grade from the index alone: the table's pages also hold the answers and the
rationale, several times the data.

Revision ID: 0014_pack_digest
Revises: 0011_trust
Create Date: 2026-12-01 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_pack_digest"
down_revision: str | None = "0013_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pack_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_assessment_listed", ["case_id", "inspector", "status", "overall_grade"]
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_listed")
        batch_op.drop_column("pack_digest")
