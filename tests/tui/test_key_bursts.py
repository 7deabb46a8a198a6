"""Keys typed in one burst (as SSH delivers them) land where the user meant, in order: each key
after the one that opens a screen or dialog reaches it as if the user had waited. Every burst
here is sent with no pause between keys; the assertions are on the database."""

from __future__ import annotations

from textual import events

from cairn.tui.screens.board import BoardScreen
from tests.tui.asynctest import asynctest, settle, wait_until
from tests.tui.test_board_actions import db_board, open_board


def keys(*parts: str) -> list[str]:
    """Key names from parts: a name in angle brackets is one key, anything else is typed text."""
    out: list[str] = []
    for part in parts:
        out += [part[1:-1]] if part.startswith("<") and part.endswith(">") else list(part)
    return out


async def burst(pilot, *parts: str) -> None:
    """Every key into the app's queue at once, as one read from the terminal would put them."""
    from textual.keys import _character_to_key

    app = pilot.app
    for key in keys(*parts):
        char = key if len(key) == 1 else None
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)
    await until_keys_done(pilot)
    await settle(pilot)


async def until_keys_done(pilot) -> None:
    """Wait until every key sent has been handled (the key gate has none in flight or waiting)."""
    await pilot.pause()
    await wait_until(pilot, lambda: pilot.app.key_gate.idle, "every key let through the key gate")


@asynctest
async def test_release_typed_in_one_burst_releases_exactly_the_amount(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await burst(pilot, "r", "<ctrl+u>", "1034.56", "<enter>", "y")
    b = db_board(db_path, clock, seeded["web"])
    released = next(m for m in b.milestones if m.title == "Visual design")
    assert released.released_minor == 1034_56  # not 1,200.00 (the default), nor an empty field


@asynctest
async def test_bonus_amount_and_note_go_to_their_own_fields(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await burst(pilot, "b", "250", "<tab>", "fee for weekend work", "<enter>", "y")
    conn = __import__("sqlite3").connect(db_path)
    assert conn.execute("select amount_minor, note from ledger_entry where kind = 'bonus'").fetchall() == [
        (250_00, "fee for weekend work")]


@asynctest
async def test_escape_then_another_key_closes_the_dialog_and_runs_the_key(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"], side="client")
        await burst(pilot, "b", "<escape>", "h")
        from cairn.tui.screens.history import HistoryScreen

        assert isinstance(app.screen, HistoryScreen)
        await burst(pilot, "<escape>")
        assert app.screen is screen


@asynctest
async def test_filter_then_enter_enter_opens_the_contract(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, "/", "website", "<enter>", "<enter>")
        assert isinstance(app.screen, BoardScreen)
        assert app.screen.board.contract.title == "Website redesign"


@asynctest
async def test_the_new_contract_form_typed_in_one_burst(make_test_app, seeded, db_path):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # n opens the form; enter in the title moves on (it must not create); tab crosses the selects
        # (side, profile, kind); enter in the total moves on to the contract's terms (it must not
        # create); ctrl+s creates.
        await burst(pilot, "n", "Logo work", "<enter>", "Acme", "<tab>", "<tab>", "<tab>", "<tab>", "<tab>",
                    "<ctrl+u>", "2026-11-01", "<tab>", "6000", "<enter>", "<ctrl+s>")
    conn = __import__("sqlite3").connect(db_path)
    row = conn.execute("select id, client_name, started_on from contract where title = 'Logo work'").fetchone()
    assert row is not None and row[1:] == ("Acme", "2026-11-01")
    amounts = [a for (a,) in conn.execute("select amount_minor from milestone where contract_id = ? "
                                          "order by position", (row[0],))]
    assert amounts == [1500_00, 3000_00, 1500_00]


@asynctest
async def test_with_every_contract_ended_keys_stay_keys(make_test_app, seeded, db_path, clock):
    from cairn.storage import api

    db = api.Database.open(db_path)
    for cid in seeded.values():
        api.end_contract(db, cid, actor="client", clock=clock)
    db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "empty"
        await burst(pilot, "e")  # shows them: e was a key, not filter text
        assert app.screen.query_one("#filter").value == ""
        assert len(app.screen.table.shown) == 2
        await burst(pilot, "e", "n")
        from cairn.tui.screens.new_contract import NewContractScreen

        assert isinstance(app.screen, NewContractScreen)


@asynctest
async def test_custom_percentages_chosen_and_typed_in_one_burst(make_test_app, seeded, db_path):
    """The select's list opened, an option chosen and the field it shows typed in, in one burst."""
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, "n", "Site build", "<enter>", "Acme", "<tab>", "<tab>", "<tab>", "<tab>", "<tab>",
                    "<tab>", "6000", "<tab>", "<enter>", "<down>", "<down>", "<down>", "<enter>", "<tab>", "20, 30, 50")
        form = pilot.app.screen
        typed = {i.id: i.value for i in form.query("Input")}
        assert typed["percentages"] == "20, 30, 50" and typed["revision_cap"] == "", typed
        await burst(pilot, "<ctrl+s>")
    conn = __import__("sqlite3").connect(db_path)
    row = conn.execute("select id from contract where title = 'Site build'").fetchone()
    assert row is not None
    amounts = [a for (a,) in conn.execute("select amount_minor from milestone where contract_id = ? "
                                          "order by position", (row[0],))]
    assert amounts == [1200_00, 1800_00, 3000_00]


def test_a_key_in_flight_when_the_app_shuts_down_goes_with_it():
    """The gate's look-again timer can fire while the app shuts down, after its last screen has
    gone (seen once under load as 'No screens on stack' at the end of a test): the key in flight
    and those waiting go with the app, with no error."""
    from textual.app import ScreenStackError

    from cairn.tui.key_gate import KeyGate

    class ShuttingDown:
        timers: list = []

        @property
        def screen(self):
            raise ScreenStackError("No screens on stack")

        def look_again_in(self, _delay, callback):
            self.timers.append(callback)

    class Gone:
        is_attached = False

    gate = KeyGate(ShuttingDown())
    assert not gate.hold(events.Key("a", "a"))
    assert gate.hold(events.Key("b", "b"))
    gate._seq = 7
    gate._later(gate._lost, 7, Gone())
    ShuttingDown.timers.pop()()
    assert gate.idle


def test_a_marker_reaching_the_app_after_its_last_screen_goes_with_it():
    """The marker behind a key can reach the app after its last screen has gone (a test that
    ended right behind a burst: 'No screens on stack' from KeyGate.done): the keys go with it."""
    from textual.app import ScreenStackError

    from cairn.tui.key_gate import KeyDone, KeyGate

    class ShuttingDown:
        @property
        def screen(self):
            raise ScreenStackError("No screens on stack")

    gate = KeyGate(ShuttingDown())
    assert not gate.hold(events.Key("a", "a"))
    assert gate.hold(events.Key("b", "b"))
    gate._seq, gate._key_handled = 7, False
    gate.done(KeyDone(7, None))
    assert gate.idle


def test_keys_behind_an_operation_that_never_ends_go_on_after_the_longest_hold():
    """A key's follow-up rounds wait for the operations it set going; should one never end (a
    read that hangs), the keys typed behind it go on after LONGEST_HOLD instead of freezing the
    dashboard for good."""
    import time

    from cairn.tui.key_gate import LONGEST_HOLD, HeldKey, KeyGate

    class Screen:
        is_mounted = True
        message_queue_size = 0

        def walk_children(self):
            return []

    screen = Screen()

    class Hanging:  # a worker of an operation, still running
        group, is_finished, node = "storage", False, screen

    class App:
        message_queue_size = 0
        workers = [Hanging()]
        posted: list = []
        timers: list = []
        screen = None

        def post_message(self, message):
            self.posted.append(message)

        def look_again_in(self, _delay, callback):
            self.timers.append(callback)

    app = App()
    app.screen = screen
    gate = KeyGate(app)
    assert not gate.hold(events.Key("a", "a"))
    assert gate.hold(events.Key("b", "b"))
    gate._when_quiet(screen)  # the operation runs: one more look, the key waits
    assert app.timers and not app.posted
    gate._since = time.monotonic() - LONGEST_HOLD - 1
    gate._when_quiet(screen)
    assert [m.key.key for m in app.posted if isinstance(m, HeldKey)] == ["b"]


def test_keys_behind_a_marker_that_never_comes_back_go_on_after_the_longest_hold():
    """Under load a key's marker was once never seen back while its widget stayed on screen: the
    gate looked for it every 10 ms for good, and every key typed after it was held (the dashboard
    took no key for 45 s and more). Every wait now ends after LONGEST_HOLD."""
    import time

    from cairn.tui.key_gate import LONGEST_HOLD, HeldKey, KeyGate

    class Widget:  # attached, on the screen on top, running: it could still pass the marker up
        is_attached, _closing, _closed = True, False, False

    class App:
        posted: list = []
        timers: list = []
        screen = object()

        def post_message(self, message):
            self.posted.append(message)

        def look_again_in(self, _delay, callback):
            self.timers.append(callback)

    app = App()
    widget = Widget()
    widget.screen = app.screen
    gate = KeyGate(app)
    assert not gate.hold(events.Key("a", "a"))
    assert gate.hold(events.Key("b", "b"))
    gate._seq = 7
    gate._later(gate._lost, 7, widget)
    app.timers.pop()()  # the marker is not back: look again
    assert len(app.timers) == 1 and not app.posted
    gate._since = time.monotonic() - LONGEST_HOLD - 1
    app.timers.pop()()
    assert [m.key.key for m in app.posted if isinstance(m, HeldKey)] == ["b"]
    assert not app.timers  # nothing more is out for "a"


@asynctest
async def test_a_key_that_has_landed_leaves_no_look_behind_it(make_test_app, seeded, monkeypatch):
    """The gate's looks (for a marker lost with its widget, for a lone key's rounds put off) are
    cancelled once what they wait for has come: left to fire 10 ms on, two a key landed in the
    middle of the next key of fast typing. The looks here wait an hour, so none fires in the test
    (under load a marker can take longer than 10 ms, and then its look rightly fires)."""
    from cairn.tui import key_gate

    monkeypatch.setattr(key_gate, "OPERATION_POLL", 3600.0)
    monkeypatch.setattr(key_gate, "LONE_KEY", 3600.0)
    app = make_test_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        gate = app.key_gate
        watches = {}
        later = gate._later

        def kept(callback, *args, **kwargs):
            handle = later(callback, *args, **kwargs)
            watches.setdefault(getattr(callback, "__name__", ""), []).append(handle)
            return handle

        gate._later = kept
        for name in ("down", "down", "up"):  # one read from the terminal
            event = events.Key(name, None)
            event.set_sender(app)
            app._driver.send_message(event)
        # The first two keys had keys behind them: two rounds each, watched. The last is alone:
        # its rounds are put off (here until the test sends them), then one round, watched.
        await wait_until(pilot, lambda: gate._deferred is not None and not gate.waiting and gate._out is None,
                         "the last key handled, its rounds put off")
        gate._run_deferred()
        await until_keys_done(pilot)
        assert len(watches["_lost"]) >= 5 and len(watches["_run_deferred"]) >= 2
        assert all(handle.cancelled() for handles in watches.values() for handle in handles)
        assert gate._watch is None


@asynctest
async def test_a_lone_key_is_handled_before_its_rounds_go_and_needs_one(make_test_app, seeded, monkeypatch):
    """A key with none behind it goes first and is confirmed after: its markers, sent at once,
    held its frame back (~0.5 ms of a 5 ms cursor move). Back up at the app, it needs only the
    follow-up round."""
    from cairn.tui import key_gate

    monkeypatch.setattr(key_gate, "LONE_KEY", 3600.0)  # the rounds wait for this test, not a clock
    app = make_test_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        gate, table = app.key_gate, app.screen.table
        seq, row = gate._seq, table.cursor_row
        event = events.Key("down", None)
        event.set_sender(app)
        app._driver.send_message(event)
        await wait_until(pilot, lambda: table.cursor_row == row + 1 and gate._out is None, "the key handled")
        assert gate._seq == seq and gate._deferred is not None and not gate.idle  # no marker yet
        gate._run_deferred()  # what LONE_KEY's look does
        await until_keys_done(pilot)
        assert gate._seq == seq + 2  # one marker, out and back
