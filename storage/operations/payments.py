"""Payments: release in full or in part (P1-P3), refunds and refund requests (P6), bonus (P7)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import pendulum

from cairn.storage import validate
from cairn.storage.errors import DomainError
from cairn.storage.models import (
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
from cairn.storage.money import format_amount
from cairn.storage.operations.contracts import end_in
from cairn.storage.operations.escrow import (
    close_if_empty,
    close_refund_requests,
    open_refund_request,
    refund_in,
    release_in,
    settle_refund_request,
)
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit, require_fixed, require_side
from cairn.storage.queries.board import board
from cairn.storage.when import describe

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board


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
                    clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """P1-P3: release all or part of escrow; the rest is carried or refunded; keep open or end."""
    with operation(db, clock, contract_id=contract_id, kind="release_payment", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="release payment")
        require_fixed(c, "release from escrow")
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
            refund_in(unit, c, m, rest - credit, actor, "remainder above the next milestone's amount (P3)")
    elif rest:
        refund_in(unit, c, m, rest, actor, "remainder of a partial release (P3)")
    close_refund_requests(unit, c, m, actor=actor, why="the escrow was released")


def refund_escrow(db: Database, contract_id: int, *, actor: str = Side.FREELANCER,
                  amount: int | str | None = None, clock: Clock,
                  expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """P6: the freelancer refunds escrow at once (all by default, or part)."""
    with operation(db, clock, contract_id=contract_id, kind="refund_escrow", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        require_fixed(c, "refund from escrow")
        if actor != Side.FREELANCER:
            raise DomainError("P6", "the client can't take escrow back directly: request a refund, which the "
                                    "freelancer answers within the profile's window.")
        m, held = _locked(unit, c, "P6", "refund")
        x = _amount(amount, c, held, "P6", "refund")
        if c.status == ContractStatus.ENDED and open_refund_request(unit, c) is None:
            raise DomainError("C5", f"\"{c.title}\" has ended and is read-only.")
        before = {"state": m.state}
        refund_in(unit, c, m, x, actor, "refunded by the freelancer (P6)")
        req = open_refund_request(unit, c)
        if req and req.status == RefundStatus.PENDING and not unit.balances(c.id).of(m):
            req.status = RefundStatus.ACCEPTED
            req.answered_at, req.answered_by = unit.now, actor
            unit.session.add(req)
        close_if_empty(unit, c, m, actor=actor)
        if m.state != before["state"]:
            unit.event(c, actor, "milestone_closed", f"\"{m.title}\" is now {m.state}.", milestone=m,
                       before=before, after={"state": m.state})
    return board(db, contract_id, clock)


def request_refund(db: Database, contract_id: int, *, actor: str = Side.CLIENT,
                   amount: int | str | None = None, clock: Clock,
                   expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """P6: the client asks for escrow back; the freelancer has the profile's window to answer."""
    with operation(db, clock, contract_id=contract_id, kind="request_refund", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="request a refund")
        require_fixed(c, "ask back from escrow")
        require_side(actor, Side.CLIENT, "P6", "request a refund")
        m, held = _locked(unit, c, "P6", "refund")
        if open_refund_request(unit, c):
            raise DomainError("P6", "a refund request is already waiting for the freelancer's answer; wait for it (or its "
                                    "deadline) before asking again.")
        x = _amount(amount, c, held, "P6", "refund")
        due = unit.now.add(days=c.refund_answer_days)
        unit.session.add(RefundRequest(contract_id=c.id, milestone_id=m.id, amount_minor=x,
                                       requested_at=unit.now, answer_due_at=due))
        unit.event(c, actor, "refund_requested",
                   f"Refund of {format_amount(x, c.currency)} requested from \"{m.title}\"; the freelancer "
                   f"has until {due.to_date_string()} to answer, silence accepts it (P6).",
                   milestone=m, after={"amount": x, "answer_due_at": due})
    return board(db, contract_id, clock)


def answer_refund_request(db: Database, contract_id: int, *, actor: str = Side.FREELANCER, accept: bool,
                          note: str = "", clock: Clock, expect_version: int | None = None,
                          at: datetime | str | None = None) -> Board:
    """P6: the freelancer accepts (escrow goes back) or disputes (recorded with its date)."""
    with operation(db, clock, contract_id=contract_id, kind="answer_refund_request", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        require_side(actor, Side.FREELANCER, "P6", "answer a refund request")
        req = open_refund_request(unit, c)
        if req is None or req.status != RefundStatus.PENDING:
            raise DomainError("P6", "no refund request is waiting for an answer (it may have been answered in another "
                                    "session), so there is nothing to answer now.")
        text = validate.message(note, rule="P6", label="note")
        if accept:
            settle_refund_request(unit, c, req, actor=actor, at=unit.now, why="accepted by the freelancer")
        else:
            req.status = RefundStatus.DISPUTED
            req.answered_at, req.answered_by, req.note, req.stage_at = unit.now, actor, text, unit.now
            unit.session.add(req)
            # The escrow in dispute waits for the outcome: a submission's review clock stops (M11).
            m = unit.session.get(Milestone, req.milestone_id)
            paused = m.review_due_at if m.state == MilestoneState.SUBMITTED else None
            if paused is not None:
                m.review_due_at = None
                unit.session.add(m)
            unit.event(c, actor, "refund_disputed",
                       f"Refund request of {format_amount(req.amount_minor, c.currency)} disputed (P6)"
                       + ("; the automatic release waits for the dispute's outcome (M11)." if paused else "."),
                       milestone=m, before={"status": "pending", "review_due_at": paused},
                       after={"status": "disputed", "note": text})
    return board(db, contract_id, clock)


def give_bonus(db: Database, contract_id: int, *, actor: str = Side.CLIENT, amount: int | str,
               note: str = "", clock: Clock, expect_version: int | None = None,
               at: datetime | str | None = None) -> Board:
    """P7: a bonus outside escrow, while open or within the profile's window after the end."""
    with operation(db, clock, contract_id=contract_id, kind="give_bonus", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        require_side(actor, Side.CLIENT, "P7", "give a bonus")
        if c.status == ContractStatus.ENDED:
            window = c.bonus_days
            closes = pendulum.instance(c.ended_at).add(days=window)
            if unit.now > closes:
                raise DomainError("P7", f"a bonus can be given up to {window} days after the contract ends; "
                                        f"that window closed on {describe(closes)}.")
        x = validate.positive_amount(amount, c.currency, rule="P7", label="bonus")
        text = validate.message(note, rule="P7", label="note")
        e = unit.money(c, LedgerKind.BONUS, x, actor=actor, note=text)
        unit.event(c, actor, "bonus", f"Bonus of {format_amount(x, c.currency)} given; pending until "
                                      f"{pendulum.instance(e.available_at).to_date_string()} (P5, P7).",
                   ledger=e, after={"bonus": x, "note": text})
    return board(db, contract_id, clock)
