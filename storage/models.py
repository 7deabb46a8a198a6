"""The schema: one table per entity, SQLModel on SQLite.

Money is integer minor units (P4); instants are UTC ISO text (``UTCDateTime``); the
ledger and the events are append-only, and every balance is derived from the ledger.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from cairn.storage.types import UTCDateTime


class Side(StrEnum):
    CLIENT = "client"
    FREELANCER = "freelancer"

    @property
    def other(self) -> Side:
        return Side.FREELANCER if self is Side.CLIENT else Side.CLIENT


AUTOMATIC = "automatic"


class ContractKind(StrEnum):
    FIXED = "fixed"
    HOURLY = "hourly"


class ContractStatus(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class EndReason(StrEnum):
    COMPLETED = "completed successfully"
    CANCELLED = "cancelled"
    NOT_NEEDED = "no longer needed"
    OTHER = "other"


class MilestoneState(StrEnum):
    FUTURE = "future"
    ACTIVE = "active"
    SUBMITTED = "submitted"
    RELEASED = "released"
    REFUNDED = "refunded"
    VOIDED = "voided"
    DELETED = "deleted"


LOCKED_STATES = (MilestoneState.ACTIVE, MilestoneState.SUBMITTED)
HISTORY_STATES = (MilestoneState.RELEASED, MilestoneState.REFUNDED, MilestoneState.VOIDED)


class LedgerKind(StrEnum):
    DEPOSIT = "deposit"  # client -> escrow of a milestone
    RELEASE = "release"  # escrow -> freelancer
    REFUND = "refund"  # escrow (or carried credit) -> client
    CREDIT = "credit"  # escrow -> the contract's carried credit (P3)
    CREDIT_APPLIED = "credit_applied"  # carried credit -> escrow of the next milestone (M5)
    BONUS = "bonus"  # client -> freelancer, outside escrow (P7)


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class RefundStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DISPUTED = "disputed"
    MEDIATION = "mediation"
    ARBITRATION = "arbitration"
    CLOSED = "closed"


class Profile(SQLModel, table=True):
    """P9: the numbers of one platform (review window, hold, refund answer, minimum, fee rule).

    A contract copies them when it is created (``Contract.review_days`` ...): editing a profile
    changes the contracts created after, never the history of those before."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    # None: no automatic release. (Not defaulted here: the ORM would put its default in place of a None.)
    review_days: int | None = None
    hold_days: int = 5
    refund_answer_days: int = 7
    minimum_minor: int = 500
    feedback_days: int = 14  # C4
    bonus_days: int = 365  # P7
    builtin: bool = False
    # The review window is chosen per contract (an escrow service's inspection period, 1-30 days).
    review_per_contract: bool = False
    fee_rule: str = "none"  # storage.fees: none, 10%, or tiers "20% to 500.00; 10% to 10000.00; 5%"


# A profile's numbers that each contract keeps for itself (P9).
PROFILE_NUMBERS = ("review_days", "hold_days", "refund_answer_days", "minimum_minor", "feedback_days",
                   "bonus_days", "fee_rule")


class Contract(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("status in ('open', 'ended')", name="contract_status"),
        CheckConstraint("my_side in ('client', 'freelancer')", name="contract_side"),
        # The contracts of "the same client" for fee tiers (P9; migration 0008, queries/fees.CLIENT).
        Index("ix_contract_client", "profile_id", "my_side", "currency",
              text("(case when trim(client_name) = '' then '#' || id else lower(trim(client_name)) end)")),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    client_name: str = ""
    kind: str = ContractKind.FIXED
    currency: str = "USD"
    profile_id: int = Field(foreign_key="profile.id")
    my_side: str = Side.FREELANCER
    started_on: date
    notes: str = ""
    status: str = Field(default=ContractStatus.OPEN, index=True)
    archived: bool = False
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by: str | None = None
    end_reason: str | None = None
    feedback_rating: int | None = None
    feedback_text: str | None = None
    feedback_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # M10: how many rounds of changes the client may ask for on one milestone (None: no cap).
    revision_cap: int | None = None
    # P9: the profile's numbers as they were when the contract was created (or moved to it), so
    # editing the profile never shifts this contract's deadlines or fees. The fee rule may differ
    # from the profile's (overridden for this contract).
    review_days: int | None = None
    hold_days: int = 5
    refund_answer_days: int = 7
    minimum_minor: int = 500
    feedback_days: int = 14
    bonus_days: int = 365
    fee_rule: str = "none"
    # Bumped by every change, so a second session acting on a stale view is told so.
    version: int = 1


_STATES = ", ".join(f"'{s.value}'" for s in MilestoneState)


class Milestone(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="milestone_amount_positive"),
        CheckConstraint(f"state in ({_STATES})", name="milestone_state"),
        Index("ix_milestone_contract_position", "contract_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    position: int
    title: str
    description: str = ""
    due_date: date | None = None
    amount_minor: int
    state: str = MilestoneState.FUTURE
    activated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submission_message: str | None = None
    review_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class LedgerEntry(SQLModel, table=True):
    """Append-only: one movement of money. Balances are sums over these rows."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ledger_amount_positive"),
        Index("ix_ledger_contract", "contract_id"),
        Index("ix_ledger_milestone", "milestone_id"),
        Index("ix_ledger_contract_available", "contract_id", "kind", "available_at"),
        Index("ix_ledger_available", "kind", "available_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    kind: str
    amount_minor: int
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    # Releases and bonuses are pending until this instant (P5).
    available_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str = ""


class ChangeRequest(SQLModel, table=True):
    """R2-R4: a freelancer's proposed batch of plan changes."""

    __tablename__ = "change_request"
    __table_args__ = (Index("ix_request_contract_status", "contract_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    status: str = RequestStatus.PENDING
    proposed_by: str = Side.FREELANCER
    message: str = ""
    created_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = None
    outcome: str = ""
    # The diff as it stood when decided, so history shows what was accepted or declined.
    diff_json: str | None = None


class PlanDraft(SQLModel, table=True):
    """R1: a party's unsent batch of plan changes, kept across restarts."""

    __tablename__ = "plan_draft"
    __table_args__ = (UniqueConstraint("contract_id", "side", name="one_draft_per_side"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    side: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class PlanItem(SQLModel, table=True):
    """One future milestone as a batch wants it: the batch is the desired future plan.

    ``milestone_id`` is None for an added milestone; ``deleted`` marks a removal. A batch holds
    only the milestones it changes (``storage.diff.sequence``): ``place`` is where an item
    stands on the scale of the milestones' positions, and a milestone it does not name stays at
    its own position. Items an older Cairn stored have no place: they name every future
    milestone, in ``seq`` order. Belongs to a draft or to a change request.
    """

    __tablename__ = "plan_item"
    __table_args__ = (
        CheckConstraint("(draft_id is null) <> (request_id is null)", name="item_owner"),
        Index("ix_item_draft", "draft_id"),
        Index("ix_item_request", "request_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int | None = Field(default=None, foreign_key="plan_draft.id")
    request_id: int | None = Field(default=None, foreign_key="change_request.id")
    seq: int
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    deleted: bool = False
    title: str
    description: str = ""
    due_date: date | None = None
    amount_minor: int
    # The user moved this one (draft_move): when a swap could be read either way, the board
    # marks the milestone the user moved, not its neighbour.
    moved: bool = False
    place: float | None = None


class RefundRequest(SQLModel, table=True):
    """P6: a client's request for escrow back, answered by the freelancer or by silence."""

    __tablename__ = "refund_request"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    milestone_id: int = Field(foreign_key="milestone.id")
    amount_minor: int
    status: str = RefundStatus.PENDING
    requested_at: datetime = Field(sa_type=UTCDateTime)
    answer_due_at: datetime = Field(sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by: str | None = None
    note: str = ""
    # A dispute's stage (disputed, mediation, arbitration) since when, and how it ended (P6).
    stage_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = None  # released, refunded, split


class Action(SQLModel, table=True):
    """One action recorded on a contract (a party's, or a timer's firing), undoable in reverse
    order: the rows it changed are logged in ``action_change`` as they were before it."""

    __table_args__ = (Index("ix_action_contract", "contract_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    kind: str  # the operation, e.g. "fund_next_milestone"; "timer" for a timer's firing
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)  # when it happened
    recorded_at: datetime = Field(sa_type=UTCDateTime)  # when it was typed
    summary: str = ""
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ActionChange(SQLModel, table=True):
    """A row as it was before an action first changed it (``image`` JSON), or ``None``: the
    action created it. Undoing the action puts every such row back."""

    __tablename__ = "action_change"
    __table_args__ = (UniqueConstraint("action_id", "tbl", "row_id", name="one_image_per_row"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id")
    tbl: str
    row_id: int
    image: str | None = None


class Event(SQLModel, table=True):
    """R5: append-only record of who did what and when, with before and after values. An event
    of an undone action stays, marked by its action (``action.undone_at``)."""

    __table_args__ = (
        Index("ix_event_contract", "contract_id", "id"),
        Index("ix_event_unread", "contract_id", "read"),
        Index("ix_event_ledger", "ledger_id"),
        Index("ix_event_action", "action_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    ledger_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
    action_id: int | None = Field(default=None, foreign_key="action.id")
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    kind: str
    summary: str
    before_json: str | None = None
    after_json: str | None = None
    read: bool = False
