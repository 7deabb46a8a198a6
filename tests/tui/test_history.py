"""The History screen (R5): every event with its messages, scrolled and searched from the keyboard."""

from __future__ import annotations

import pytest

from cairn.tui.screens.board import BoardScreen
from cairn.tui.screens.history import HistoryScreen
from tests.tui.asynctest import asynctest, settle
from tests.tui.test_board_actions import open_board

SIZES = [(80, 24), (120, 36)]


def body(app) -> str:
    return str(app.screen.query_one("#history-body").render())


@asynctest
async def test_h_on_the_board_opens_the_history_with_every_message(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = body(app)
        assert "Submission note: “Wireframes attached”" in text
        assert "2026-" in text and "the freelancer (you)" in text
        assert text.index("funded") < text.index("created")  # newest first
        assert "(P5)" not in text
        # Searched from the keyboard: / types the search, enter keeps it, escape clears it.
        await pilot.press("slash", *"wireframes attached", "enter")
        await settle(pilot)
        assert "Wireframes attached" in body(app) and "created" not in body(app)
        assert app.focused.id == "history-scroll"
        await pilot.press("escape")
        await settle(pilot)
        assert "created" in body(app)
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.query_one("#history-scroll").scroll_y > 0  # scrolled with the keyboard
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


@asynctest
async def test_history_is_in_the_palette_and_on_the_list(make_test_app, seeded):
    from cairn.tui.commands import bound_actions

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "History" in [a.description for a in bound_actions(app.screen)]
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)


@asynctest
async def test_activity_is_reached_with_tab_and_shows_messages(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is screen.query_one("#activity")
        assert "“Wireframes attached”" in str(screen.query_one("#activity-lines").render())


@pytest.mark.parametrize("size", SIZES)
def test_history_snapshot(snap_compare, make_test_app, seeded, size):
    async def run_before(pilot):
        await pilot.app.push_screen(HistoryScreen(seeded["web"]))
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)
