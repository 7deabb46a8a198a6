"""Timers, applied as of the clock's instant and dated when they fell due.

M11: a submission nobody reviewed is released in full after the profile's review window.
P6: a refund request the freelancer did not answer is accepted after the answer window.
P5: released money becomes available after the hold; an event marks the moment.
Each is attributed to ``automatic``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import col, func, select

from cairn.storage.models import (
    AUTOMATIC,
    Action,
    Contract,
    ContractStatus,
    Event,
    LedgerEntry,
    LedgerKind,
    Milestone,
    MilestoneState,
    RefundRequest,
    RefundStatus,
)
from cairn.storage.money import format_amount
from cairn.storage.operations import history
from cairn.storage.operations.escrow import close_refund_requests, settle_refund_request
from cairn.storage.queries.reading import iso_utc
from cairn.storage.queries.timers import due_on

if TYPE_CHECKING:
    from cairn.storage.operations.unit import Unit


def apply_due(unit: Unit, *, contract_id: int | None = None, look_first: bool = True) -> int:
    """Apply every timer due by ``unit.now``; returns how many fired.

    ``look_first``: ask plain SQL whether anything is due before the ORM queries (every action
    runs this twice, and almost always nothing is due). The stateful test turns it off to check
    that the two answers agree."""
    if look_first and not _anything_due(unit, contract_id):
        return 0
    # Reviews and refund answers fire in the order they fell due: a refund accepted by
    # silence on day 7 comes before the automatic release of what is left on day 14.
    due = [(m.review_due_at, 0, m.id, lambda m=m, c=c: _review_ends(unit, m, c))
           for m, c in _due_reviews(unit, contract_id)]
    due += [(r.answer_due_at, 1, r.id, lambda r=r: _silent_refund(unit, r))
            for r in _due_refunds(unit, contract_id)]
    fired = 0
    for _at, _kind, _id, fire in sorted(due, key=lambda t: (t[0], t[1], t[2])):
        fired += fire()
    fired += _availability(unit, contract_id)
    return fired


def _anything_due(unit: Unit, contract_id: int | None) -> bool:
    unit.session.flush()  # the plain connection sees this transaction's rows only once flushed
    return due_on(history.raw(unit.session), iso_utc(unit.now), contract_id=contract_id)


def _review_ends(unit: Unit, m: Milestone, c: Contract) -> int:
    # An earlier timer of this pass may have settled it (a refund of the whole escrow accepted by
    # silence on day 7 closes it and clears its review clock): nothing is left to release, and no
    # action is logged for it (it would have no time to carry).
    if m.state != MilestoneState.SUBMITTED or m.review_due_at is None or c.status != ContractStatus.OPEN:
        return 0
    return _logged(unit, c, m.review_due_at, lambda: _auto_release(unit, m, c))


def _logged(unit: Unit, c: Contract, at, fire) -> int:
    """A timer's firing, logged as its own action by ``automatic`` (undone with the action a party
    recorded before it, and fired again afterwards if it still applies)."""
    history.begin(unit, c, kind=history.TIMER, actor=AUTOMATIC, at=at)
    try:
        return fire()
    finally:
        history.end(unit)


def _due_reviews(unit: Unit, contract_id: int | None) -> list:
    q = (
        select(Milestone, Contract)
        .join(Contract, col(Contract.id) == Milestone.contract_id)
        .where(Milestone.state == MilestoneState.SUBMITTED)
        .where(col(Milestone.review_due_at).is_not(None))
        .where(col(Milestone.review_due_at) <= unit.now)
        .where(Contract.status == ContractStatus.OPEN)
    )
    if contract_id is not None:
        q = q.where(Milestone.contract_id == contract_id)
    return list(unit.session.exec(q))


def _auto_release(unit: Unit, m: Milestone, c: Contract) -> int:
    if m.state != MilestoneState.SUBMITTED or c.status != ContractStatus.OPEN:
        return 0  # an earlier timer already settled it
    at = m.review_due_at
    held = unit.balances(c.id).of(m)
    entry = unit.money(c, LedgerKind.RELEASE, held, actor=AUTOMATIC, milestone=m, at=at) if held else None
    before = {"state": m.state}
    m.state = MilestoneState.RELEASED
    m.closed_at = at
    unit.session.add(m)
    close_refund_requests(unit, c, m, actor=AUTOMATIC, at=at, why="the escrow was released automatically (M11)")
    unit.event(c, AUTOMATIC, "auto_release",
               f"\"{m.title}\" released automatically: {format_amount(held, c.currency)} after "
               f"{c.review_days} days without review (M11).",
               milestone=m, ledger=entry, before=before, after={"state": m.state, "released": held}, at=at)
    return 1


def _due_refunds(unit: Unit, contract_id: int | None) -> list[RefundRequest]:
    q = (
        select(RefundRequest)
        .where(RefundRequest.status == RefundStatus.PENDING)
        .where(col(RefundRequest.answer_due_at) <= unit.now)
    )
    if contract_id is not None:
        q = q.where(RefundRequest.contract_id == contract_id)
    return list(unit.session.exec(q))


def _silent_refund(unit: Unit, r: RefundRequest) -> int:
    if r.status != RefundStatus.PENDING:
        return 0
    c = unit.session.get(Contract, r.contract_id)

    def fire() -> int:
        settle_refund_request(unit, c, r, actor=AUTOMATIC, at=r.answer_due_at,
                              why="the freelancer did not answer in time, so it was accepted (P6)")
        return 1

    return _logged(unit, c, r.answer_due_at, fire)


def _all_available_marked(unit: Unit) -> bool:
    """Across all contracts, has every due release or bonus got its "available" event? Two
    counts answer it in milliseconds; the search for the missing ones scans every past
    release (130 ms on 10,000 contracts), which the dashboard would pay every minute."""
    due = unit.session.exec(
        select(func.count()).select_from(LedgerEntry)
        .where(col(LedgerEntry.kind).in_([LedgerKind.RELEASE, LedgerKind.BONUS]))
        .where(col(LedgerEntry.available_at) <= unit.now)).one()
    marked = unit.session.exec(
        select(func.count()).select_from(Event)
        .join(LedgerEntry, col(LedgerEntry.id) == Event.ledger_id)
        .outerjoin(Action, col(Action.id) == Event.action_id)
        .where(Event.kind == "available").where(col(Action.undone_at).is_(None))
        .where(col(LedgerEntry.available_at) <= unit.now)).one()
    return due == marked


def _availability(unit: Unit, contract_id: int | None) -> int:
    if contract_id is None and _all_available_marked(unit):
        return 0
    # An "available" event of an undone firing does not count: the money becomes available again.
    has_event = (select(Event.id).outerjoin(Action, col(Action.id) == Event.action_id)
                 .where(Event.ledger_id == LedgerEntry.id).where(Event.kind == "available")
                 .where(col(Action.undone_at).is_(None)))
    q = (
        select(LedgerEntry, Contract)
        .join(Contract, col(Contract.id) == LedgerEntry.contract_id)
        .where(col(LedgerEntry.kind).in_([LedgerKind.RELEASE, LedgerKind.BONUS]))
        .where(col(LedgerEntry.available_at) <= unit.now)
        .where(~has_event.exists())
        .order_by(col(LedgerEntry.available_at))
    )
    if contract_id is not None:
        q = q.where(LedgerEntry.contract_id == contract_id)
    rows = list(unit.session.exec(q))
    for entry, c in rows:
        what = "bonus" if entry.kind == LedgerKind.BONUS else "payment"
        _logged(unit, c, entry.available_at, lambda entry=entry, c=c, what=what: unit.event(
            c, AUTOMATIC, "available", f"{format_amount(entry.amount_minor, c.currency)} {what} is now "
            "available (P5).", ledger=entry, at=entry.available_at, milestone=None) and 1)
    return len(rows)
