"""Cases and their feedback.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kb_version", sa.String(64), nullable=False),
        sa.Column("input_text", sa.Text(), nullable=False),
        sa.Column("input_bytes", sa.Integer(), nullable=False),
        sa.Column("redactions", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("top_cause", sa.String(64)),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("leaf_cause", sa.String(64)),
        sa.Column("fixes", sa.Text(), nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("cause_id", sa.String(64)),
        sa.Column("fix_id", sa.String(128)),
        sa.Column("comment", sa.Text()),
    )
    op.create_index("ix_feedback_case_id", "feedback", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_case_id", table_name="feedback")
    op.drop_table("feedback")
    op.drop_table("cases")
