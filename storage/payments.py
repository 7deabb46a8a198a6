"""Payments: release in full or in part (P1-P3), refunds and refund requests (P6), bonus (P7)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import pendulum
from sqlmodel import select

from . import validate
from .errors import DomainError
from .models import (
    AUTOMATIC,
    LOCKED_STATES,
    Contract,
    ContractStatus,
    EndReason,
    LedgerKind,
    Milestone,
    MilestoneState,
    RefundRequest,
    RefundStatus,
    Side,
)
from .money import format_amount
from .unit import Unit, operation, require_side

if TYPE_CHECKING:
    from .clock import Clock
    from .db import Database
    from .read import Board


class Remainder(StrEnum):
    CARRY = "carry"  # funds the next future milestone (P3)
    REFUND = "refund"


def _locked(unit: Unit, c: Contract, rule: str, what: str) -> tuple[Milestone, int]:
    m = unit.locked(c.id)
    held = unit.balances(c.id).of(m) if m else 0
    if m is None or not held:
        raise DomainError(rule, f"no milestone holds escrow, so there is nothing to {what}; fund the next "
                                "milestone first.")
    return m, held


def _amount(value: int | str | None, c: Contract, held: int, rule: str, label: str) -> int:
    if value is None or value == "":
        return held
    x = validate.positive_amount(value, c.currency, rule=rule, label=label)
    if x > held:
        raise DomainError(rule, f"the {label} is more than the {format_amount(held, c.currency)} in escrow; "
                                f"enter at most {format_amount(held, c.currency)}.", field="amount")
    return x


def release_payment(db: Database, contract_id: int, *, actor: str = Side.CLIENT,
                    amount: int | str | None = None, remainder: str = Remainder.REFUND,
                    end_contract: bool = False, end_reason: str = EndReason.COMPLETED,
                    feedback_rating: int | None = None, feedback_text: str | None = None,
                    clock: Clock, expect_version: int | None = None) -> Board:
    """P1-P3: release all or part of escrow; the rest is carried or refunded; keep open or end."""
    from .contracts import end_in
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="release payment")
        require_side(actor, Side.CLIENT, "P1", "release payment")
        m, held = _locked(unit, c, "P1", "release")
        x = _amount(amount, c, held, "P1", "release")
        rest = held - x
        nxt = next((f for f in unit.milestones(c.id) if f.state == MilestoneState.FUTURE), None)
        if rest and remainder == Remainder.CARRY:
            if end_contract:
                raise DomainError("P3", "the remainder can't fund a next milestone on a contract you are "
                                        "ending; refund the remainder instead.", field="remainder")
            if nxt is None:
                raise DomainError("P3", "there is no future milestone to carry the remainder to; refund it, "
                                        "or add a milestone to the plan first.", field="remainder")
        elif rest and remainder != Remainder.REFUND:
            raise DomainError("P3", "the remainder is either carried to the next milestone or refunded; choose one of them.",
                              field="remainder")
        if end_contract:
            # C3: a client who ends the contract releases all or part; the rest becomes a
            # refund request the freelancer answers (P6), exactly as ending does.
            end_in(unit, c, actor=actor, reason=end_reason, release_minor=x, feedback_rating=feedback_rating,
                   feedback_text=feedback_text)
        else:
            _release_keep_open(unit, c, m, x, rest, remainder, nxt, actor)
    return board(db, contract_id, clock)


def _release_keep_open(unit: Unit, c: Contract, m: Milestone, x: int, rest: int, remainder: str,
                       nxt: Milestone | None, actor: str) -> None:
    release_in(unit, c, m, x, actor=actor, final=True)
    if rest and remainder == Remainder.CARRY:
        credit = min(rest, nxt.amount_minor)
        e = unit.money(c, LedgerKind.CREDIT, credit, actor=actor, milestone=m,
                       note=f"carried to \"{nxt.title}\"")
        unit.event(c, actor, "credit", f"{format_amount(credit, c.currency)} left from \"{m.title}\" "
                                       f"carried to \"{nxt.title}\" (P3).", milestone=m, ledger=e,
                   after={"credit": credit, "to": nxt.id})
        if rest > credit:
            _refund(unit, c, m, rest - credit, actor, "remainder above the next milestone's amount (P3)")
    elif rest:
        _refund(unit, c, m, rest, actor, "remainder of a partial release (P3)")
    close_refund_requests(unit, c, m, actor=actor, why="the escrow was released")


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


def _refund(unit: Unit, c: Contract, m: Milestone, amount: int, actor: str, why: str,
            at: datetime | None = None) -> None:
    e = unit.money(c, LedgerKind.REFUND, amount, actor=actor, milestone=m, at=at, note=why)
    unit.event(c, actor, "refund", f"{format_amount(amount, c.currency)} from \"{m.title}\" refunded to "
                                   f"the client: {why}.", milestone=m, ledger=e,
               after={"refunded": amount}, at=at)


def _close_if_empty(unit: Unit, c: Contract, m: Milestone, at: datetime | None = None, *,
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


def refund_escrow(db: Database, contract_id: int, *, actor: str = Side.FREELANCER,
                  amount: int | str | None = None, clock: Clock,
                  expect_version: int | None = None) -> Board:
    """P6: the freelancer refunds escrow at once (all by default, or part)."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        if actor != Side.FREELANCER:
            raise DomainError("P6", "the client can't take escrow back directly: request a refund, which the "
                                    "freelancer answers within the profile's window.")
        m, held = _locked(unit, c, "P6", "refund")
        x = _amount(amount, c, held, "P6", "refund")
        if c.status == ContractStatus.ENDED and _pending_request(unit, c) is None:
            raise DomainError("C5", f"\"{c.title}\" has ended and is read-only.")
        before = {"state": m.state}
        _refund(unit, c, m, x, actor, "refunded by the freelancer (P6)")
        req = _pending_request(unit, c)
        if req and req.status == RefundStatus.PENDING and not unit.balances(c.id).of(m):
            req.status = RefundStatus.ACCEPTED
            req.answered_at, req.answered_by = unit.now, actor
            unit.session.add(req)
        _close_if_empty(unit, c, m, actor=actor)
        if m.state != before["state"]:
            unit.event(c, actor, "milestone_closed", f"\"{m.title}\" is now {m.state}.", milestone=m,
                       before=before, after={"state": m.state})
    return board(db, contract_id, clock)


OPEN_REFUND_STATES = [RefundStatus.PENDING, RefundStatus.DISPUTED, RefundStatus.MEDIATION,
                      RefundStatus.ARBITRATION]


def _pending_request(unit: Unit, c: Contract) -> RefundRequest | None:
    q = select(RefundRequest).where(RefundRequest.contract_id == c.id).where(
        RefundRequest.status.in_(OPEN_REFUND_STATES))  # type: ignore[attr-defined]
    return unit.session.exec(q.order_by(RefundRequest.id.desc())).first()  # type: ignore[union-attr]


def request_refund(db: Database, contract_id: int, *, actor: str = Side.CLIENT,
                   amount: int | str | None = None, clock: Clock,
                   expect_version: int | None = None) -> Board:
    """P6: the client asks for escrow back; the freelancer has the profile's window to answer."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="request a refund")
        require_side(actor, Side.CLIENT, "P6", "request a refund")
        m, held = _locked(unit, c, "P6", "refund")
        if _pending_request(unit, c):
            raise DomainError("P6", "a refund request is already waiting for the freelancer's answer; wait for it (or its "
                                    "deadline) before asking again.")
        x = _amount(amount, c, held, "P6", "refund")
        due = unit.now.add(days=unit.profile(c).refund_answer_days)
        unit.session.add(RefundRequest(contract_id=c.id, milestone_id=m.id, amount_minor=x,
                                       requested_at=unit.now, answer_due_at=due))
        unit.event(c, actor, "refund_requested",
                   f"Refund of {format_amount(x, c.currency)} requested from \"{m.title}\"; the freelancer "
                   f"has until {due.to_date_string()} to answer, silence accepts it (P6).",
                   milestone=m, after={"amount": x, "answer_due_at": due})
    return board(db, contract_id, clock)


def answer_refund_request(db: Database, contract_id: int, *, actor: str = Side.FREELANCER, accept: bool,
                          note: str = "", clock: Clock, expect_version: int | None = None) -> Board:
    """P6: the freelancer accepts (escrow goes back) or disputes (recorded with its date)."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        require_side(actor, Side.FREELANCER, "P6", "answer a refund request")
        req = _pending_request(unit, c)
        if req is None or req.status != RefundStatus.PENDING:
            raise DomainError("P6", "no refund request is waiting for an answer (it may have been answered in another "
                                    "session), so there is nothing to answer now.")
        text = validate.message(note, rule="P6", label="note")
        if accept:
            settle_refund_request(unit, c, req, actor=actor, at=unit.now, why="accepted by the freelancer")
        else:
            req.status = RefundStatus.DISPUTED
            req.answered_at, req.answered_by, req.note = unit.now, actor, text
            unit.session.add(req)
            unit.event(c, actor, "refund_disputed",
                       f"Refund request of {format_amount(req.amount_minor, c.currency)} disputed (P6).",
                       before={"status": "pending"}, after={"status": "disputed", "note": text})
    return board(db, contract_id, clock)


def settle_refund_request(unit: Unit, c: Contract, req: RefundRequest, *, actor: str, at: datetime,
                          why: str) -> None:
    m = unit.session.get(Milestone, req.milestone_id)
    held = unit.balances(c.id).of(m)
    amount = min(req.amount_minor, held)
    if amount:
        _refund(unit, c, m, amount, actor, why, at=at)
    _close_if_empty(unit, c, m, at=at, actor=actor, keep=req)
    req.status = RefundStatus.ACCEPTED
    req.answered_at, req.answered_by = at, actor
    unit.session.add(req)
    if actor == AUTOMATIC and not amount:
        unit.event(c, actor, "refund_request_closed", "Refund request closed: nothing was left in escrow.", at=at)


def give_bonus(db: Database, contract_id: int, *, actor: str = Side.CLIENT, amount: int | str,
               note: str = "", clock: Clock, expect_version: int | None = None) -> Board:
    """P7: a bonus outside escrow, while open or within the profile's window after the end."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        require_side(actor, Side.CLIENT, "P7", "give a bonus")
        if c.status == ContractStatus.ENDED:
            window = unit.profile(c).bonus_days
            if unit.now > pendulum.instance(c.ended_at).add(days=window):
                raise DomainError("P7", f"a bonus can be given up to {window} days after the contract ends; "
                                        "that window has closed.")
        x = validate.positive_amount(amount, c.currency, rule="P7", label="bonus")
        text = validate.message(note, rule="P7", label="note")
        e = unit.money(c, LedgerKind.BONUS, x, actor=actor, note=text)
        unit.event(c, actor, "bonus", f"Bonus of {format_amount(x, c.currency)} given; pending until "
                                      f"{pendulum.instance(e.available_at).to_date_string()} (P5, P7).",
                   ledger=e, after={"bonus": x, "note": text})
    return board(db, contract_id, clock)
