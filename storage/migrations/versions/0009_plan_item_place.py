"""a plan batch holds only the milestones it changes

Each item gets a place on the scale of the milestones' positions; a milestone the batch does not
name stays where it is. Moving one milestone in a plan of 1,000 wrote 1,000 items (and 1,000 rows
of the undo log) and took them back on the move that undid it (issue 12). Items stored before
have no place and keep their meaning: they name every future milestone, in order; Cairn gives
them places the next time their draft changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_item") as batch:
        batch.add_column(sa.Column("place", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_item") as batch:
        batch.drop_column("place")
