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


class NeverSettled(AssertionError):
    """The app kept working past ``settle``'s limit: a loop of reloads, or a worker that hangs."""


async def settle(pilot, rounds: int | None = None, *, limit: int = 2000) -> None:
    """Wait until the app is settled, a state with a name rather than a time:

    - every message queue of the app and the current screen is empty (``pilot.pause``);
    - no worker is pending or running (storage calls, loads, the timer pass);
    - every key typed has been let through the app's key gate (``CairnApp.key_gate.idle``);
    - the first timer pass has started (``CairnApp.timers_started``; tests make it immediate);
    - the database holds no commit the screens have not been told of (``poll_database``).

    Checked until one round finds nothing left to do; ``NeverSettled`` after ``limit`` rounds
    (as many as ``wait_until``'s: under load, 200 were once used up while the key gate held a key
    it lets go after ``LONGEST_HOLD`` at the latest). ``rounds`` is accepted for old callers and
    ignored.
    """
    from textual.worker import WorkerCancelled, WorkerState

    app = pilot.app
    for _ in range(limit):
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if busy:
            with contextlib.suppress(WorkerCancelled):  # a dialog's worker, closed with its dialog
                await app.workers.wait_for_complete(busy)
            continue
        if not getattr(app, "timers_started", True):
            continue
        gate = getattr(app, "key_gate", None)
        if gate is not None and not gate.idle:
            continue
        poll = getattr(app, "poll_database", None)
        if poll is not None and getattr(app, "_watcher", None) is not None and poll():
            continue  # screens were told; their reloads are the next round's workers
        await pilot.pause()  # what the last callbacks posted
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers) and (
                gate is None or gate.idle):
            return
    gate = getattr(app, "key_gate", None)
    raise NeverSettled(f"the app did not settle in {limit} rounds: {list(app.workers)}"
                       + (f"; keys waiting: {len(gate.waiting)}, one in flight: {gate.busy}" if gate else ""))


async def wait_until(pilot, condition: Callable[[], bool], what: str, *, limit: int = 2000) -> None:
    """Let the app run until ``condition()`` holds: for states a worker does not mark, such as
    the command palette's search results (gathered in a task). Counted in rounds of the event
    loop, not seconds, so a loaded machine only makes it slower; ``NeverSettled`` after ``limit``."""
    for _ in range(limit):
        if condition():
            return
        await pilot.pause()
    raise NeverSettled(f"never happened: {what}")


def drive(app, scenario: Callable[[Any], Awaitable[T]], size: tuple[int, int] = (120, 36)) -> T:
    """Run ``scenario(pilot)`` against ``app`` in a headless terminal of ``size``."""
    async def main() -> T:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            return await scenario(pilot)

    return asyncio.run(main())
