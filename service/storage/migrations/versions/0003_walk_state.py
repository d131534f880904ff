"""The walk's signed state token, so a reopened case continues where its walk stopped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("walk_state", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("walk_state")
