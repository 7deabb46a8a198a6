"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('review_days', sa.Integer(), nullable=True),
    sa.Column('hold_days', sa.Integer(), nullable=False),
    sa.Column('refund_answer_days', sa.Integer(), nullable=False),
    sa.Column('minimum_minor', sa.Integer(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('client_name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('currency', sa.String(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('my_side', sa.String(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('ended_at', sa.String(length=27), nullable=True),
    sa.Column('ended_by', sa.String(), nullable=True),
    sa.Column('end_reason', sa.String(), nullable=True),
    sa.Column('feedback_rating', sa.Integer(), nullable=True),
    sa.Column('feedback_text', sa.String(), nullable=True),
    sa.Column('feedback_at', sa.String(length=27), nullable=True),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("my_side in ('client', 'freelancer')", name='contract_side'),
    sa.CheckConstraint("status in ('open', 'ended')", name='contract_status'),
    sa.ForeignKeyConstraint(['profile_id'], ['profile.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_status'), ['status'], unique=False)

    op.create_table('change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('proposed_by', sa.String(), nullable=False),
    sa.Column('message', sa.String(), nullable=False),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('decided_at', sa.String(length=27), nullable=True),
    sa.Column('decided_by', sa.String(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('diff_json', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index('ix_request_contract_status', ['contract_id', 'status'], unique=False)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('activated_at', sa.String(length=27), nullable=True),
    sa.Column('submitted_at', sa.String(length=27), nullable=True),
    sa.Column('submission_message', sa.String(), nullable=True),
    sa.Column('review_due_at', sa.String(length=27), nullable=True),
    sa.Column('closed_at', sa.String(length=27), nullable=True),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name='milestone_amount_positive'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_contract_position', ['contract_id', 'position'], unique=False)

    op.create_table('plan_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(), nullable=False),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'side', name='one_draft_per_side')
    )
    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=27), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('available_at', sa.String(length=27), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name='ledger_amount_positive'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_available', ['kind', 'available_at'], unique=False)
        batch_op.create_index('ix_ledger_contract', ['contract_id'], unique=False)

    op.create_table('plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.CheckConstraint('(draft_id is null) <> (request_id is null)', name='item_owner'),
    sa.ForeignKeyConstraint(['draft_id'], ['plan_draft.id'], ),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['change_request.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.create_index('ix_item_draft', ['draft_id'], unique=False)
        batch_op.create_index('ix_item_request', ['request_id'], unique=False)

    op.create_table('refund_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('requested_at', sa.String(length=27), nullable=False),
    sa.Column('answer_due_at', sa.String(length=27), nullable=False),
    sa.Column('answered_at', sa.String(length=27), nullable=True),
    sa.Column('answered_by', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('ledger_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.String(length=27), nullable=False),
    sa.Column('actor', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('summary', sa.String(), nullable=False),
    sa.Column('before_json', sa.String(), nullable=True),
    sa.Column('after_json', sa.String(), nullable=True),
    sa.Column('read', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], ),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestone.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_contract', ['contract_id', 'id'], unique=False)
        batch_op.create_index('ix_event_ledger', ['ledger_id'], unique=False)
        batch_op.create_index('ix_event_unread', ['contract_id', 'read'], unique=False)




    profiles = sa.table(
        "profile",
        sa.column("name", sa.String), sa.column("review_days", sa.Integer),
        sa.column("hold_days", sa.Integer), sa.column("refund_answer_days", sa.Integer),
        sa.column("minimum_minor", sa.Integer), sa.column("builtin", sa.Boolean),
    )
    # P9: the marketplace's numbers, and a direct client with no auto-release and no hold.
    op.bulk_insert(profiles, [
        {"name": "Marketplace", "review_days": 14, "hold_days": 5, "refund_answer_days": 7,
         "minimum_minor": 500, "builtin": True},
        {"name": "Direct client", "review_days": None, "hold_days": 0, "refund_answer_days": 7,
         "minimum_minor": 1, "builtin": True},
    ])


def downgrade() -> None:

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_unread')
        batch_op.drop_index('ix_event_ledger')
        batch_op.drop_index('ix_event_contract')

    op.drop_table('event')
    op.drop_table('refund_request')
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_request')
        batch_op.drop_index('ix_item_draft')

    op.drop_table('plan_item')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_contract')
        batch_op.drop_index('ix_ledger_available')

    op.drop_table('ledger_entry')
    op.drop_table('plan_draft')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_contract_position')

    op.drop_table('milestone')
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_contract_status')

    op.drop_table('change_request')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_status'))

    op.drop_table('contract')
    op.drop_table('profile')

