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


def test_what_start_up_built_is_out_of_the_collectors_sight_once_the_first_frame_is_out(
        seeded, make_test_app, monkeypatch):
    """The first full pass, while the list loads and keys come in, must not scan start-up's
    objects (Textual, the modules, the first screen): it held the screen 25-40 ms."""
    import asyncio
    import gc

    from textual.widgets import Header

    import cairn.tui.screens.contract_list as contract_list

    monkeypatch.setattr(contract_list, "FULL_LOAD_DELAY", 3600)  # no full list: its own freeze stays out

    async def main() -> None:
        app = make_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            while app.screen._full_load is not None:  # the first frame's handler has run
                await pilot.pause()
            header = app.screen.query_one(Header)
            assert not any(o is header for o in gc.get_objects())  # frozen objects are not listed

    asyncio.run(main())
    assert gc.get_freeze_count() == 0  # given back when the app ends


def test_no_collector_pass_runs_until_the_first_frame(seeded, make_test_app, monkeypatch):
    """Start-up builds what lives as long as the app; an automatic full pass right after the first
    frame held the first key for 20 ms."""
    import asyncio
    import gc

    import cairn.tui.screens.contract_list as contract_list

    monkeypatch.setattr(contract_list, "FULL_LOAD_DELAY", 3600)
    seen: dict[str, bool] = {}
    compose = contract_list.ContractListScreen.compose

    def composing(self):
        seen["while composing"] = gc.isenabled()
        return compose(self)

    monkeypatch.setattr(contract_list.ContractListScreen, "compose", composing)

    async def main() -> None:
        app = make_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            while app.screen._full_load is not None:  # the first frame's handler has run
                await pilot.pause()
            seen["after the first frame"] = gc.isenabled()

    assert gc.isenabled()
    asyncio.run(main())
    assert seen == {"while composing": False, "after the first frame": True}
    assert gc.isenabled()  # as the app found it
