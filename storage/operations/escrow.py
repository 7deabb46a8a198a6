"""Moving escrow, shared by the operations that settle it and by the timers: release, refund,
close a milestone whose escrow is gone, and close or settle refund requests (P1, P3, P5, P6).

These run inside an operation's ``Unit``; they check nothing the caller has not checked."""

from __future__ import annotations

from datetime import datetime

import pendulum
from sqlmodel import select

from cairn.storage.models import (
    AUTOMATIC,
    LOCKED_STATES,
    Contract,
    LedgerKind,
    Milestone,
    MilestoneState,
    RefundRequest,
    RefundStatus,
)
from cairn.storage.money import format_amount
from cairn.storage.operations.unit import Unit

DISPUTE_STATES = [RefundStatus.DISPUTED, RefundStatus.MEDIATION, RefundStatus.ARBITRATION]
OPEN_REFUND_STATES = [RefundStatus.PENDING, *DISPUTE_STATES]


def release_in(unit: Unit, c: Contract, m: Milestone, amount: int, *, actor: str, final: bool,
               at: datetime | None = None) -> None:
    entry = unit.money(c, LedgerKind.RELEASE, amount, actor=actor, milestone=m, at=at)
    before = {"state": m.state}
    if final:
        m.state = MilestoneState.RELEASED
        m.closed_at = at or unit.now
        m.review_due_at = None
        unit.session.add(m)
    unit.event(c, actor, "released", f"{format_amount(amount, c.currency)} released on \"{m.title}\"; "
                                     f"pending until {pendulum.instance(entry.available_at).to_date_string()} "
                                     "(P5).", milestone=m, ledger=entry, before=before,
               after={"state": m.state, "released": amount}, at=at)


def refund_in(unit: Unit, c: Contract, m: Milestone, amount: int, actor: str, why: str,
            at: datetime | None = None) -> None:
    e = unit.money(c, LedgerKind.REFUND, amount, actor=actor, milestone=m, at=at, note=why)
    unit.event(c, actor, "refund", f"{format_amount(amount, c.currency)} from \"{m.title}\" refunded to "
                                   f"the client: {why}.", milestone=m, ledger=e,
               after={"refunded": amount}, at=at)


def close_if_empty(unit: Unit, c: Contract, m: Milestone, at: datetime | None = None, *,
                    actor: str = AUTOMATIC, keep: RefundRequest | None = None) -> None:
    """A locked milestone whose escrow is gone becomes history; history is never touched (M6)."""
    if m.state not in LOCKED_STATES or unit.balances(c.id).of(m):
        return
    released = any(e.kind == LedgerKind.RELEASE and e.milestone_id == m.id for e in unit.ledger(c.id))
    m.state = MilestoneState.RELEASED if released else MilestoneState.REFUNDED
    m.closed_at = at or unit.now
    m.review_due_at = None
    unit.session.add(m)
    close_refund_requests(unit, c, m, actor=actor, at=at, keep=keep)


def close_refund_requests(unit: Unit, c: Contract, m: Milestone, *, actor: str, at: datetime | None = None,
                          keep: RefundRequest | None = None, why: str = "nothing is left in escrow") -> None:
    """P6: a refund request on escrow that is gone (released, refunded) is closed, with an event."""
    q = select(RefundRequest).where(RefundRequest.milestone_id == m.id).where(
        RefundRequest.status.in_(OPEN_REFUND_STATES))  # type: ignore[attr-defined]
    for req in unit.session.exec(q):
        if keep is not None and req.id == keep.id:
            continue
        before = {"status": req.status}
        req.status = RefundStatus.CLOSED
        req.answered_at = at or unit.now
        req.answered_by = req.answered_by or str(actor)
        unit.session.add(req)
        unit.event(c, actor, "refund_request_closed",
                   f"Refund request of {format_amount(req.amount_minor, c.currency)} closed: {why} (P6).",
                   milestone=m, before=before, after={"status": req.status}, at=at)


def open_refund_request(unit: Unit, c: Contract) -> RefundRequest | None:
    q = select(RefundRequest).where(RefundRequest.contract_id == c.id).where(
        RefundRequest.status.in_(OPEN_REFUND_STATES))  # type: ignore[attr-defined]
    return unit.session.exec(q.order_by(RefundRequest.id.desc())).first()  # type: ignore[union-attr]


def settle_refund_request(unit: Unit, c: Contract, req: RefundRequest, *, actor: str, at: datetime,
                          why: str) -> None:
    m = unit.session.get(Milestone, req.milestone_id)
    held = unit.balances(c.id).of(m)
    amount = min(req.amount_minor, held)
    if amount:
        refund_in(unit, c, m, amount, actor, why, at=at)
    close_if_empty(unit, c, m, at=at, actor=actor, keep=req)
    req.status = RefundStatus.ACCEPTED
    req.answered_at, req.answered_by = at, actor
    unit.session.add(req)
    if actor == AUTOMATIC and not amount:
        unit.event(c, actor, "refund_request_closed", "Refund request closed: nothing was left in escrow.", at=at)
