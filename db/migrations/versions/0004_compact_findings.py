"""compact findings: answers on the assessment, received audit trails as segments

Prompt answers move from one ``prompt_answer`` row each into ``assessment.answers`` (canonical
JSON); audit events received from other stores move from ``audit_event`` rows into
``audit_segment`` (one compressed block per origin, one canonical line per event, exactly
the text each event's hash covers). The redundant index on stage_judgement.assessment_id
and the one on assessment.case_id go (the unique (assessment_id, stage_id) and
(case_id, inspector) indexes serve the same lookups).

Revision ID: 0004_compact_findings
Revises: 0003_keys
Create Date: 2026-11-29 11:20:00.000000
"""

import json
import uuid
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004_compact_findings"
down_revision: str | None = "0003_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HASHED = "id, origin, origin_seq, at, actor, action, entity, entity_id, field, old_value, "
HASHED += "new_value, prev_hash"


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _line(row: Sequence) -> str:
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answers", sa.Text(), nullable=False, server_default="{}"))
    answers: dict[str, dict] = {}
    for owner, prompt_id, answer in conn.execute(
        sa.text("SELECT assessment_id, prompt_id, answer FROM prompt_answer")
    ):
        answers.setdefault(owner, {})[prompt_id] = answer
    if answers:
        conn.execute(
            sa.text("UPDATE assessment SET answers = :answers WHERE id = :id"),
            [{"id": k, "answers": _canonical(v)} for k, v in answers.items()],
        )
    with op.batch_alter_table("prompt_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_prompt_answer_assessment_id")
    op.drop_table("prompt_answer")
    # Each served as well by a unique index that begins with the same column.
    op.drop_index("ix_stage_judgement_assessment_id", table_name="stage_judgement")
    op.drop_index("ix_assessment_case_id", table_name="assessment")

    op.create_table(
        "audit_segment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("lines", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("origin", "first_seq"),
    )
    _received_events_to_segments(conn)


def _received_events_to_segments(conn: sa.Connection) -> None:
    own = conn.execute(sa.text("SELECT id FROM store_identity")).scalar()
    origins = conn.execute(
        sa.text("SELECT DISTINCT origin FROM audit_event WHERE origin != :own"), {"own": own or ""}
    ).scalars()
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    for origin in list(origins):
        rows = conn.execute(
            sa.text(
                f"SELECT {HASHED}, hash FROM audit_event WHERE origin = :origin "  # noqa: S608
                "ORDER BY origin_seq"
            ),
            {"origin": origin},
        ).all()
        text = "\n".join(_line(row[:-1]) for row in rows)
        conn.execute(
            sa.text(
                "INSERT INTO audit_segment (id, origin, first_seq, last_seq, events, last_hash, "
                "lines, received_at) VALUES (:id, :origin, :first, :last, :events, :hash, "
                ":lines, :at)"
            ),
            {
                "id": str(uuid.uuid4()),
                "origin": origin,
                "first": rows[0][2],
                "last": rows[-1][2],
                "events": len(rows),
                "hash": rows[-1][-1],
                "lines": zlib.compress(text.encode("utf-8"), 6),
                "at": now,
            },
        )
        conn.execute(sa.text("DELETE FROM audit_event WHERE origin = :o"), {"o": origin})


def downgrade() -> None:
    raise NotImplementedError(
        "Stores are not downgraded: restore the backup taken before the upgrade instead."
    )
