"""every contract keeps its profile's numbers; fee rules; the built-in platform profiles

A contract copies its profile's numbers (review, hold, refund answer, minimum, feedback, bonus
windows and the fee rule) so that editing a profile never shifts an existing contract's
deadlines or fees (P9). Profiles gain a fee rule and "review window chosen per contract".

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NUMBERS = ("review_days", "hold_days", "refund_answer_days", "minimum_minor", "feedback_days", "bonus_days",
           "fee_rule")

# (name, review, hold, refund answer, feedback, minimum, fee rule, review chosen per contract)
BUILTIN = [
    ("Gig marketplace (Fiverr-like)", 3, 14, 2, 10, 500, "20%", False),
    ("Bid marketplace (Freelancer.com-like)", None, 0, 7, 14, 100, "10%", False),
    ("Escrow service", 3, 0, 7, 14, 100, "none", True),
]


def upgrade() -> None:
    with op.batch_alter_table("profile") as batch:
        batch.add_column(sa.Column("review_per_contract", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("fee_rule", sa.String(), nullable=False, server_default="none"))
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("review_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hold_days", sa.Integer(), nullable=False, server_default="5"))
        batch.add_column(sa.Column("refund_answer_days", sa.Integer(), nullable=False, server_default="7"))
        batch.add_column(sa.Column("minimum_minor", sa.Integer(), nullable=False, server_default="500"))
        batch.add_column(sa.Column("feedback_days", sa.Integer(), nullable=False, server_default="14"))
        batch.add_column(sa.Column("bonus_days", sa.Integer(), nullable=False, server_default="365"))
        batch.add_column(sa.Column("fee_rule", sa.String(), nullable=False, server_default="none"))
    # The marketplace of the reference pages takes 10% of every payment.
    op.execute("update profile set fee_rule = '10%' where name = 'Marketplace' and builtin")
    # Existing contracts keep the numbers their profile has now.
    cols = ", ".join(NUMBERS)
    op.execute(f"update contract set ({cols}) = (select {cols} from profile p where p.id = contract.profile_id)")
    for name, review, hold, answer, feedback, minimum, fee, per_contract in BUILTIN:
        op.execute(sa.text(
            "insert into profile (name, review_days, hold_days, refund_answer_days, feedback_days, bonus_days, "
            "minimum_minor, fee_rule, review_per_contract, builtin) "
            "select :name, :review, :hold, :answer, :feedback, 365, :minimum, :fee, :per, 1 "
            "where not exists (select 1 from profile where name = :name)").bindparams(
            name=name, review=review, hold=hold, answer=answer, feedback=feedback, minimum=minimum, fee=fee,
            per=per_contract))


def downgrade() -> None:
    names = [b[0] for b in BUILTIN]
    op.execute(sa.text("delete from profile where builtin and name in ("
                       + ", ".join(f":n{i}" for i in range(len(names))) + ") "
                       "and id not in (select profile_id from contract)").bindparams(
        **{f"n{i}": n for i, n in enumerate(names)}))
    with op.batch_alter_table("contract") as batch:
        for col in reversed(NUMBERS):
            batch.drop_column(col)
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("fee_rule")
        batch.drop_column("review_per_contract")
