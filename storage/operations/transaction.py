"""One operation, one transaction: the timers due by now are applied first, then the operation
runs on the same ``Unit``; all of it commits or none of it does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from cairn.storage.operations.timers import apply_due
from cairn.storage.operations.unit import Unit

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database


@contextmanager
def operation(db: Database, clock: Clock, *, contract_id: int | None = None) -> Iterator[Unit]:
    """One transaction: timers as of now, then the operation; all or nothing."""
    with db.session() as session:
        unit = Unit(session, clock)
        apply_due(unit, contract_id=contract_id)
        yield unit
