"""The milestone workflow: fund and activate (M3-M5), submit (M8, M9), request changes (M10)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import col, func, select

from cairn.storage import validate
from cairn.storage.errors import Conflict, DomainError
from cairn.storage.models import Action, Event, LedgerKind, MilestoneState, Side
from cairn.storage.money import format_amount
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import require_fixed, require_side
from cairn.storage.queries.board import board

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board


def fund_next_milestone(db: Database, contract_id: int, *, actor: str = Side.CLIENT, clock: Clock,
                        milestone_id: int | None = None, expect_version: int | None = None,
                        at: datetime | str | None = None) -> Board:
    """M3-M5: the client deposits the first future milestone's amount, less carried credit."""
    with operation(db, clock, contract_id=contract_id, kind="fund_next_milestone", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="fund milestones")
        require_fixed(c, "fund")  # C1 first: no side can fund a milestone an hourly contract lacks
        require_side(actor, Side.CLIENT, "M5", "fund and activate a milestone")
        plan = unit.milestones(c.id)
        locked = next((m for m in plan if m.state in (MilestoneState.ACTIVE, MilestoneState.SUBMITTED)), None)
        if locked:
            raise DomainError("M4", f"\"{locked.title}\" already holds escrow; release or refund it before "
                                    "activating the next milestone.")
        nxt = next((m for m in plan if m.state == MilestoneState.FUTURE), None)
        if nxt is None:
            raise DomainError("M3", "there is no future milestone to activate; add one to the plan first.")
        if milestone_id is not None and milestone_id != nxt.id:
            target = next((m for m in plan if m.id == milestone_id), None)
            if target is None or target.state != MilestoneState.FUTURE:
                raise Conflict("that milestone is no longer in the future plan; the board now shows the "
                               "current plan.")
            raise DomainError("M3", f"milestones are activated in plan order: fund \"{nxt.title}\" first, "
                                    "or move this one to the top of the plan.")
        bal = unit.balances(c.id)
        applied = min(bal.credit, nxt.amount_minor)
        deposit = nxt.amount_minor - applied
        if applied:
            unit.money(c, LedgerKind.CREDIT_APPLIED, applied, actor=actor, milestone=nxt,
                       note="carried credit from a partial release (P3)")
        if bal.credit > applied:
            excess = bal.credit - applied
            e = unit.money(c, LedgerKind.REFUND, excess, actor=actor, note="carried credit above the amount")
            unit.event(c, actor, "refund", f"{format_amount(excess, c.currency)} of carried credit above "
                                           f"\"{nxt.title}\"'s amount refunded to the client (P3).", ledger=e)
        entry = unit.money(c, LedgerKind.DEPOSIT, deposit, actor=actor, milestone=nxt) if deposit else None
        nxt.state = MilestoneState.ACTIVE
        nxt.activated_at = unit.now
        unit.session.add(nxt)
        credit_note = f" ({format_amount(applied, c.currency)} from carried credit)" if applied else ""
        unit.event(c, actor, "funded",
                   f"\"{nxt.title}\" funded with {format_amount(nxt.amount_minor, c.currency)}{credit_note} "
                   "and activated.", milestone=nxt, ledger=entry,
                   before={"state": "future"}, after={"state": "active", "deposit": deposit, "credit": applied})
    return board(db, contract_id, clock)


def submit_work(db: Database, contract_id: int, *, actor: str = Side.FREELANCER, message: str = "",
                clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """M8, M9: submit the active milestone's work and start the review clock."""
    with operation(db, clock, contract_id=contract_id, kind="submit_work", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="submit work")
        require_fixed(c, "submit")
        require_side(actor, Side.FREELANCER, "M9", "submit work")
        text = validate.message(message, rule="M9")
        plan = unit.milestones(c.id)
        active = next((m for m in plan if m.state == MilestoneState.ACTIVE), None)
        if active is None:
            submitted = next((m for m in plan if m.state == MilestoneState.SUBMITTED), None)
            if submitted:
                raise DomainError("M9", f"\"{submitted.title}\" is already submitted; wait for the client to "
                              "release payment or request changes.")
            nxt = next((m for m in plan if m.state == MilestoneState.FUTURE), None)
            if nxt:
                raise DomainError("M8", f"\"{nxt.title}\" is not funded yet; work starts only on funded "
                                        "milestones, so ask the client to fund it first.")
            raise DomainError("M8", "no milestone is active, so there is nothing to submit; the client funds the next "
                              "milestone first.")
        review = c.review_days
        active.state = MilestoneState.SUBMITTED
        active.submitted_at = unit.now
        active.submission_message = text
        active.review_due_at = unit.now.add(days=review) if review is not None else None
        unit.session.add(active)
        when = f"; released automatically on {active.review_due_at.to_date_string()} without review (M11)" \
            if review is not None else ""
        unit.event(c, actor, "submitted", f"Work submitted on \"{active.title}\"{when}.",
                   milestone=active, before={"state": "active"},
                   after={"state": "submitted", "message": text, "review_due_at": active.review_due_at})
    return board(db, contract_id, clock)


def revision_rounds(unit, milestone_id: int) -> int:
    """M10: how many times changes were requested on this milestone's work so far."""
    # A round undone (its action taken back) did not happen; its event stays in the journal (R5).
    return unit.session.exec(select(func.count()).select_from(Event)
                             .outerjoin(Action, col(Action.id) == Event.action_id)
                             .where(Event.milestone_id == milestone_id, Event.kind == "changes_requested")
                             .where(col(Action.undone_at).is_(None))).one()


def request_changes(db: Database, contract_id: int, *, actor: str = Side.CLIENT, message: str = "",
                    clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """M10: the client sends the submission back; the review clock stops."""
    with operation(db, clock, contract_id=contract_id, kind="request_changes", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="request changes")
        require_fixed(c, "request changes on")
        require_side(actor, Side.CLIENT, "M10", "request changes to submitted work")
        text = validate.message(message, rule="M10")
        sub = next((m for m in unit.milestones(c.id) if m.state == MilestoneState.SUBMITTED), None)
        if sub is None:
            raise DomainError("M10", "no milestone is submitted; changes can be requested only on submitted work.")
        sub.state = MilestoneState.ACTIVE
        sub.review_due_at = None
        unit.session.add(sub)
        # Recorded even past the contract's cap (it happened on the platform), with a warning.
        rounds = revision_rounds(unit, sub.id) + 1
        past = c.revision_cap is not None and rounds > c.revision_cap
        note = f" Revision round {rounds}, past the cap of {c.revision_cap}." if past else ""
        unit.event(c, actor, "changes_requested", f"Changes requested on \"{sub.title}\".{note}", milestone=sub,
                   before={"state": "submitted"}, after={"state": "active", "message": text, "revision": rounds})
    return board(db, contract_id, clock)
