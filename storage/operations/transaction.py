"""One operation, one transaction, one logged action.

The operation is dated when it happened (``at=``, default now). First, timers that fired after
the last action a party recorded and later than that time are taken back (they were worked
out without it); then the timers due by that time are applied, the operation runs dated at it
and is logged as one action (``history``: what it changed, for undo), and the timers due since,
up to now, follow, each logged as its own firing. All of it commits or none of it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from cairn.storage.errors import DomainError
from cairn.storage.models import Contract
from cairn.storage.operations import history, timing
from cairn.storage.operations.timers import apply_due
from cairn.storage.operations.unit import Unit

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.when import Moment

# Refusals that a timer firing first can explain ("released automatically on ...").
_TIMER_RULES = {"M8", "M9", "M10", "P1", "P3", "P6"}


@contextmanager
def operation(db: Database, clock: Clock, *, contract_id: int | None = None,
              at: datetime | str | Moment | None = None, kind: str = "action",
              actor: str | None = None, logged: bool = True) -> Iterator[Unit]:
    """One transaction: the operation dated ``at`` (default now) and logged as one action of
    ``kind``, with the timers before and after it; all or nothing. ``at`` is refused
    (``field="at"``) if it is in the future, before the contract started or before the last event
    recorded on it. ``logged=False``: no action is logged (deleting the contract itself)."""
    with db.session() as session:
        unit = Unit(session, clock)
        contract = session.get(Contract, contract_id) if contract_id is not None else None
        if contract is not None:
            unit.versions_at_start[contract.id] = contract.version
        instant = timing.resolve(unit, contract, at)
        if contract is not None:
            _redate_timers(unit, contract, instant)
        unit.now = instant
        apply_due(unit, contract_id=contract_id)
        if contract is not None and logged:
            history.begin(unit, contract, kind=kind, actor=actor or contract.my_side, at=instant)
        try:
            yield unit
        except DomainError as error:
            if contract_id is not None and error.field is None and error.rule in _TIMER_RULES:
                note = timing.timer_note(unit, contract_id, instant)
                if note:
                    raise DomainError(error.rule, error.message + note) from None
            raise
        history.end(unit)
        if instant != unit.real_now:  # recorded late: the timers due since then, up to now
            unit.now = unit.real_now
            apply_due(unit, contract_id=contract_id)


def _redate_timers(unit: Unit, contract: Contract, instant: datetime) -> None:
    """An action recorded late, dated before timers that already fired after the last recorded
    action: those firings were worked out without it. They are taken back (the journal keeps them,
    undone) and fire again below, as of when the action happened, if they still apply."""
    since = history.timers_since_last_recorded(unit, contract.id, later_than=instant)
    if since:
        history.revert(unit, contract, since)
