"""profile feedback and bonus windows; milestone state check

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATES = "'future', 'active', 'submitted', 'released', 'refunded', 'voided', 'deleted'"


def upgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("feedback_days", sa.Integer(), nullable=False, server_default="14"))
        batch.add_column(sa.Column("bonus_days", sa.Integer(), nullable=False, server_default="365"))
    # Rebuilds the milestone table, which ledger, events and plan items point at:
    # storage.migrate runs this with foreign keys off so no child row is touched.
    with op.batch_alter_table("milestone", recreate="always") as batch:
        batch.create_check_constraint("milestone_state", f"state in ({STATES})")


def downgrade() -> None:
    with op.batch_alter_table("milestone", recreate="always") as batch:
        batch.drop_constraint("milestone_state", type_="check")
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("bonus_days")
        batch.drop_column("feedback_days")
