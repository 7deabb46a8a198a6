"""Clocks: everything that depends on "now" takes one, so tests can freeze time."""

from __future__ import annotations

from typing import Protocol

import pendulum


class Clock(Protocol):
    def now(self) -> pendulum.DateTime: ...


class SystemClock:
    def now(self) -> pendulum.DateTime:
        return pendulum.now("UTC")


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, instant: pendulum.DateTime | str) -> None:
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
