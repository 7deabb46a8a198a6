"""Full garbage collections wait for a quiet moment between keys (tui/garbage.py)."""

from __future__ import annotations

from cairn.tui import garbage


class FakeTime:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_collects_once_input_has_been_quiet_and_only_then():
    now = FakeTime()
    collector = garbage.QuietCollector(now)
    assert not collector.tick()  # nothing happened yet
    collector.input_seen()
    now.t += garbage.QUIET_SECONDS / 2
    assert not collector.tick()  # the user is still typing
    collector.input_seen()
    now.t += garbage.QUIET_SECONDS
    assert collector.tick()  # a quiet second after the last key
    now.t += garbage.QUIET_SECONDS
    assert not collector.tick()  # nothing new since


def test_collects_at_the_latest_after_the_longest_wait_even_while_typing():
    now = FakeTime()
    collector = garbage.QuietCollector(now)
    for _ in range(int(garbage.LONGEST_WAIT / 0.25) - 1):
        now.t += 0.25
        collector.input_seen()
        assert not collector.tick()
    now.t += 0.25
    collector.input_seen()
    assert collector.tick()


def test_the_app_tells_the_collector_about_keys(seeded, make_test_app):
    from tests.tui.test_contract_list import drive

    async def scenario(pilot):
        collector = pilot.app._garbage
        before = collector.last_input
        await pilot.press("down")
        assert collector.pending and collector.last_input > before

    drive(make_test_app(), scenario)


def test_the_board_styles_wait_for_a_moment_without_keys(seeded, make_test_app):
    """Parsing the board's stylesheet holds the screen's thread: never while someone types."""
    from tests.tui.test_contract_list import drive

    async def scenario(pilot):
        app = pilot.app
        now = FakeTime()
        app._garbage = garbage.QuietCollector(now)
        if app._board is not None:  # the start-up already warmed it: start again without one
            app.uninstall_screen("board")
            app._board = None
        app._garbage.input_seen()
        app._warm_board_styles()
        assert app._board is None  # a key a moment ago: later
        now.t += garbage.QUIET_SECONDS
        app._warm_board_styles()
        assert app._board is not None

    drive(make_test_app(), scenario)
