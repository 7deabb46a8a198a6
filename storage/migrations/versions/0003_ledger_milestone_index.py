"""index ledger entries by milestone, and by contract for the timers

The board reads each milestone's escrow from the ledger; without an index on milestone_id
that read scanned the whole ledger once per milestone (0.45 s on a 10,000-contract
database). Every operation looks for its contract's money that became available (P5);
without (contract_id, kind, available_at) SQLite chose the global (kind, available_at)
index and scanned every past release (60 ms).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_milestone", "ledger_entry", ["milestone_id"])
    op.create_index("ix_ledger_contract_available", "ledger_entry", ["contract_id", "kind", "available_at"])


def downgrade() -> None:
    op.drop_index("ix_ledger_contract_available", table_name="ledger_entry")
    op.drop_index("ix_ledger_milestone", table_name="ledger_entry")
