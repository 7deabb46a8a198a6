"""When a recorded action happened (R5, C2): the ``at=`` every recording operation takes.

The time is what the user says it was (default now), checked against the record: never in the
future, never before the contract started, never before the last event already recorded on the
contract. A bare date ("2026-11-20", "yesterday") is that day, placed at its start or, when
something is already recorded later that day, at that moment, so that a day's events keep the
order they were typed in.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

import pendulum
from sqlmodel import col, select

from cairn.storage import when
from cairn.storage.errors import DomainError
from cairn.storage.models import AUTOMATIC, Action, Contract, Event

if TYPE_CHECKING:
    from cairn.storage.operations.unit import Unit

# Kinds that are Cairn's own bookkeeping, not something that happened on the platform: they are
# dated when typed and never constrain the dates of what is recorded afterwards.
BOOKKEEPING = ("contract_created", "contract_edited", "archived", "unarchived", "undone", "available")
# Timer events that change what can be done next: a refusal caused by one says so.
TIMER_KINDS = ("auto_release", "refund", "refund_request_closed", "milestone_closed")


def contract_start(c: Contract) -> pendulum.DateTime:
    """The first instant of the contract's start date, local time, in UTC."""
    tz = pendulum.local_timezone()
    start = datetime.combine(c.started_on, time(0)).replace(tzinfo=tz)
    return pendulum.instance(start).in_timezone("UTC")


def live_events(q):
    """Events not undone (an event of an undone action stays in the journal, marked)."""
    return q.outerjoin(Action, col(Action.id) == Event.action_id).where(col(Action.undone_at).is_(None))


def last_event(unit: Unit, contract_id: int) -> Event | None:
    """The latest event that dates what is recorded next (R5): anything a party recorded but
    bookkeeping. Timers' firings after it don't count: they are worked out again from what is
    recorded (``transaction``), except those from before the action log, which can't be."""
    q = (live_events(select(Event)).where(Event.contract_id == contract_id)
         .where(col(Event.kind).not_in(BOOKKEEPING))
         .where((Event.actor != AUTOMATIC) | col(Event.action_id).is_(None))
         .order_by(col(Event.at).desc(), col(Event.id).desc()))
    return unit.session.exec(q).first()


def resolve(unit: Unit, c: Contract | None, at: datetime | str | when.Moment | None) -> pendulum.DateTime:
    """The UTC instant an action is recorded at, or a refusal naming the field ``at``."""
    now = unit.real_now
    if at is None or at == "":
        return now
    if isinstance(at, str):
        at = when.parse(at, now=now)
    moment = at if isinstance(at, when.Moment) else when.Moment(pendulum.instance(at).in_timezone("UTC"))
    instant = moment.at
    last = last_event(unit, c.id) if c is not None else None
    if moment.day_only and last is not None:
        last_at = pendulum.instance(last.at)
        if instant <= last_at < moment.day_end:
            instant = last_at  # that day, after what is already recorded on it
    if instant > now:
        raise DomainError(when.RULE, f"{when.describe(instant)} is in the future (it is {when.describe(now)} "
                                     "now); record what has already happened, dated when it happened.",
                          field="at")
    if c is not None:
        start = contract_start(c)
        if instant < start:
            raise DomainError("C2", f"\"{c.title}\" started on {c.started_on.isoformat()}, so nothing can be "
                                    f"recorded on {when.describe(instant)}; check the date, or correct the "
                                    "contract's start date with Edit contract.", field="at")
        if last is not None and instant < pendulum.instance(last.at):
            raise DomainError(when.RULE, f"the last recorded event is dated {when.describe(last.at)} "
                                         f"({_short(last.summary.rstrip('.'))}); record events in the order "
                                         "they happened, or undo the later one first.", field="at")
    return instant


def timer_note(unit: Unit, contract_id: int, at: datetime) -> str:
    """What timers did on the contract since the last action a party recorded, as of ``at``: the
    reason an action may no longer apply ("released automatically on ...")."""
    q = (live_events(select(Event)).where(Event.contract_id == contract_id).where(Event.actor != AUTOMATIC)
         .where(col(Event.kind).not_in(BOOKKEEPING)).order_by(col(Event.at).desc(), col(Event.id).desc()))
    last = unit.session.exec(q).first()
    fired = live_events(select(Event)).where(Event.contract_id == contract_id).where(Event.actor == AUTOMATIC) \
        .where(col(Event.kind).in_(TIMER_KINDS)).where(col(Event.at) <= at)
    if last is not None:
        fired = fired.where(col(Event.id) > last.id)
    notes = [f"on {when.describe(e.at)}: {e.summary}" for e in unit.session.exec(fired.order_by(col(Event.at)))]
    return " Meanwhile, " + "; ".join(notes) if notes else ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

