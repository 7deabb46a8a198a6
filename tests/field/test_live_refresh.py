"""A second session's commit shows up on this screen within a second, untouched by the user."""

from __future__ import annotations

import asyncio
import time

from cairn.storage import api
from cairn.storage.clock import FixedClock
from tests.tui.conftest import NOW, seed_basic


def test_other_sessions_changes_appear_within_a_second(tmp_path):
    from cairn.tui.app import make_app

    path = tmp_path / "two.db"
    seed_basic(path, FixedClock(NOW))

    async def main():
        app = make_app(path, clock=FixedClock(NOW))
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            table = pilot.app.screen.table
            before = table.row_count
            other = api.Database.open(path)  # the other session: its own connections
            api.create_contract(other, title="From the other terminal", clock=FixedClock(NOW))
            other.close()
            started = time.monotonic()
            while table.row_count == before and time.monotonic() - started < 3:
                await pilot.pause(0.05)
            seen_after = time.monotonic() - started
            assert table.row_count == before + 1
            assert seen_after < 1.0, f"took {seen_after:.2f}s"

    asyncio.run(main())
