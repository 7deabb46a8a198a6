"""The timer pass (M11 auto-release, P5 availability, P6 silence), as cheap as nothing when nothing is
due: a plain-SQL look first, and the ORM (about a second to import) only when a timer is due. The
dashboard runs it at start-up, as it draws its first screens, and every minute; ``cairn due`` and
``cairn report`` before they answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database


def apply_timers(db: Database, clock: Clock, *, availability: bool = True) -> int:
    """Apply every timer due by the clock's instant, across all contracts; returns how many fired.
    ``availability=False``: P5 alone due is left to the next writer (it records it at the same
    instant, when the money became available)."""
    from cairn.storage.queries.timers import timers_due

    if not timers_due(db, clock, availability=availability):
        return 0
    from cairn.storage.operations.timers import apply_due
    from cairn.storage.operations.unit import Unit

    with db.session() as session:
        return apply_due(Unit(session, clock))
