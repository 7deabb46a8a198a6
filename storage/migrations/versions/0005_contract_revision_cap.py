"""an optional cap on revision rounds per contract

How many times the client may ask for changes to one milestone's submitted work (M10); empty
means no cap. A request past it is recorded (it happened on the platform) with a warning.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("revision_cap", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.drop_column("revision_cap")
