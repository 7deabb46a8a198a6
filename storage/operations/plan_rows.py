"""A plan's rows as drafts and change requests see them: read, and placed.

A batch (a draft, or a change request) stores only the milestones it changes, each at a
``place`` on the scale of the milestones' positions (``storage.diff.sequence``). Here: the
plan and a batch's items read as diff rows, and where a row goes among the others. Drafting
is in ``plan.py``; sending, proposing and answering in ``change_requests.py``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sqlmodel import col, select

from cairn.storage.diff import Row
from cairn.storage.models import (
    ChangeRequest,
    Contract,
    Milestone,
    MilestoneState,
    PlanDraft,
    PlanItem,
    RequestStatus,
)
from cairn.storage.operations.history import raw

if TYPE_CHECKING:
    from cairn.storage.operations.unit import Unit


# --- rows --------------------------------------------------------------------------
def item_row(it: PlanItem) -> Row:
    return Row(milestone_id=it.milestone_id, title=it.title, amount_minor=it.amount_minor,
               due_date=it.due_date, description=it.description, item_id=it.id, deleted=it.deleted,
               moved=bool(it.moved), place=it.place)


def current_rows(unit: Unit, c: Contract) -> list[Row]:
    """The plan as diff rows, read as plain columns: no ORM objects and no instants to parse, so a
    plan of 1,000 milestones reads in milliseconds."""
    q = (select(Milestone.id, Milestone.title, Milestone.amount_minor, Milestone.due_date, Milestone.description,
                Milestone.state, Milestone.position)
         .where(Milestone.contract_id == c.id).where(Milestone.state != MilestoneState.DELETED)
         .order_by(col(Milestone.position), col(Milestone.id)))
    return [Row(milestone_id=i, title=t, amount_minor=a, due_date=due, description=text, state=state, place=pos)
            for i, t, a, due, text, state, pos in unit.session.exec(q)]


def draft_of(unit: Unit, c: Contract, side: str) -> PlanDraft | None:
    return unit.session.exec(select(PlanDraft).where(PlanDraft.contract_id == c.id)
                             .where(PlanDraft.side == side)).first()


def items_of(unit: Unit, *, draft_id: int | None = None, request_id: int | None = None) -> list[PlanItem]:
    q = select(PlanItem)
    q = q.where(PlanItem.draft_id == draft_id) if draft_id is not None else q.where(PlanItem.request_id == request_id)
    return list(unit.session.exec(q.order_by(col(PlanItem.seq), col(PlanItem.id))))


def pending_request(unit: Unit, c: Contract) -> ChangeRequest | None:
    return unit.session.exec(select(ChangeRequest).where(ChangeRequest.contract_id == c.id)
                             .where(ChangeRequest.status == RequestStatus.PENDING)).first()


def live(r: Row) -> bool:
    """A row of a batch's sequence the batch can change: an item, or a future milestone (not the
    history and locked milestones ``sequence`` places the items among)."""
    return r.item_id is not None or r.state == MilestoneState.FUTURE


def materialize(unit: Unit, draft_id: int, rows: list[Row], base: float) -> list[Row]:
    """Make a draft name every milestone of ``rows`` (its items and the future milestones, in
    order), each at a place evenly between ``base`` (the last history or locked milestone's
    position) and the next whole number; return its items.

    For the times a place between two rows cannot be found: an older Cairn's draft, which has no
    places; two neighbours too close for another place between them; a plan renumbered by a batch
    applied (``change_requests._apply``). Rare, so written as plainly as it can be.
    """
    conn = raw(unit.session)
    unnamed = [r for r in rows if r.item_id is None]
    item_of = {}
    if unnamed:
        conn.executemany(
            "insert into plan_item (draft_id, seq, milestone_id, title, deleted, description, due_date, amount_minor,"
            " moved) values (?, 0, ?, ?, 0, ?, ?, ?, 0)",
            [(draft_id, r.milestone_id, r.title, r.description, r.due_date and r.due_date.isoformat(), r.amount_minor)
             for r in unnamed])
        names = {r.milestone_id for r in unnamed}
        item_of = {mid: i for mid, i in conn.execute(
            "select milestone_id, id from plan_item where draft_id = ? and milestone_id is not null", (draft_id,))
            if mid in names}
    out = [replace(r, item_id=r.item_id or item_of[r.milestone_id], state=MilestoneState.FUTURE,
                   place=base + (n + 1) / (len(rows) + 1)) for n, r in enumerate(rows)]
    conn.executemany("update plan_item set seq = ?, place = ? where id = ?",
                     [(n, r.place, r.item_id) for n, r in enumerate(out)])
    return out


def last_fixed(current: list[Row]) -> float:
    """The position the draft's places stay below: the last history or locked milestone's."""
    return max((r.place for r in current if r.state != MilestoneState.FUTURE), default=0)


def between(low: float | None, high: float | None) -> float | None:
    """A place between two rows' (None: the top or the bottom); None when there is no room."""
    if low is None and high is None:
        return 1.0
    if high is None:
        return low + 1
    if low is None:
        return high - 1
    mid = (low + high) / 2
    return mid if low < mid < high else None
