"""Run async Pilot scenarios from plain pytest functions (the project has no async pytest plugin).

``@asynctest`` turns ``async def test_...(fixtures)`` into a plain test that runs it with
``asyncio.run``; ``drive(app, scenario)`` runs ``scenario(pilot)`` in a headless terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def asynctest(fn: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Run an async test function with ``asyncio.run``; pytest still sees its fixtures."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return asyncio.run(fn(*args, **kwargs))
    return wrapper


async def settle(pilot, rounds: int = 6) -> None:
    """Wait for thread workers and for the callbacks that start the next one."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled):  # a dialog's worker, closed with its dialog
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def drive(app, scenario: Callable[[Any], Awaitable[T]], size: tuple[int, int] = (120, 36)) -> T:
    """Run ``scenario(pilot)`` against ``app`` in a headless terminal of ``size``."""
    async def main() -> T:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            return await scenario(pilot)

    return asyncio.run(main())
