"""remember which plan item the user moved

A swap of two neighbours reads both ways (M4 moved up, or M3 moved down); the board's moved
marker and "Show changes" must name the one the user moved.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_item") as batch:
        batch.add_column(sa.Column("moved", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("plan_item") as batch:
        batch.drop_column("moved")
