"""Clocks: everything that depends on "now" takes one, so tests can freeze time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pendulum


class Clock(Protocol):
    def now(self) -> pendulum.DateTime: ...


class SystemClock:
    def now(self) -> pendulum.DateTime:
        import pendulum  # not at import time: reading the first screen needs no pendulum

        return pendulum.now("UTC")

    def utcnow(self) -> datetime:
        """The instant as a plain datetime, for reads that need no calendar arithmetic."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, instant: pendulum.DateTime | str) -> None:
        import pendulum

        if isinstance(instant, str):
            instant = pendulum.parse(instant)
        self._now = instant.in_timezone("UTC")

    def now(self) -> pendulum.DateTime:
        return self._now

    def advance(self, **delta: float) -> pendulum.DateTime:
        self._now = self._now.add(**delta)
        return self._now

    def set(self, instant: pendulum.DateTime) -> None:
        self._now = instant.in_timezone("UTC")
