"""Disputes (P6): a refund request the freelancer disputed goes on through the stages the user
records with their dates, mediation then arbitration, and ends with the outcome the platform
decided: released to the freelancer, refunded to the client, or split. The money moves
accordingly, so nothing stays in escrow, "in review", for ever.

Either side records them: the platform decides, the user mirrors it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cairn.storage import validate
from cairn.storage.errors import DomainError
from cairn.storage.models import (
    Contract,
    Milestone,
    MilestoneState,
    RefundRequest,
    RefundStatus,
    Side,
)
from cairn.storage.money import format_amount
from cairn.storage.operations.escrow import (
    DISPUTE_STATES,
    close_if_empty,
    open_refund_request,
    refund_in,
    release_in,
)
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit
from cairn.storage.queries.board import board

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board

STAGES = tuple(DISPUTE_STATES)
OUTCOMES = ("released", "refunded", "split")


def _dispute(unit: Unit, c: Contract, actor: str, what: str) -> RefundRequest:
    if actor not in (Side.CLIENT, Side.FREELANCER):
        raise DomainError("P6", f"a dispute's {what} is recorded by the client or the freelancer; act as one of "
                                "them to record it.")
    req = open_refund_request(unit, c)
    if req is None or req.status not in STAGES:
        pending = req is not None and req.status == RefundStatus.PENDING
        raise DomainError("P6", "the refund request is waiting for the freelancer's answer; dispute it first (y)."
                          if pending else "no refund request is in dispute on this contract, so there is no "
                          f"{what} to record; a dispute begins when the freelancer disputes a refund request.")
    return req


def record_dispute_stage(db: Database, contract_id: int, *, actor: str, stage: str, note: str = "",
                         clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """P6: the dispute went to mediation, or to arbitration (never back)."""
    with operation(db, clock, contract_id=contract_id, kind="record_dispute_stage", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        req = _dispute(unit, c, actor, "stage")
        if stage not in (RefundStatus.MEDIATION, RefundStatus.ARBITRATION):
            raise DomainError("P6", "a dispute goes to mediation, then to arbitration; choose one of them.",
                              field="stage")
        order = [s.value for s in STAGES]
        if order.index(stage) <= order.index(req.status):
            raise DomainError("P6", f"the dispute is already in {req.status}; it goes on to "
                                    f"{' or '.join(order[order.index(req.status) + 1:]) or 'its outcome'}, "
                                    "or record its outcome.", field="stage")
        text = validate.message(note, rule="P6", label="note")
        before = {"status": req.status, "since": req.stage_at}
        req.status, req.stage_at = stage, unit.now
        if text:
            req.note = text
        unit.session.add(req)
        m = unit.session.get(Milestone, req.milestone_id)
        unit.event(c, actor, f"dispute_{stage}",
                   f"Dispute over the {format_amount(req.amount_minor, c.currency)} refund request went to "
                   f"{stage} (P6).", milestone=m, before=before, after={"status": stage, "note": text})
    return board(db, contract_id, clock)


def settle_dispute(db: Database, contract_id: int, *, actor: str, outcome: str,
                   refund: int | str | None = None, note: str = "", clock: Clock,
                   expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """P6: the platform's decision. ``released``: the amount in dispute goes to the freelancer;
    ``refunded``: back to the client; ``split``: ``refund`` of it to the client, the rest released."""
    with operation(db, clock, contract_id=contract_id, kind="settle_dispute", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        req = _dispute(unit, c, actor, "outcome")
        if outcome not in OUTCOMES:
            raise DomainError("P6", "a dispute ends released to the freelancer, refunded to the client, or split "
                                    "between them; choose one.", field="outcome")
        m = unit.session.get(Milestone, req.milestone_id)
        disputed = min(req.amount_minor, unit.balances(c.id).of(m))
        if outcome == "refunded":
            back = disputed
        elif outcome == "released":
            back = 0
        else:
            if refund in (None, ""):
                raise DomainError("P6", "a split says how much goes back to the client; type that amount (the "
                                        "rest is released to the freelancer).", field="refund")
            back = validate.positive_amount(refund, c.currency, rule="P6", label="amount refunded", field="refund")
            if back >= disputed:
                raise DomainError("P6", f"a split refunds less than the {format_amount(disputed, c.currency)} in "
                                        "dispute (all of it is an outcome \"refunded\"); type a smaller amount.",
                                  field="refund")
        text = validate.message(note, rule="P6", label="note")
        before = {"status": req.status, "since": req.stage_at}
        paid = disputed - back
        if back:
            refund_in(unit, c, m, back, actor, "dispute decided for the client (P6)")
        if paid:
            release_in(unit, c, m, paid, actor=actor, final=False)
        req.status, req.outcome, req.stage_at = RefundStatus.CLOSED, outcome, unit.now
        req.answered_at = req.answered_at or unit.now
        if text:
            req.note = text
        unit.session.add(req)
        close_if_empty(unit, c, m, actor=actor, keep=req)
        restarted = _restart_review(unit, c, m)
        said = {"released": f"{format_amount(paid, c.currency)} released to the freelancer",
                "refunded": f"{format_amount(back, c.currency)} refunded to the client",
                "split": f"{format_amount(back, c.currency)} refunded to the client and "
                         f"{format_amount(paid, c.currency)} released to the freelancer"}[outcome]
        if restarted:
            said += (f"; the rest stays in review, released automatically on "
                     f"{restarted.to_date_string()} without review (M11)")
        if unit.action is not None:  # what undo names: the decision, not the first movement it made
            unit.action.summary = f"Dispute decided: {said}."
        unit.event(c, actor, "dispute_settled", f"Dispute decided: {said} (P6).", milestone=m, before=before,
                   after={"status": "closed", "outcome": outcome, "refunded": back, "released": paid,
                          "note": text, "review_due_at": restarted})
    return board(db, contract_id, clock)


def _restart_review(unit: Unit, c: Contract, m: Milestone):
    """What a split leaves in escrow on submitted work is under review again from the outcome: the
    clock the dispute stopped starts anew (M11)."""
    review = c.review_days
    if m.state != MilestoneState.SUBMITTED or m.review_due_at is not None or review is None:
        return None
    m.review_due_at = unit.now.add(days=review)
    unit.session.add(m)
    return m.review_due_at


def record_dispute(db: Database, contract_id: int, *, actor: str, step: str, refund: int | str | None = None,
                   note: str = "", clock: Clock, expect_version: int | None = None,
                   at: datetime | str | None = None) -> Board:
    """One entry for the dispute's next step: ``mediation`` or ``arbitration`` (a stage), or an
    outcome, ``released``, ``refunded`` or ``split`` (with ``refund``, what goes back to the client)."""
    if step in OUTCOMES:
        return settle_dispute(db, contract_id, actor=actor, outcome=step, refund=refund, note=note, clock=clock,
                              expect_version=expect_version, at=at)
    return record_dispute_stage(db, contract_id, actor=actor, stage=step, note=note, clock=clock,
                                expect_version=expect_version, at=at)
