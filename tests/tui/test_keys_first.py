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
    first.key_read()  # a second key, read before the first one's answer was drawn
    first.answered(1)
    assert not done.wait(0.05)  # still waiting: the second key is not answered yet
    first.answered(2)
    thread.join(5)
    assert done.is_set() and not first.holding


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


def test_a_key_answered_lets_the_load_go_on(seeded, make_test_app):
    """The app tells the load once the key has landed and the frame after it is drawn: the
    terminal's input thread marked it read (``ClicksAndDragsDriver.process_message``)."""
    monkey = KeysFirst()

    async def scenario(pilot):
        app = pilot.app
        app.keys_first = monkey
        keys_first.HOLD, hold = 60.0, keys_first.HOLD
        try:
            monkey.key_read()  # as the driver does when it reads the key
            await pilot.press("down")
            await settle(pilot)
            return monkey._free.is_set()
        finally:
            keys_first.HOLD = hold

    assert drive(make_test_app(), scenario)
