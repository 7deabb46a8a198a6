"""Sending and proposing a plan batch, and the change request's outcome (R1-R5).

The client sends a draft and it applies at once (R1); the freelancer proposes it as a change
request (R2), which the freelancer may withdraw (R3) and the client accepts or declines (R4);
a request that no longer applies to the current plan can only be declined (R4, R5). Drafting
itself is in ``plan.py``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import delete, select

from cairn.storage import validate
from cairn.storage.diff import PlanDiff, Row, diff, sequence
from cairn.storage.errors import DomainError
from cairn.storage.models import (
    ChangeRequest,
    Contract,
    Milestone,
    MilestoneState,
    PlanDraft,
    PlanItem,
    RequestStatus,
    Side,
)
from cairn.storage.money import format_amount
from cairn.storage.operations.history import raw
from cairn.storage.operations.plan_rows import (
    current_rows,
    draft_of,
    item_row,
    items_of,
    live,
    materialize,
    pending_request,
)
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit, require_side
from cairn.storage.queries.board import board, plan_items

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board


# --- sending and proposing -----------------------------------------------------------
def _batch(unit: Unit, c: Contract, d: PlanDraft | None, verb: str) -> tuple[list[Row], list[PlanItem], PlanDiff]:
    items = items_of(unit, draft_id=d.id) if d else []
    rows = current_rows(unit, c)
    change = diff(rows, [item_row(i) for i in items])
    if change.problems:
        raise DomainError("R4", "the draft no longer applies: " + " ".join(change.problems)
                          + " Discard the draft and start again.")
    if d is None or change.empty:
        raise DomainError("R1", f"the draft has no changes to {verb}; add, edit, delete or move a future "
                                "milestone first.")
    return rows, items, change


def send_changes(db: Database, contract_id: int, *, actor: str = Side.CLIENT, message: str = "",
                 clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """R1: the client applies their draft in one transaction."""
    with operation(db, clock, contract_id=contract_id, kind="send_changes", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="change its plan")
        require_side(actor, Side.CLIENT, "R1", "change the plan directly (the freelancer proposes changes)")
        if req := pending_request(unit, c):
            raise DomainError("R3", f"a change request from the freelancer is pending (sent "
                                    f"{req.created_at:%Y-%m-%d}); accept or decline it first.")
        d = draft_of(unit, c, Side.CLIENT)
        rows, items, change = _batch(unit, c, d, "send")
        _apply(unit, c, rows, items, actor, change, sent=d)
        unit.event(c, actor, "plan_changed", f"Plan changed by the client: {summary(change, c.currency)}.",
                   before={"total": change.total_before}, after={"total": change.total_after,
                                                                  "message": validate.message(message, rule="R1")})
        unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
        unit.session.delete(d)
    return board(db, contract_id, clock, side=Side.CLIENT)


def propose_changes(db: Database, contract_id: int, *, actor: str = Side.FREELANCER, message: str = "",
                    clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """R2, R3: the freelancer's draft becomes the contract's one pending change request."""
    with operation(db, clock, contract_id=contract_id, kind="propose_changes", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="propose changes")
        require_side(actor, Side.FREELANCER, "R2", "propose changes (the client sends them directly)")
        if pending_request(unit, c):
            raise DomainError("R3", "a change request is already pending; withdraw it, or wait for the "
                                    "client to accept or decline it.")
        d = draft_of(unit, c, Side.FREELANCER)
        _rows, items, change = _batch(unit, c, d, "propose")
        req = ChangeRequest(contract_id=c.id, proposed_by=actor, message=validate.message(message, rule="R2"),
                            created_at=unit.now)
        unit.session.add(req)
        unit.session.flush()
        for it in items:
            it.draft_id, it.request_id = None, req.id
            unit.session.add(it)
        unit.session.flush()
        unit.session.delete(d)
        unit.event(c, actor, "change_requested",
                   f"Change request proposed: {summary(change, c.currency)}.",
                   after={"request": req.id, "diff": change.as_dict()})
    return board(db, contract_id, clock, side=Side.FREELANCER)


def withdraw_change_request(db: Database, contract_id: int, *, actor: str = Side.FREELANCER,
                            clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """R3: the freelancer takes back their pending request."""
    return _decide(db, contract_id, actor=actor, clock=clock, expect_version=expect_version,
                   outcome=RequestStatus.WITHDRAWN, at=at)


def accept_change_request(db: Database, contract_id: int, *, actor: str = Side.CLIENT, clock: Clock,
                          expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """R4: apply the whole request in one transaction, or refuse if it no longer applies."""
    return _decide(db, contract_id, actor=actor, clock=clock, expect_version=expect_version,
                   outcome=RequestStatus.ACCEPTED, at=at)


def decline_change_request(db: Database, contract_id: int, *, actor: str = Side.CLIENT, reason: str = "",
                           clock: Clock, expect_version: int | None = None, at: datetime | str | None = None) -> Board:
    """R4: declining changes nothing but the request's status."""
    return _decide(db, contract_id, actor=actor, clock=clock, expect_version=expect_version,
                   outcome=RequestStatus.DECLINED, reason=reason, at=at)


_KINDS = {RequestStatus.ACCEPTED: "accept_change_request", RequestStatus.DECLINED: "decline_change_request",
          RequestStatus.WITHDRAWN: "withdraw_change_request"}


def _decide(db: Database, contract_id: int, *, actor: str, clock: Clock, expect_version: int | None,
            outcome: RequestStatus, reason: str = "", at: datetime | str | None = None) -> Board:
    with operation(db, clock, contract_id=contract_id, kind=_KINDS[outcome], at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="answer change requests")
        if outcome == RequestStatus.WITHDRAWN:
            require_side(actor, Side.FREELANCER, "R3", "withdraw a change request")
        else:
            require_side(actor, Side.CLIENT, "R3", f"{'accept' if outcome == RequestStatus.ACCEPTED else 'decline'}"
                                                   " a change request")
        req = pending_request(unit, c)
        if req is None:
            raise DomainError("R3", "no change request is pending on this contract; it may have been "
                                    "withdrawn or answered in another session, so there is nothing to answer now.")
        items = items_of(unit, request_id=req.id)
        rows = current_rows(unit, c)
        change = diff(rows, [item_row(i) for i in items])
        if outcome == RequestStatus.ACCEPTED:
            if change.problems:
                raise DomainError("R4", "the change request no longer applies: " + " ".join(change.problems)
                                  + " Decline it and ask the freelancer for a new one.")
            _apply(unit, c, rows, items, actor, change)
        req.status = outcome
        req.decided_at, req.decided_by = unit.now, actor
        req.outcome = validate.message(reason, rule="R4", label="reason")
        req.diff_json = json.dumps(change.as_dict(), sort_keys=True)
        unit.session.add(req)
        verb = {"accepted": "accepted", "declined": "declined", "withdrawn": "withdrawn"}[outcome.value]
        unit.event(c, actor, f"change_request_{verb}",
                   f"Change request {verb} by the {actor}: {summary(change, c.currency)}.",
                   before={"status": "pending"}, after={"status": outcome.value, "reason": req.outcome})
    return board(db, contract_id, clock)


def _apply(unit: Unit, c: Contract, rows: list[Row], items: list[PlanItem], actor: str, change: PlanDiff,
           sent: PlanDraft | None = None) -> None:
    """Apply a batch; ``rows`` is the plan as ``current_rows`` read it for the batch's diff."""
    current = unit.milestones(c.id)
    # Only future milestones change (M6); items for milestones activated or deleted since
    # the draft began were checked by ``stale_problems`` and are left alone.
    by_id = {m.id: m for m in current if m.state == MilestoneState.FUTURE}
    fixed = [m for m in current if m.state != MilestoneState.FUTURE]
    # Other drafts (the other side's, or the freelancer's next) stand among the positions renumbered
    # below: their order as it is now, kept once the plan is renumbered.
    unit.session.flush()  # the raw read below sees what this transaction wrote so far
    others = [(d, sequence(rows, plan_items(raw(unit.session), "draft_id", d.id)))
              for d in unit.session.exec(select(PlanDraft).where(PlanDraft.contract_id == c.id))
              if sent is None or d.id != sent.id]
    order: list[Milestone] = []
    for it in sequence(rows, [item_row(i) for i in items]):
        if it.milestone_id is not None and it.milestone_id not in by_id:
            continue
        m = by_id.get(it.milestone_id) if it.milestone_id is not None else None
        if it.deleted and m is not None:
            m.state = MilestoneState.DELETED
            m.closed_at = unit.now
            unit.session.add(m)
            unit.event(c, actor, "milestone_deleted", f"\"{m.title}\" deleted from the plan.", milestone=m,
                       before={"state": "future", "title": m.title, "amount_minor": m.amount_minor},
                       after={"state": "deleted"})
            continue
        if m is None:
            m = Milestone(contract_id=c.id, position=0, title=it.title, description=it.description,
                          due_date=it.due_date, amount_minor=it.amount_minor, created_at=unit.now)
            unit.session.add(m)
            unit.session.flush()
            unit.event(c, actor, "milestone_added",
                       f"\"{m.title}\" added: {format_amount(m.amount_minor, c.currency)}.", milestone=m,
                       after={"title": m.title, "amount_minor": m.amount_minor, "due_date": m.due_date})
        else:
            before = {f: getattr(m, f) for f in ("title", "description", "due_date", "amount_minor")
                      if getattr(m, f) != getattr(it, f)}
            if before:
                for f in before:
                    setattr(m, f, getattr(it, f))
                unit.event(c, actor, "milestone_edited", f"\"{m.title}\" edited: {', '.join(before)}.",
                           milestone=m, before=before, after={f: getattr(m, f) for f in before})
        order.append(m)
    moved = {mv.milestone_id: mv for mv in change.moved}
    for pos, m in enumerate(fixed + order, start=1):
        if m.id in moved:
            mv = moved[m.id]
            unit.event(c, actor, "milestone_moved",
                       f"\"{m.title}\" moved from position {mv.from_position} to {mv.to_position}.",
                       milestone=m, before={"position": mv.from_position}, after={"position": mv.to_position})
        m.position = pos
        unit.session.add(m)
    unit.session.flush()
    # Each other draft names its milestones still future, in its order, at places below every
    # milestone this batch added (they follow it, as futures added since a draft began do).
    still = {m.id for m in order}
    for d, its in others:
        materialize(unit, d.id, [r for r in its if r.item_id is not None or (live(r) and r.milestone_id in still)],
                    len(fixed))


def summary(change: PlanDiff, currency: str) -> str:
    parts = []
    for label, items in (("added", change.added), ("edited", change.edited), ("moved", change.moved),
                         ("deleted", change.removed)):
        if items:
            parts.append(f"{len(items)} {label}")
    total = ""
    if change.total_before != change.total_after:
        total = f", value {format_amount(change.total_before, currency)} → {format_amount(change.total_after, currency)}"
    return (", ".join(parts) or "no changes") + total
