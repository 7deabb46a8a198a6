"""The contract list's big load waits while a key is answered (tui/keys_first.py)."""

from __future__ import annotations

import asyncio
import threading

from cairn.tui import keys_first
from cairn.tui.keys_first import KeysFirst
from tests.tui.asynctest import drive, settle


def _waiter(first: KeysFirst) -> tuple[threading.Thread, threading.Event]:
    done = threading.Event()
    thread = threading.Thread(target=lambda: (first.wait_turn(), done.set()), daemon=True)
    thread.start()
    return thread, done


def test_the_load_waits_from_a_key_read_until_its_answer_is_drawn(monkeypatch):
    monkeypatch.setattr(keys_first, "HOLD", 60.0)  # longer than any test: only the answer ends the wait
    first = KeysFirst()
    first.wait_turn()  # no key: no wait
    first.key_read()
    thread, done = _waiter(first)
    assert not done.wait(0.05)  # waiting (a bounded look, not a sleep the result hangs on)
    first.landed(1)
    assert not done.wait(0.05)  # landed, its frame not out yet
    first.key_read()  # a second key, read before the first one's frame
    first.frame_out()
    assert not done.wait(0.05)  # the second key has not landed
    first.landed(2)
    thread.join(60)  # at once once released; the bound only ends a broken run
    assert done.is_set() and not first.holding


def test_a_key_landing_after_its_frame_went_out_lets_the_load_go_on_at_once(monkeypatch):
    monkeypatch.setattr(keys_first, "HOLD", 60.0)
    first = KeysFirst()
    first.key_read()
    first.frame_out()  # the cursor's frame, drawn before the key gate's last round came back
    assert first.holding
    first.landed(1)
    assert not first.holding


def test_a_key_whose_answer_never_comes_holds_the_load_no_longer_than_hold(monkeypatch):
    monkeypatch.setattr(keys_first, "HOLD", 0.0)
    first = KeysFirst()
    first.key_read()
    first.wait_turn()  # returns: the hold is over
    assert not first.holding


def test_the_full_load_looks_at_its_turn_in_sqlite_and_between_rows(seeded, db_path, clock, monkeypatch):
    from cairn.storage import db as db_module
    from cairn.storage.api import Database
    from cairn.tui.widgets.contract_list.loading import load

    db = Database.open(db_path)
    try:
        plain = load(db, clock=clock)
        python_only = []
        monkeypatch.setattr(db_module, "GIVE_WAY_STEPS", 10**9)  # SQLite never looks
        load(db, clock=clock, wait_turn=lambda: python_only.append(1))
        looks = []
        monkeypatch.setattr(db_module, "GIVE_WAY_STEPS", 50)
        loaded = load(db, clock=clock, wait_turn=lambda: looks.append(1))
    finally:
        db.close()
    assert len(python_only) == 2  # before the rows are built, before their widths are measured
    assert len(looks) > len(python_only)  # and inside SQLite's reads
    assert [r.summary for r in loaded.rows] == [r.summary for r in plain.rows]
    assert loaded.natural == plain.natural and loaded.earnings == plain.earnings


def test_the_terminal_input_thread_marks_each_key_read():
    from textual import events

    from cairn.tui.driver import ClicksAndDragsDriver

    class App:
        keys_first = KeysFirst()
        posted: list = []

        async def _post_message(self, message):  # noqa: ANN001, ANN202
            self.posted.append(message)

    app = App()

    async def read_keys() -> None:
        driver = ClicksAndDragsDriver(app)  # type: ignore[arg-type]
        driver.process_message(events.Key("down", None))
        driver.process_message(events.Paste("not a key"))

    asyncio.run(read_keys())
    assert app.keys_first.read == 1


def test_a_key_landed_and_drawn_lets_the_load_go_on(seeded, make_test_app):
    """The app tells the load once the key has landed (the key gate is idle); the terminal's
    driver, once a frame goes out (``ClicksAndDragsDriver.write``; a headless app has no such
    driver, so the test writes it)."""
    monkey = KeysFirst()

    async def scenario(pilot):
        app = pilot.app
        app.keys_first = monkey
        keys_first.HOLD, hold = 60.0, keys_first.HOLD
        try:
            monkey.key_read()  # as the driver does when it reads the key
            await pilot.press("down")
            await settle(pilot)
            landed = monkey.holding and monkey._landed == monkey.read
            monkey.frame_out()
            return landed, monkey.holding
        finally:
            keys_first.HOLD = hold

    assert drive(make_test_app(), scenario) == (True, False)


def test_the_terminal_driver_tells_of_each_frame_going_out():
    from cairn.tui.driver import ClicksAndDragsDriver

    class Writer:
        def write(self, data: str) -> None:
            pass

    class App:
        keys_first = KeysFirst()

    async def write() -> None:
        driver = ClicksAndDragsDriver(App())  # type: ignore[arg-type]
        driver._writer_thread = Writer()  # what application mode starts
        App.keys_first.key_read()
        App.keys_first.landed(1)
        assert App.keys_first.holding
        driver.write("a frame")

    asyncio.run(write())
    assert not App.keys_first.holding


def test_the_full_list_lands_once_no_key_is_being_answered_and_the_report_once_keys_pause(
        db_path, clock, make_test_app, monkeypatch):
    """Each costs a layout and a frame: shown in front of a key's own frame, the key waited for
    it. The report changes its panel's height, so the whole screen is drawn again (three frames
    at 120x36), and a key typed while they were drawn waited 30-50 ms at 100,000 contracts: it
    waits until keys pause."""
    import asyncio

    from cairn.tui.screens import contract_list
    from cairn.tui.widgets.contract_list import EarningsPanel
    from tests.tui.asynctest import wait_until
    from tests.tui.test_start_up_paint import _many_contracts

    _many_contracts(db_path, clock)  # more than the first page
    monkeypatch.setattr(keys_first, "HOLD", 60.0)
    monkeypatch.setattr(keys_first, "PAUSE", 60.0)  # only the test ends the pause
    asked = []
    real = contract_list.when_no_key
    monkeypatch.setattr(contract_list, "when_no_key", lambda app, callback: (asked.append(1), real(app, callback)))
    app = make_test_app()
    looks: list = []
    real_look = app.look_again_in
    app.look_again_in = lambda seconds, callback: (looks.append(callback) if seconds > 1
                                                  else real_look(seconds, callback))
    app.keys_first.key_read()  # read by the terminal, its answer not drawn yet
    app.keys_first.wait_turn = lambda: None  # the load itself goes on (what this test is not about)

    async def main() -> tuple:
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.screen.table
            panel = app.screen.query_one(EarningsPanel)
            await wait_until(pilot, lambda: asked and looks, "the report and the full list read")
            for _ in range(5):
                await pilot.pause()
            waiting = len(table.rows_all), list(panel.shown)
            app.keys_first.landed(app.keys_first.read)
            app.keys_first.frame_out()
            await wait_until(pilot, lambda: len(table.rows_all) == 60, "the full list shown")
            report_while_typing = list(panel.shown)
            app.keys_first.last_read = float("-inf")  # the keys have paused
            while looks:
                looks.pop()()
            await wait_until(pilot, lambda: bool(panel.shown), "the report shown")
            return waiting, report_while_typing

    (rows_then, report_then), report_while_typing = asyncio.run(main())
    assert rows_then == contract_list.MIN_FIRST_PAGE and report_then == [] and report_while_typing == []
    assert contract_list.when_keys_pause is keys_first.when_keys_pause


def test_wider_columns_for_the_full_list_wait_until_keys_pause(db_path, clock, make_test_app, monkeypatch):
    """New widths draw every line of the table again (30-35 ms at 100,000 contracts), which the
    next key of a burst waited for: the full list comes in the first page's columns, and widens
    once keys pause."""
    import sqlite3

    from cairn.tui.screens import contract_list
    from tests.tui.asynctest import wait_until
    from tests.tui.test_start_up_paint import _many_contracts

    _many_contracts(db_path, clock)
    with sqlite3.connect(db_path) as conn:  # the oldest contract, last in the list: past the first page
        conn.execute("update contract set title = 'A title as long as the column allows, or n' "
                     "where id = (select min(id) from contract)")
    monkeypatch.setattr(keys_first, "PAUSE", 60.0)  # only the test ends the pause
    looks: list = []
    app = make_test_app()
    real_look = app.look_again_in
    app.look_again_in = lambda seconds, callback: (looks.append(callback) if seconds > 1
                                                  else real_look(seconds, callback))
    app.keys_first.key_read()  # typed as the list loads; answered and drawn (no key in flight)
    app.keys_first.landed(app.keys_first.read)
    app.keys_first.frame_out()

    async def main() -> tuple:
        async with app.run_test(size=(160, 30)) as pilot:
            table = app.screen.table
            first = dict(table._widths)
            await wait_until(pilot, lambda: len(table.rows_all) == 60, "the full list shown")
            held = dict(table._widths), table.widths_held, len(looks)
            app.keys_first.last_read = float("-inf")  # the keys have paused
            while looks:  # the widening's, and the report's
                looks.pop()()
            await wait_until(pilot, lambda: not table.widths_held, "the columns widened")
            await settle(pilot)
            return first, held, dict(table._widths)

    first, (held, was_held, asked), wide = asyncio.run(main())
    assert held == first and was_held and asked >= 1
    assert wide["title"] > first["title"]
    assert contract_list.when_keys_pause is keys_first.when_keys_pause


def test_the_full_list_takes_its_widths_at_once_when_no_key_has_been_typed(db_path, clock, make_test_app):
    import sqlite3

    from tests.tui.asynctest import wait_until
    from tests.tui.test_start_up_paint import _many_contracts

    _many_contracts(db_path, clock)
    with sqlite3.connect(db_path) as conn:
        conn.execute("update contract set title = 'A title as long as the column allows, or n' "
                     "where id = (select min(id) from contract)")
    app = make_test_app()

    async def main() -> tuple:
        async with app.run_test(size=(160, 30)) as pilot:
            table = app.screen.table
            first = dict(table._widths)
            await wait_until(pilot, lambda: len(table.rows_all) == 60, "the full list shown")
            return first, dict(table._widths), table.widths_held

    first, wide, held = asyncio.run(main())
    assert wide["title"] > first["title"] and not held
