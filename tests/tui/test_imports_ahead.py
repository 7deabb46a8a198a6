"""What the dashboard imports behind its first screen: no ORM for a timer pass with nothing due
(a second of imports that took turns with the keys while the list loaded), and the board's
modules once the list has loaded, so the first contract opens without them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.tui.conftest import NOW


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_a_timer_pass_with_nothing_due_imports_no_orm(seeded, db_path):
    from cairn.storage.api import Database, apply_timers
    from cairn.storage.clock import FixedClock

    with Database.open(db_path) as db:
        apply_timers(db, FixedClock(NOW))  # whatever was due is applied: now nothing is
    assert _run(f"""
        import sys
        from cairn.storage.clock import FixedClock
        from cairn.storage.db import Database
        from cairn.storage.operations.timer_pass import apply_timers

        db = Database.open({str(db_path)!r}, migrate=False)
        fired = apply_timers(db, FixedClock({NOW!r}))
        print(fired, sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic") if m in sys.modules))
    """) == "0 []"


def test_the_boards_modules_are_imported_once_the_list_has_loaded(seeded, db_path):
    assert _run(f"""
        import asyncio, sys
        from cairn.storage.clock import FixedClock
        from cairn.tui.app import make_app

        async def main():
            app = make_app({str(db_path)!r}, clock=FixedClock({NOW!r}))
            async with app.run_test(size=(80, 24)) as pilot:
                before = "cairn.tui.screens.board" in sys.modules
                from tests.tui.asynctest import settle
                await settle(pilot)
                print(before, "cairn.tui.screens.board" in sys.modules)

        asyncio.run(main())
    """) == "False True"


def test_the_boards_modules_wait_for_the_keys_to_be_quiet(seeded, make_test_app, monkeypatch):
    from cairn.tui import app as app_module
    from tests.tui.asynctest import wait_until
    from tests.tui.test_contract_list import drive

    quiet = [False]
    monkeypatch.setattr(app_module, "BOARD_LOOK", 0.0)  # looked at every turn of the loop: counted in rounds

    async def scenario(pilot):
        app = pilot.app
        app._garbage.quiet = lambda: quiet[0]  # keys keep coming
        app._board_prepared = False
        app.prepare_board()
        waited = not app._board_prepared
        await pilot.pause()
        waited = waited and not app._board_prepared
        quiet[0] = True  # a second without a key
        await wait_until(pilot, lambda: app._board_prepared, "the board's modules imported")
        return waited

    assert drive(make_test_app(), scenario)
