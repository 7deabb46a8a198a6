"""Corrections: edit a contract's details (C2), and undo the last action recorded on it (R5).

Undo takes back the most recent action a party recorded, with everything it set off: the
timers that fired after it, the money it moved, the rows it added. Every row goes back to how it
was before, so every query answers as before; the journal keeps the action and the undo (R5).
Timers that fired after it and still apply fire again, dated when they fell due.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pendulum
from sqlmodel import col, select

from cairn.storage import validate
from cairn.storage.errors import DomainError
from cairn.storage.models import (
    ChangeRequest,
    Contract,
    ContractKind,
    Event,
    LedgerEntry,
    MilestoneState,
    PlanDraft,
    RequestStatus,
)
from cairn.storage.money import check_currency, exponent, format_amount
from cairn.storage.operations import history, timing
from cairn.storage.operations.profiles import find_profile, terms_from
from cairn.storage.operations.timers import apply_due
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit
from cairn.storage.queries.board import board
from cairn.storage.when import describe

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board


_UNSET = object()


def edit_contract(db: Database, contract_id: int, *, clock: Clock, expect_version: int | None = None,
                  title=_UNSET, client_name=_UNSET, notes=_UNSET, started_on=_UNSET, currency=_UNSET,
                  kind=_UNSET, profile=_UNSET) -> Board:
    """C2: correct a contract's details while it is open: title, client, notes and start date at
    any time; currency, kind (C1) and platform profile (P9) only while no money has moved.
    Recorded as an event with the values before and after (R5); undone like any action."""
    with operation(db, clock, contract_id=contract_id, kind="edit_contract") as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="edit it")
        new: dict = {}
        if title is not _UNSET:
            new["title"] = validate.text(title, rule="C2", field="title", label="contract title", max_len=200,
                                         required=True)
        if client_name is not _UNSET:
            new["client_name"] = validate.text(client_name, rule="C2", field="client_name", label="client name",
                                               max_len=200)
        if notes is not _UNSET:
            new["notes"] = validate.text(notes, rule="C2", field="notes", label="notes", max_len=20_000,
                                         multiline=True)
        if started_on is not _UNSET:
            new["started_on"] = _start(unit, c, started_on)
        money_moved = unit.session.exec(select(LedgerEntry.id).where(LedgerEntry.contract_id == c.id)).first()
        if currency is not _UNSET and check_currency(currency) != c.currency:
            _no_money(money_moved, c, "currency", "P4", "amounts already moved are exact in it")
            new["currency"] = check_currency(currency)
            _convert_amounts(unit, c, new["currency"])
        if kind is not _UNSET and kind != c.kind:
            _no_money(money_moved, c, "kind", "C1", "its milestones were paid as fixed-price")
            new["kind"] = _kind(unit, c, kind)
        if profile is not _UNSET:
            p = find_profile(unit.session, profile)
            if p.id != c.profile_id:
                _no_money(money_moved, c, "profile", "P9", "the money already moved followed its numbers")
                _meets_minimum(unit, c, p, new.get("currency", c.currency))
                new["profile_id"] = p.id
                new.update(terms_from(p))  # the contract keeps its new profile's numbers
        changed = {k: v for k, v in new.items() if getattr(c, k) != v}
        if not changed:
            return board(db, contract_id, clock)
        before = {k: getattr(c, k) for k in changed}
        for k, v in changed.items():
            setattr(c, k, v)
        unit.session.add(c)
        names = {"client_name": "client", "started_on": "start date", "profile_id": "platform profile"}
        unit.event(c, c.my_side, "contract_edited",
                   "Contract edited: " + ", ".join(names.get(k, k) for k in changed) + ".",
                   before=before, after=changed)
    return board(db, contract_id, clock)


def _no_money(moved, c: Contract, what: str, rule: str, why: str) -> None:
    if moved:
        raise DomainError(rule, f"\"{c.title}\" has moved money, so its {what} can't change ({why}); "
                                "record a new contract for different terms.", field=what)


def _start(unit: Unit, c: Contract, value) -> date:
    day = validate.due_date(value, rule="C2", field="started_on")
    if day is None:
        raise DomainError("C2", "the start date is empty; type it as YYYY-MM-DD.", field="started_on")
    first = unit.session.exec(
        timing.live_events(select(Event)).where(Event.contract_id == c.id)
        .where(col(Event.kind).not_in(timing.BOOKKEEPING)).order_by(col(Event.at), col(Event.id))).first()
    if first is not None:
        first_day = pendulum.instance(first.at).in_timezone(pendulum.local_timezone()).date()
        if day > first_day:
            raise DomainError("C2", f"events are recorded on \"{c.title}\" from {first_day.isoformat()} "
                                    f"(\"{first.summary.rstrip('.')}\"), so it started on that day or before; "
                                    "give an earlier date, or undo those events first.", field="started_on")
    return day


def _kind(unit: Unit, c: Contract, kind: str) -> str:
    if kind not in (ContractKind.FIXED, ContractKind.HOURLY):
        raise DomainError("C1", "a contract is fixed-price or hourly; choose one of them.", field="kind")
    if kind == ContractKind.HOURLY:
        plan = [m for m in unit.milestones(c.id) if m.state != MilestoneState.VOIDED]
        drafts = unit.session.exec(select(PlanDraft.id).where(PlanDraft.contract_id == c.id)).first()
        pending = unit.session.exec(select(ChangeRequest.id).where(ChangeRequest.contract_id == c.id)
                                    .where(ChangeRequest.status == RequestStatus.PENDING)).first()
        if plan or drafts or pending:
            raise DomainError("C1", "only fixed-price contracts have milestones, and this one has a plan "
                                    "(or a draft or change request for one); delete its milestones first, or keep "
                                    "it fixed-price.", field="kind")
    return kind


def _convert_amounts(unit: Unit, c: Contract, currency: str) -> None:
    """The plan keeps its amounts as written (100.00 USD -> 100.00 EUR); between currencies with
    other minor units (JPY has none) only when every amount stays exact."""
    shift = exponent(currency) - exponent(c.currency)
    if not shift:
        return
    rows = list(unit.milestones(c.id, include_deleted=True))
    drafts = unit.session.exec(select(PlanDraft.id).where(PlanDraft.contract_id == c.id)).first()
    pending = unit.session.exec(select(ChangeRequest.id).where(ChangeRequest.contract_id == c.id)
                                .where(ChangeRequest.status == RequestStatus.PENDING)).first()
    if drafts or pending:
        raise DomainError("P4", f"{currency} counts in other units than {c.currency}; send or discard the plan "
                                "drafts and change requests first, then change the currency.", field="currency")
    for m in rows:
        if shift > 0:
            m.amount_minor *= 10 ** shift
        elif m.amount_minor % 10 ** -shift:
            raise DomainError("P4", f"\"{m.title}\" is {format_amount(m.amount_minor, c.currency)}, which is not "
                                    f"a whole amount in {currency}; round it first, then change the currency.",
                              field="currency")
        else:
            m.amount_minor //= 10 ** -shift
        unit.session.add(m)


def _meets_minimum(unit: Unit, c: Contract, p, currency: str) -> None:
    for m in unit.milestones(c.id):
        if m.state == MilestoneState.FUTURE and m.amount_minor < p.minimum_minor:
            raise DomainError("P9", f"\"{m.title}\" is {format_amount(m.amount_minor, currency)}, below "
                                    f"{p.name}'s minimum of {format_amount(p.minimum_minor, currency)}; raise it "
                                    "first, or keep the profile.", field="profile")


def undo_last_action(db: Database, contract_id: int, *, clock: Clock, action_id: int | None = None,
                     expect_version: int | None = None) -> Board:
    """Undo the contract's last recorded action (``action_id``: the one the screen offered; if a
    later one was recorded meanwhile, refused naming it)."""
    with db.session() as session:
        unit = Unit(session, clock)
        c = unit.contract(contract_id, expect_version=expect_version, must_be_open=False)
        target = history.last_recorded(unit, c.id)
        if target is None:
            raise DomainError("R5", _nothing_to_undo(unit, c))
        if action_id is not None and target.id != action_id:
            raise DomainError("R5", f"\"{_short(target.summary)}\" was recorded after it (dated "
                                    f"{describe(target.at)}); undo that first, or leave both.")
        history.revert(unit, c, [a for a in history.live(unit, c.id) if a.id >= target.id])
        c = session.get(Contract, contract_id)
        what = (target.summary or target.kind).rstrip(".")
        unit.event(c, c.my_side, "undone", f"Undone: {what} (dated {describe(target.at)}).",
                   before={"action": target.id, "kind": target.kind, "at": target.at}, at=unit.real_now)
        # Timers that fired after it and did not depend on it fire again, dated when they fell due.
        apply_due(unit, contract_id=c.id)
    return board(db, contract_id, clock)


def _nothing_to_undo(unit: Unit, c: Contract) -> str:
    legacy = unit.session.exec(
        select(Event.id).where(Event.contract_id == c.id).where(col(Event.action_id).is_(None))
        .where(col(Event.kind).not_in(timing.BOOKKEEPING))).first()
    if legacy is not None:
        return (f"nothing on \"{c.title}\" can be undone: what is recorded on it was recorded before this "
                "version of Cairn kept what each action changed; record a correcting action instead.")
    return (f"nothing has been recorded on \"{c.title}\" since it was created, so there is nothing to undo; "
            "to remove the contract itself, delete it (C6).")


def _short(text: str, limit: int = 80) -> str:
    text = text.rstrip(".")
    return text if len(text) <= limit else text[: limit - 1] + "…"
