"""What one contract's board shows, as read: the contract, its plan's milestones, its money,
events, change requests and refund request, and the board that holds them (``board.board``
reads it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from cairn.storage.dates import is_overdue
from cairn.storage.diff import PlanDiff, PlanRow, Row, shown
from cairn.storage.queries.deadlines import Deadline

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Money:
    value: int = 0
    funded: int = 0
    escrow: int = 0
    paid: int = 0
    pending: int = 0
    available: int = 0
    credit: int = 0
    refunded: int = 0
    bonus: int = 0
    fee: int = 0  # the platform's fee on everything paid (releases and bonuses), P9
    fee_pending: int = 0  # of which on money still pending
    planned: int = 0  # every milestone's planned amount, voided and refunded ones included
    actual: int = 0  # what is or will be paid: released, held in escrow, and the future milestones

    @property
    def net(self) -> int:
        """What was paid (releases and bonuses) after the platform's fee."""
        return self.paid - self.fee

    @property
    def net_pending(self) -> int:
        return self.pending - self.fee_pending

    @property
    def net_available(self) -> int:
        return self.available - (self.fee - self.fee_pending)


@dataclass(frozen=True)
class ProfileInfo:
    id: int
    name: str
    review_days: int | None
    hold_days: int
    refund_answer_days: int
    minimum_minor: int
    feedback_days: int
    bonus_days: int
    fee_rule: str  # stored form (storage.fees); the contract's own, which may override the profile's
    review_per_contract: bool = False
    # The profile's numbers today, when they differ from the ones this contract keeps (P9).
    profile_now: dict | None = None

    @property
    def fee(self):
        from cairn.storage.fees import stored

        return stored(self.fee_rule)


@dataclass(frozen=True)
class ContractInfo:
    id: int
    title: str
    client_name: str
    kind: str
    currency: str
    my_side: str
    started_on: date
    notes: str
    status: str
    archived: bool
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    feedback_rating: int | None
    feedback_text: str | None
    version: int
    profile: ProfileInfo
    revision_cap: int | None = None  # M10: rounds of changes the client may ask for per milestone

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class MilestoneView:
    id: int
    position: int
    title: str
    description: str
    due_date: date | None
    amount_minor: int
    state: str
    held_minor: int
    submitted_at: datetime | None
    review_due_at: datetime | None
    submission_message: str | None
    released_minor: int = 0
    refunded_minor: int = 0
    carried_minor: int = 0  # left over and carried to the next milestone as credit (P3)
    revisions: int = 0  # M10: how many times changes were requested on this milestone's work
    fee_minor: int = 0  # the platform's fee on what was released (P9; net = released - fee)

    @property
    def partial(self) -> bool:
        """Closed with less released than planned: where the rest went matters."""
        return self.state in ("released", "refunded") and self.released_minor < self.amount_minor and (
            self.refunded_minor or self.carried_minor or self.released_minor)

    @property
    def locked(self) -> bool:
        return self.state != "future"

    def overdue(self, now: datetime) -> bool:
        return is_overdue(self.state, self.due_date, now)

    def row(self) -> Row:
        # Made once: an operation on a draft and the board it returns both take the plan as diff
        # rows, 1,000 of them in a long plan (the view is frozen, so the row never goes stale).
        r = self.__dict__.get("_row")
        if r is None:
            r = self.__dict__["_row"] = Row(milestone_id=self.id, title=self.title, amount_minor=self.amount_minor,
                                            due_date=self.due_date, description=self.description, state=self.state,
                                            place=self.position)
        return r


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: str
    kind: str
    summary: str
    before: dict | None
    after: dict | None
    read: bool
    milestone_id: int | None
    undone: bool = False  # its action was undone; the journal keeps it (R5)


@dataclass(frozen=True)
class ActionView:
    """The last action a party recorded on the contract, not undone: what undo would take back."""

    id: int
    kind: str
    actor: str
    at: datetime
    recorded_at: datetime
    summary: str


@dataclass(frozen=True)
class RequestView:
    id: int
    status: str
    proposed_by: str
    message: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    outcome: str
    diff: PlanDiff | None  # against the current plan while pending; as decided afterwards
    plan: list[PlanRow] | None  # the plan as it would be (pending only)
    decided_diff: dict | None = None


@dataclass(frozen=True)
class RefundView:
    id: int
    milestone_id: int
    amount_minor: int
    status: str
    requested_at: datetime
    answer_due_at: datetime
    note: str
    stage_at: datetime | None = None  # since when a dispute is at its stage (P6)


@dataclass(frozen=True)
class Board:
    contract: ContractInfo
    milestones: list[MilestoneView]
    money: Money
    deadlines: list[Deadline]
    events: list[EventView]
    unread: int
    side: str  # whose draft is shown
    draft: list[PlanRow] | None
    draft_diff: PlanDiff | None
    request: RequestView | None
    past_requests: list[RequestView] = field(default_factory=list)
    refund_request: RefundView | None = None
    at_risk: int = 0  # money not yet protected (queries.foresight.at_risk): unfunded work due, waiting, disputed
    last_action: ActionView | None = None

    @property
    def id(self) -> int:
        return self.contract.id

    @cached_property
    def plan(self) -> list[PlanRow]:
        """The plan as the board shows it: the draft when there is one, else the current plan."""
        if self.draft is not None:
            return self.draft
        return [shown(m.row(), i) for i, m in enumerate(self.milestones, start=1)]

    def revisions_text(self, m: MilestoneView) -> str | None:
        """M10: 'revisions: 2 of 3' (or 'revisions: 4, past the cap of 3'); None when nothing to say."""
        cap = self.contract.revision_cap
        if not m.revisions and cap is None:
            return None
        if cap is None:
            return f"revisions: {m.revisions}"
        if m.revisions > cap:
            return f"revisions: {m.revisions}, past the cap of {cap}"
        return f"revisions: {m.revisions} of {cap}"

    def past_revision_cap(self, m: MilestoneView | None = None) -> bool:
        """The next request for changes on ``m`` (the submitted work by default) goes past the cap."""
        m = m or self.locked
        cap = self.contract.revision_cap
        return m is not None and cap is not None and m.revisions >= cap

    def revision_warning(self) -> str | None:
        """What to say before changes are requested past the cap (the request is recorded all the same)."""
        if not self.past_revision_cap():
            return None
        return (f"This is revision round {self.locked.revisions + 1} on this milestone, past the contract's cap of "
                f"{self.contract.revision_cap}; it is recorded all the same.")

    def milestone(self, key: str) -> MilestoneView | None:
        return next((m for m in self.milestones if f"m{m.id}" == key), None)

    @cached_property  # a screen asks for these once per key it checks: work them out once
    def locked(self) -> MilestoneView | None:
        return next((m for m in self.milestones if m.state in ("active", "submitted")), None)

    @cached_property
    def next_future(self) -> MilestoneView | None:
        return next((m for m in self.milestones if m.state == "future"), None)


# --- SQL ------------------------------------------------------------------------------


# --- one contract -----------------------------------------------------------------------
