"""the action log: what each recorded action changed, so it can be undone; disputes' stages (issue 9)

``action`` is one action recorded on a contract (a party's, or a timer's firing);
``action_change`` holds each row an action changed as it was before (JSON), or NULL for a row
it created; ``event.action_id`` says which action an event belongs to. Actions recorded
before this revision have no log and cannot be undone. ``refund_request.stage_at`` and
``outcome``: since when a dispute is at its stage, and how it ended (P6).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.Integer(), sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.String(27), nullable=False),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("undone_at", sa.String(27), nullable=True),
    )
    op.create_index("ix_action_contract", "action", ["contract_id", "id"])
    op.create_table(
        "action_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("action.id"), nullable=False),
        sa.Column("tbl", sa.String(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.String(), nullable=True),
        sa.UniqueConstraint("action_id", "tbl", "row_id", name="one_image_per_row"),
    )
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_event_action", "action", ["action_id"], ["id"])
    op.create_index("ix_event_action", "event", ["action_id"])
    with op.batch_alter_table("refund_request") as batch:
        batch.add_column(sa.Column("stage_at", sa.String(27), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refund_request") as batch:
        batch.drop_column("outcome")
        batch.drop_column("stage_at")
    op.drop_index("ix_event_action", table_name="event")
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint("fk_event_action", type_="foreignkey")
        batch.drop_column("action_id")
    op.drop_table("action_change")
    op.drop_index("ix_action_contract", table_name="action")
    op.drop_table("action")
