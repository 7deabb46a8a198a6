"""index contracts by client, as fees count "the same client"

A contract's fee tier depends on what the same client was billed before (P9): the same profile,
side, currency and client (the trimmed name, letter case aside; a contract with no client name
is a client of its own). Finding those contracts scanned every contract and worked out the
client of each: 5 ms on every board read and every plan move at 10,000 contracts, 0.15 ms with
this index. The expression is the one storage/queries/fees.py compares, word for word: SQLite
uses an index on an expression only for the same expression.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("create index ix_contract_client on contract (profile_id, my_side, currency, "
               "(case when trim(client_name) = '' then '#' || id else lower(trim(client_name)) end))")


def downgrade() -> None:
    op.drop_index("ix_contract_client", table_name="contract")
