"""The unit of work behind every operation: one transaction, its clock, its events.

Operations open a ``Unit`` with ``transaction.operation(db, clock)``, which applies the timers
due by the clock's instant first, so every rule is checked against the state as of now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pendulum
from sqlmodel import Session, col, select

from cairn.storage.errors import Conflict, DomainError, NotFound
from cairn.storage.models import (
    AUTOMATIC,
    LOCKED_STATES,
    Action,
    Contract,
    ContractKind,
    ContractStatus,
    Event,
    LedgerEntry,
    LedgerKind,
    Milestone,
    MilestoneState,
    Side,
)

if TYPE_CHECKING:
    from cairn.storage.clock import Clock


@dataclass
class Balances:
    """Everything derived from a contract's ledger (P4)."""

    held: dict[int, int] = field(default_factory=dict)  # escrow per milestone
    credit: int = 0  # carried credit waiting for the next milestone (P3)
    deposited: int = 0
    released: int = 0
    refunded: int = 0
    bonus: int = 0

    @property
    def escrow(self) -> int:
        return sum(self.held.values())

    def of(self, milestone: Milestone) -> int:
        return self.held.get(milestone.id, 0)


def balances_of(entries: list[LedgerEntry]) -> Balances:
    b = Balances()
    for e in entries:
        m, x = e.milestone_id, e.amount_minor
        if e.kind == LedgerKind.DEPOSIT:
            b.deposited += x
            b.held[m] = b.held.get(m, 0) + x
        elif e.kind == LedgerKind.RELEASE:
            b.released += x
            b.held[m] = b.held.get(m, 0) - x
        elif e.kind == LedgerKind.REFUND:
            b.refunded += x
            if m is None:
                b.credit -= x
            else:
                b.held[m] = b.held.get(m, 0) - x
        elif e.kind == LedgerKind.CREDIT:
            b.held[m] = b.held.get(m, 0) - x
            b.credit += x
        elif e.kind == LedgerKind.CREDIT_APPLIED:
            b.credit -= x
            b.held[m] = b.held.get(m, 0) + x
        elif e.kind == LedgerKind.BONUS:
            b.bonus += x
    b.held = {k: v for k, v in b.held.items() if v}
    return b


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


MILESTONE_FIELDS = ("title", "description", "due_date", "amount_minor", "position", "state")


def snapshot(m: Milestone, fields: tuple[str, ...] = MILESTONE_FIELDS) -> dict[str, Any]:
    return {f: jsonable(getattr(m, f)) for f in fields}


class Unit:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        # ``now`` is when the action being recorded happened (``at=``); ``real_now`` the clock's.
        self.real_now: pendulum.DateTime = clock.now().in_timezone("UTC")
        self.now: pendulum.DateTime = self.real_now
        self.events: list[Event] = []
        self.action: Action | None = None  # the action being logged (history.begin/end)
        self.capture_ready = False  # history's triggers checked on this connection
        # Each contract's version when this transaction began: ``expect_version`` is checked
        # against it, so timers that fire in this transaction (or are re-dated by it) are not
        # taken for another session's change; the rules are checked on the current state anyway.
        self.versions_at_start: dict[int, int] = {}

    # --- loading -----------------------------------------------------------------
    def contract(self, contract_id: int, *, expect_version: int | None = None,
                 must_be_open: bool = True, action: str = "change it") -> Contract:
        c = self.session.get(Contract, contract_id)
        if c is None:
            raise NotFound("Contract", contract_id)
        if expect_version is not None and self.versions_at_start.get(c.id, c.version) != expect_version:
            raise Conflict(
                "this contract changed since the screen showed it (in another Cairn session, or by a "
                "timer such as an automatic release); the screen now shows the current state, so "
                "check it and try again if still needed."
            )
        if must_be_open and c.status == ContractStatus.ENDED:
            raise DomainError("C5", f"\"{c.title}\" has ended and is read-only; you cannot {action}.")
        return c

    def milestones(self, contract_id: int, *, include_deleted: bool = False) -> list[Milestone]:
        q = select(Milestone).where(Milestone.contract_id == contract_id)
        if not include_deleted:
            q = q.where(Milestone.state != MilestoneState.DELETED)
        return list(self.session.exec(q.order_by(col(Milestone.position), col(Milestone.id))))

    def locked(self, contract_id: int) -> Milestone | None:
        for m in self.milestones(contract_id):
            if m.state in LOCKED_STATES:
                return m
        return None

    def ledger(self, contract_id: int) -> list[LedgerEntry]:
        q = select(LedgerEntry).where(LedgerEntry.contract_id == contract_id).order_by(col(LedgerEntry.id))
        return list(self.session.exec(q))

    def balances(self, contract_id: int) -> Balances:
        return balances_of(self.ledger(contract_id))

    # --- writing -----------------------------------------------------------------
    def money(self, contract: Contract, kind: LedgerKind, amount: int, *, actor: str,
              milestone: Milestone | None = None, at: datetime | None = None, note: str = "") -> LedgerEntry:
        if amount <= 0:
            raise AssertionError("ledger entries are positive; the kind says which way money moves")
        at = at or self.now
        available_at = None
        if kind in (LedgerKind.RELEASE, LedgerKind.BONUS):
            available_at = pendulum.instance(at).add(days=contract.hold_days)
        entry = LedgerEntry(contract_id=contract.id, milestone_id=milestone.id if milestone else None,
                            kind=kind, amount_minor=amount, at=at, actor=actor,
                            available_at=available_at, note=note)
        self.session.add(entry)
        self.session.flush()
        return entry

    def event(self, contract: Contract, actor: str, kind: str, summary: str, *,
              milestone: Milestone | None = None, ledger: LedgerEntry | None = None,
              before: Any = None, after: Any = None, at: datetime | None = None) -> Event:
        ev = Event(
            contract_id=contract.id, milestone_id=milestone.id if milestone else None,
            ledger_id=ledger.id if ledger else None, action_id=self.action.id if self.action else None,
            at=at or self.now, actor=str(actor), kind=kind,
            summary=summary,
            before_json=None if before is None else json.dumps(jsonable(before), sort_keys=True),
            after_json=None if after is None else json.dumps(jsonable(after), sort_keys=True),
            # Everything but the timers' work was recorded by the user, whichever side they acted
            # as: it needs no "unread" marker. What happened while they were away does.
            read=str(actor) != AUTOMATIC,
        )
        self.session.add(ev)
        self.events.append(ev)
        contract.version += 1
        self.session.add(contract)
        return ev

    def flush(self) -> None:
        self.session.flush()


def require_fixed(c: Contract, what: str) -> None:
    """C1: only fixed-price contracts have milestones, escrow and the work flow around them."""
    if c.kind != ContractKind.FIXED:
        raise DomainError("C1", f"\"{c.title}\" is an hourly contract: it has no milestones, so there is nothing "
                                f"to {what}; hourly work is recorded on the platform (a bonus or ending the "
                                "contract still applies).")


def require_side(actor: str, side: Side, rule: str, what: str) -> None:
    if actor != side:
        raise DomainError(rule, f"only the {side} can {what}; switch to acting as the {side} to record it.")
