"""Changing the plan as a batch (R1-R5): drafts, sending, change requests.

Each party has at most one draft per contract: the desired future plan, kept in the
database so a half-made batch survives quitting. The client sends it (applied at once,
R1); the freelancer proposes it as a change request (R2), which the client accepts or
declines (R3, R4).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import col, delete, select

from . import validate
from .diff import PlanDiff, Row, diff
from .errors import DomainError
from .models import (
    ChangeRequest,
    Contract,
    ContractKind,
    Milestone,
    MilestoneState,
    PlanDraft,
    PlanItem,
    RequestStatus,
    Side,
)
from .money import format_amount
from .unit import Unit, operation, require_side

if TYPE_CHECKING:
    from .clock import Clock
    from .db import Database
    from .read import Board

_UNSET = object()


# --- rows --------------------------------------------------------------------------
def milestone_row(m: Milestone) -> Row:
    return Row(milestone_id=m.id, title=m.title, amount_minor=m.amount_minor, due_date=m.due_date,
               description=m.description, state=m.state)


def item_row(it: PlanItem) -> Row:
    return Row(milestone_id=it.milestone_id, title=it.title, amount_minor=it.amount_minor,
               due_date=it.due_date, description=it.description, item_id=it.id, deleted=it.deleted)


def _current(unit: Unit, c: Contract) -> list[Row]:
    return [milestone_row(m) for m in unit.milestones(c.id)]


def _draft(unit: Unit, c: Contract, side: str) -> PlanDraft | None:
    return unit.session.exec(select(PlanDraft).where(PlanDraft.contract_id == c.id)
                             .where(PlanDraft.side == side)).first()


def _items(unit: Unit, *, draft_id: int | None = None, request_id: int | None = None) -> list[PlanItem]:
    q = select(PlanItem)
    q = q.where(PlanItem.draft_id == draft_id) if draft_id is not None else q.where(PlanItem.request_id == request_id)
    return list(unit.session.exec(q.order_by(col(PlanItem.seq), col(PlanItem.id))))


def _pending(unit: Unit, c: Contract) -> ChangeRequest | None:
    return unit.session.exec(select(ChangeRequest).where(ChangeRequest.contract_id == c.id)
                             .where(ChangeRequest.status == RequestStatus.PENDING)).first()


# --- drafting ----------------------------------------------------------------------
def _open_draft(unit: Unit, contract_id: int, side: str, expect_version: int | None) -> tuple[Contract, PlanDraft]:
    c = unit.contract(contract_id, expect_version=expect_version, action="change its plan")
    if side not in (Side.CLIENT, Side.FREELANCER):
        raise DomainError("R1", "plan changes are drafted by the client or the freelancer.")
    if c.kind != ContractKind.FIXED:
        raise DomainError("C1", "only fixed-price contracts have milestones.")
    if side == Side.CLIENT and (req := _pending(unit, c)):
        raise DomainError("R3", f"a change request from the freelancer is pending (sent "
                                f"{req.created_at:%Y-%m-%d}); accept or decline it before changing the plan.")
    d = _draft(unit, c, side)
    if d is None:
        d = PlanDraft(contract_id=c.id, side=side, created_at=unit.now, updated_at=unit.now)
        unit.session.add(d)
        unit.session.flush()
        for seq, m in enumerate([m for m in unit.milestones(c.id) if m.state == MilestoneState.FUTURE]):
            unit.session.add(PlanItem(draft_id=d.id, seq=seq, milestone_id=m.id, title=m.title,
                                      description=m.description, due_date=m.due_date, amount_minor=m.amount_minor))
        unit.session.flush()
    else:
        # Futures added since the draft began (by the other side's batch) sit after the
        # draft's rows, as ``resulting_plan`` shows them; make them rows so they can be
        # edited, deleted and moved like the rest.
        items = _items(unit, draft_id=d.id)
        named = {it.milestone_id for it in items if it.milestone_id is not None}
        seq = len(items)
        for m in unit.milestones(c.id):
            if m.state == MilestoneState.FUTURE and m.id not in named:
                unit.session.add(PlanItem(draft_id=d.id, seq=seq, milestone_id=m.id, title=m.title,
                                          description=m.description, due_date=m.due_date,
                                          amount_minor=m.amount_minor))
                seq += 1
        unit.session.flush()
    d.updated_at = unit.now
    unit.session.add(d)
    return c, d


def _find(unit: Unit, c: Contract, items: list[PlanItem], key: str, verb: str) -> PlanItem:
    for it in items:
        if (it.milestone_id is not None and key == f"m{it.milestone_id}") or key == f"n{it.id}":
            return it
    if key.startswith("m") and key[1:].isdigit():
        m = unit.session.get(Milestone, int(key[1:]))
        if m is not None and m.contract_id == c.id:
            if m.state in (MilestoneState.ACTIVE, MilestoneState.SUBMITTED):
                raise DomainError("M6", f"\"{m.title}\" is {m.state} and locked; only future milestones can "
                                        f"be {verb}.")
            if m.state != MilestoneState.FUTURE:
                raise DomainError("M6", f"\"{m.title}\" is {m.state}: history can't be {verb}.")
    raise DomainError("R1", "that milestone is no longer in the plan; the board now shows the current plan.")


def _finish(unit: Unit, c: Contract, d: PlanDraft) -> None:
    """Renumber, and drop a draft that no longer changes anything."""
    items = _items(unit, draft_id=d.id)
    for seq, it in enumerate(items):
        it.seq = seq
        unit.session.add(it)
    unit.session.flush()
    if diff(_current(unit, c), [item_row(i) for i in items]).empty:
        unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
        unit.session.delete(d)
    c.version += 1
    unit.session.add(c)


def _fields(c: Contract, unit: Unit, *, title=_UNSET, amount=_UNSET, due_date=_UNSET, description=_UNSET) -> dict:
    out = {}
    if title is not _UNSET:
        out["title"] = validate.title(title)
    if amount is not _UNSET:
        out["amount_minor"] = validate.amount(amount, c.currency, minimum=unit.profile(c).minimum_minor)
    if due_date is not _UNSET:
        out["due_date"] = validate.due_date(due_date)
    if description is not _UNSET:
        out["description"] = validate.description(description)
    return out


def draft_add(db: Database, contract_id: int, *, side: str, title: str, amount: int | str,
              due_date: date | str | None = None, description: str = "", after_key: str | None = None,
              clock: Clock, expect_version: int | None = None) -> Board:
    """Add a future milestone to the draft, at the end or after ``after_key``."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c, d = _open_draft(unit, contract_id, side, expect_version)
        f = _fields(c, unit, title=title, amount=amount, due_date=due_date, description=description)
        items = _items(unit, draft_id=d.id)
        seq = len(items)
        if after_key is not None:
            for i, it in enumerate(items):
                if (it.milestone_id is not None and after_key == f"m{it.milestone_id}") or after_key == f"n{it.id}":
                    seq = i + 1
            for it in items[seq:]:
                it.seq += 1
                unit.session.add(it)
        unit.session.add(PlanItem(draft_id=d.id, seq=seq, milestone_id=None, **f))
        unit.session.flush()
        _finish(unit, c, d)
    return board(db, contract_id, clock, side=side)


def draft_edit(db: Database, contract_id: int, *, side: str, key: str, clock: Clock,
               expect_version: int | None = None, title=_UNSET, amount=_UNSET, due_date=_UNSET,
               description=_UNSET) -> Board:
    """Edit a future milestone in the draft (M6: locked and past ones are refused)."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c, d = _open_draft(unit, contract_id, side, expect_version)
        it = _find(unit, c, _items(unit, draft_id=d.id), key, "edited")
        for name, value in _fields(c, unit, title=title, amount=amount, due_date=due_date,
                                   description=description).items():
            setattr(it, name, value)
        unit.session.add(it)
        _finish(unit, c, d)
    return board(db, contract_id, clock, side=side)


def draft_delete(db: Database, contract_id: int, *, side: str, key: str, clock: Clock,
                 expect_version: int | None = None) -> Board:
    """Mark a future milestone for deletion in the draft; on a marked one, bring it back."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c, d = _open_draft(unit, contract_id, side, expect_version)
        it = _find(unit, c, _items(unit, draft_id=d.id), key, "deleted")
        if it.milestone_id is None:
            unit.session.delete(it)
        else:
            it.deleted = not it.deleted
            unit.session.add(it)
        unit.session.flush()
        _finish(unit, c, d)
    return board(db, contract_id, clock, side=side)


def draft_move(db: Database, contract_id: int, *, side: str, key: str, delta: int = 0,
               to_index: int | None = None, clock: Clock, expect_version: int | None = None) -> Board:
    """Move a future milestone among the futures (M7); ``to_index`` counts future rows from 0."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c, d = _open_draft(unit, contract_id, side, expect_version)
        items = _items(unit, draft_id=d.id)
        it = _find(unit, c, items, key, "moved")
        visible = [i for i in items if not i.deleted]
        if it.deleted:
            raise DomainError("R1", f"\"{it.title}\" is marked for deletion; restore it before moving it.")
        index = visible.index(it)
        target = to_index if to_index is not None else index + delta
        fixed = [m for m in unit.milestones(c.id) if m.state != MilestoneState.FUTURE]
        if target < 0 and fixed:
            last = fixed[-1]
            what = "locked" if last.state in (MilestoneState.ACTIVE, MilestoneState.SUBMITTED) else "past"
            raise DomainError("M7", f"\"{it.title}\" can't move above \"{last.title}\", which is {what}; "
                                    "future milestones always stay below the active one and history.")
        target = max(0, min(target, len(visible) - 1))
        if target != index:
            visible.remove(it)
            visible.insert(target, it)
            # Deleted items keep their slots relative to the visible ones.
            order, vis = [], iter(visible)
            for i in items:
                order.append(i if i.deleted else next(vis))
            for seq, i in enumerate(order):
                i.seq = seq
                unit.session.add(i)
            unit.session.flush()
        _finish(unit, c, d)
    return board(db, contract_id, clock, side=side)


def discard_draft(db: Database, contract_id: int, *, side: str, clock: Clock) -> Board:
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, must_be_open=False)
        d = _draft(unit, c, side)
        if d is not None:
            unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
            unit.session.delete(d)
            c.version += 1
            unit.session.add(c)
    return board(db, contract_id, clock, side=side)


# --- sending and proposing -----------------------------------------------------------
def _batch(unit: Unit, c: Contract, d: PlanDraft | None, verb: str) -> tuple[list[PlanItem], PlanDiff]:
    items = _items(unit, draft_id=d.id) if d else []
    change = diff(_current(unit, c), [item_row(i) for i in items])
    if change.problems:
        raise DomainError("R4", "the draft no longer applies: " + " ".join(change.problems)
                          + " Discard the draft and start again.")
    if d is None or change.empty:
        raise DomainError("R1", f"the draft has no changes to {verb}; add, edit, delete or move a future "
                                "milestone first.")
    return items, change


def send_changes(db: Database, contract_id: int, *, actor: str = Side.CLIENT, message: str = "",
                 clock: Clock, expect_version: int | None = None) -> Board:
    """R1: the client applies their draft in one transaction."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="change its plan")
        require_side(actor, Side.CLIENT, "R1", "change the plan directly (the freelancer proposes changes)")
        if req := _pending(unit, c):
            raise DomainError("R3", f"a change request from the freelancer is pending (sent "
                                    f"{req.created_at:%Y-%m-%d}); accept or decline it first.")
        d = _draft(unit, c, Side.CLIENT)
        items, change = _batch(unit, c, d, "send")
        _apply(unit, c, items, actor, change)
        unit.event(c, actor, "plan_changed", f"Plan changed by the client: {summary(change, c.currency)}.",
                   before={"total": change.total_before}, after={"total": change.total_after,
                                                                  "message": validate.message(message, rule="R1")})
        unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
        unit.session.delete(d)
    return board(db, contract_id, clock, side=Side.CLIENT)


def propose_changes(db: Database, contract_id: int, *, actor: str = Side.FREELANCER, message: str = "",
                    clock: Clock, expect_version: int | None = None) -> Board:
    """R2, R3: the freelancer's draft becomes the contract's one pending change request."""
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="propose changes")
        require_side(actor, Side.FREELANCER, "R2", "propose changes (the client sends them directly)")
        if _pending(unit, c):
            raise DomainError("R3", "a change request is already pending; withdraw it, or wait for the "
                                    "client to accept or decline it.")
        d = _draft(unit, c, Side.FREELANCER)
        items, change = _batch(unit, c, d, "propose")
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
                            clock: Clock, expect_version: int | None = None) -> Board:
    """R3: the freelancer takes back their pending request."""
    return _decide(db, contract_id, actor=actor, clock=clock, expect_version=expect_version,
                   outcome=RequestStatus.WITHDRAWN)


def accept_change_request(db: Database, contract_id: int, *, actor: str = Side.CLIENT, clock: Clock,
                          expect_version: int | None = None) -> Board:
    """R4: apply the whole request in one transaction, or refuse if it no longer applies."""
    return _decide(db, contract_id, actor=actor, clock=clock, expect_version=expect_version,
                   outcome=RequestStatus.ACCEPTED)


def decline_change_request(db: Database, contract_id: int, *, actor: str = Side.CLIENT, reason: str = "",
                           clock: Clock, expect_version: int | None = None) -> Board:
    """R4: declining changes nothing but the request's status."""
    return _decide(db, contract_id, actor=actor, clock=clock, expect_version=expect_version,
                   outcome=RequestStatus.DECLINED, reason=reason)


def _decide(db: Database, contract_id: int, *, actor: str, clock: Clock, expect_version: int | None,
            outcome: RequestStatus, reason: str = "") -> Board:
    from .read import board

    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="answer change requests")
        if outcome == RequestStatus.WITHDRAWN:
            require_side(actor, Side.FREELANCER, "R3", "withdraw a change request")
        else:
            require_side(actor, Side.CLIENT, "R3", f"{'accept' if outcome == RequestStatus.ACCEPTED else 'decline'}"
                                                   " a change request")
        req = _pending(unit, c)
        if req is None:
            raise DomainError("R3", "no change request is pending on this contract; it may have been "
                                    "withdrawn or answered already.")
        items = _items(unit, request_id=req.id)
        change = diff(_current(unit, c), [item_row(i) for i in items])
        if outcome == RequestStatus.ACCEPTED:
            if change.problems:
                raise DomainError("R4", "the change request no longer applies: " + " ".join(change.problems)
                                  + " Decline it and ask the freelancer for a new one.")
            _apply(unit, c, items, actor, change)
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


def _apply(unit: Unit, c: Contract, items: list[PlanItem], actor: str, change: PlanDiff) -> None:
    current = unit.milestones(c.id)
    # Only future milestones change (M6); items for milestones activated or deleted since
    # the draft began were checked by ``stale_problems`` and are left alone.
    by_id = {m.id: m for m in current if m.state == MilestoneState.FUTURE}
    fixed = [m for m in current if m.state != MilestoneState.FUTURE]
    named = {it.milestone_id for it in items if it.milestone_id is not None}
    order: list[Milestone] = []
    for it in items:
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
    order += [m for m in current if m.state == MilestoneState.FUTURE and m.id not in named]
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
