"""A second session's commit shows up on this screen, untouched by the user: the app polls the
database's data version every POLL_SECONDS (half a second), so it comes within a second on an idle
machine. The test waits for the new row (generously, for a loaded machine) and checks the polling
interval, rather than timing the wait: a timed assertion flakes when the machine is busy."""

from __future__ import annotations

import asyncio
import time

from cairn.storage import api
from cairn.storage.clock import FixedClock
from cairn.tui.watch import POLL_SECONDS
from tests.tui.conftest import NOW, seed_basic


def test_other_sessions_changes_appear_without_a_key(tmp_path):
    assert POLL_SECONDS <= 0.5  # within a second on an idle machine
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
            deadline = time.monotonic() + 60
            while table.row_count == before and time.monotonic() < deadline:
                await pilot.pause(0.05)  # the state waited for is the row count; this only yields
            assert table.row_count == before + 1

    asyncio.run(main())
