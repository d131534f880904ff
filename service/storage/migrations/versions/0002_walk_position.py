"""Where a walk is: the tree it walks and the question it stopped at (NULL at a fix page).

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("walk_tree", sa.String(64)))
    op.add_column("cases", sa.Column("open_node", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("open_node")
        batch.drop_column("walk_tree")
