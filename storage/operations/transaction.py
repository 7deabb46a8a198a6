"""One operation, one transaction: the timers due by the time the action happened are applied
first, then the operation runs on the same ``Unit`` dated at that time, then the timers due since
(up to now); all of it commits or none of it does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from cairn.storage.errors import DomainError
from cairn.storage.operations import timing
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
              at: datetime | str | Moment | None = None) -> Iterator[Unit]:
    """One transaction: timers as of ``at`` (default now), the operation dated ``at``, then the
    timers up to now; all or nothing. ``at`` is refused (``field="at"``) if it is in the future,
    before the contract started or before the last event recorded on it."""
    with db.session() as session:
        unit = Unit(session, clock)
        contract = unit.session.get(timing.Contract, contract_id) if contract_id is not None else None
        instant = timing.resolve(unit, contract, at)
        unit.now = instant
        apply_due(unit, contract_id=contract_id)
        try:
            yield unit
        except DomainError as error:
            if contract_id is not None and error.field is None and error.rule in _TIMER_RULES:
                note = timing.timer_note(unit, contract_id, instant)
                if note:
                    raise DomainError(error.rule, error.message + note) from None
            raise
        if unit.now != unit.real_now:
            unit.now = unit.real_now
            apply_due(unit, contract_id=contract_id)
