"""What every reading shares: the connection a query runs on, the clock's instant, and the
stored texts of instants and days read back. Plain ``sqlite3`` and the standard library only (no
ORM, no pendulum), so the first screen is drawn before either loads."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from cairn.storage.dates import due_instant

if TYPE_CHECKING:
    from cairn.storage.clock import Clock


def connection(db):
    """The ``sqlite3`` connection of a ``Database`` (its reader), or the connection given."""
    return db.reader() if hasattr(db, "reader") else db


def parse_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def parse_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def instant(clock: Clock) -> datetime:
    """The clock's instant as a plain UTC datetime: arithmetic and comparisons stay in the
    standard library (fast, and pendulum 3 drops the zone of ``now + timedelta`` when tzinfo is
    datetime.UTC); SystemClock needs no pendulum for it."""
    fast = getattr(clock, "utcnow", None)
    if fast is not None:
        return fast()
    n = clock.now().astimezone(UTC)
    return datetime(n.year, n.month, n.day, n.hour, n.minute, n.second, n.microsecond, tzinfo=UTC)


def iso_utc(dt: datetime) -> str:
    """An instant as stored: ISO, UTC, microseconds, ``Z``."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def due_at(day: str, as_of: datetime | None = None) -> datetime:
    """``due_instant`` of an ISO day, for lists: cached (the days in a list are few), and keyed
    by the local zone too, so a change of zone (``TZ``) is seen."""
    return _due_at_in(day, time.tzname, time.timezone)


@lru_cache(maxsize=4096)
def _due_at_in(day: str, tzname: tuple[str, str], offset: int) -> datetime:
    return due_instant(date.fromisoformat(day))
