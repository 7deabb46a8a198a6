"""The board under the list's cursor is read, shown and drawn on the hidden board screen before
Enter (``cairn.tui.board_ahead``): Enter shows it without reading it or drawing it again, exactly
as a board read after the key would look, and never when it may be stale."""

from __future__ import annotations

import pytest
from textual._styles_cache import StylesCache

from cairn.storage import api
from cairn.tui.board_ahead import BoardAhead
from cairn.tui.screens.board import BoardScreen
from tests.tui.asynctest import drive, settle, wait_until
from tests.tui.test_board_actions import db_board
from tests.tui.test_board_reuse import open_from_list, title_of
from tests.tui.test_contract_list import table_of


@pytest.fixture
def ahead(monkeypatch):
    monkeypatch.setattr(BoardAhead, "headless", True)


@pytest.fixture
def reads(monkeypatch):
    """The board reads made, by contract id."""
    made: list[int] = []
    board = api.board

    def counted(db, contract_id, *args, **kwargs):
        made.append(contract_id)
        return board(db, contract_id, *args, **kwargs)

    monkeypatch.setattr(api, "board", counted)
    return made


@pytest.fixture
def lines_drawn(monkeypatch):
    """Lines rendered, by widget class name."""
    drawn: dict[str, int] = {}
    render_widget = StylesCache.render_widget

    def counting(self, widget, crop):
        line = self.render_line

        def count(*args, **kwargs):
            drawn[type(widget).__name__] = drawn.get(type(widget).__name__, 0) + 1
            return line(*args, **kwargs)

        self.render_line = count
        try:
            return render_widget(self, widget, crop)
        finally:
            del self.render_line

    monkeypatch.setattr(StylesCache, "render_widget", counting)
    return drawn


async def rest_on(pilot, contract_id: int) -> None:
    """Put the list's cursor on ``contract_id`` and wait until its board is drawn ahead."""
    table_of(pilot).select_contract(contract_id)
    await wait_until(pilot, lambda: pilot.app.board_ahead.drawn == contract_id, "the board drawn ahead")
    await settle(pilot)


def screen_text(pilot) -> list[str]:
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def test_enter_shows_the_board_drawn_ahead_without_reading_or_drawing_it_again(
        ahead, reads, lines_drawn, seeded, make_test_app, monkeypatch):
    async def scenario(pilot):
        await open_from_list(pilot, seeded["web"])  # the board screen is made once, by a first open
        await pilot.press("escape")
        await settle(pilot)
        await rest_on(pilot, seeded["logo"])
        board = pilot.app.kept_board
        assert board not in pilot.app.screen_stack and board.board.id == seeded["logo"]
        reads.clear()
        lines_drawn.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is board and title_of(board).startswith("Logo refresh")
        assert reads == [], "the board was read again"
        # The plan, its money and its activity keep the lines drawn ahead.
        assert not {"PlanTable", "MoneyPanel", "ActivityFeed", "DeadlinesPanel"} & lines_drawn.keys(), lines_drawn
        return screen_text(pilot)

    ahead_text = drive(make_test_app(), scenario)

    async def cold(pilot):  # the same board, read and drawn after the key
        await open_from_list(pilot, seeded["web"])
        await pilot.press("escape")
        await settle(pilot)
        await open_from_list(pilot, seeded["logo"])
        return screen_text(pilot)

    monkeypatch.setattr(BoardAhead, "headless", False)
    assert drive(make_test_app(), cold) == ahead_text


def test_a_cursor_that_moves_on_leaves_only_the_last_row_made_ready(ahead, seeded, make_test_app):
    async def scenario(pilot):
        await open_from_list(pilot, seeded["web"])
        await pilot.press("escape")
        await settle(pilot)
        table_of(pilot).select_contract(seeded["logo"])
        table_of(pilot).select_contract(seeded["web"])
        await wait_until(pilot, lambda: pilot.app.board_ahead.drawn == seeded["web"], "web drawn ahead")
        await settle(pilot)
        assert pilot.app.kept_board.board.id == seeded["web"]

    drive(make_test_app(), scenario)


def test_a_cursor_moving_on_cancels_the_look_at_its_last_rest(ahead, seeded, make_test_app):
    """Moving fast, each row's look (``REST`` on) fired in the middle of a later key."""

    async def scenario(pilot):
        await open_from_list(pilot, seeded["web"])
        await pilot.press("escape")
        await settle(pilot)
        ahead = pilot.app.board_ahead
        ahead.cursor_rests_on(seeded["logo"])
        first = ahead._rest
        ahead.cursor_rests_on(seeded["web"])
        return first.cancelled(), ahead._rest.cancelled()

    assert drive(make_test_app(), scenario) == (True, False)


def test_a_board_made_ready_is_read_again_after_a_commit(ahead, reads, seeded, db_path, clock, make_test_app,
                                                         monkeypatch):
    shown_on_entry: list[str | None] = []  # what the board held as it came on screen
    resume = BoardScreen.on_screen_resume

    def record(self):
        shown_on_entry.append(self.board.contract.title if self.board is not None else None)
        resume(self)

    monkeypatch.setattr(BoardScreen, "on_screen_resume", record)

    async def scenario(pilot):
        await open_from_list(pilot, seeded["web"])
        await pilot.press("escape")
        await settle(pilot)
        await rest_on(pilot, seeded["logo"])
        db = api.Database.open(db_path)  # another session renames it
        api.edit_contract(db, seeded["logo"], title="Logo refresh, second round", clock=clock)
        db.close()
        reads.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert reads and reads[0] == seeded["logo"]
        assert shown_on_entry[-1] in (None, "Logo refresh, second round"), "the board made ready came on screen stale"
        assert title_of(pilot.app.screen).startswith("Logo refresh, second round")

    drive(make_test_app(), scenario)


def test_a_board_made_ready_is_read_again_in_another_minute(ahead, reads, seeded, clock, make_test_app):
    async def scenario(pilot):
        await open_from_list(pilot, seeded["web"])
        await pilot.press("escape")
        await settle(pilot)
        await rest_on(pilot, seeded["logo"])
        clock.advance(minutes=1)  # its countdowns are a minute out
        reads.clear()
        await pilot.press("enter")
        await settle(pilot)
        assert reads and reads[0] == seeded["logo"]

    drive(make_test_app(), scenario)


def test_events_are_marked_read_when_the_board_is_shown_not_when_made_ready(ahead, seeded, db_path, clock,
                                                                             make_test_app):
    async def scenario(pilot):
        await open_from_list(pilot, seeded["logo"])
        await pilot.press("escape")
        await settle(pilot)
        assert db_board(db_path, clock, seeded["web"]).unread > 0
        await rest_on(pilot, seeded["web"])
        assert pilot.app.kept_board.board.id == seeded["web"]
        assert db_board(db_path, clock, seeded["web"]).unread > 0, "marked read by a board nobody opened"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
        assert db_board(db_path, clock, seeded["web"]).unread == 0
        assert "●" in str(pilot.app.screen.query_one("#activity-lines").render())  # shown as unread

    drive(make_test_app(), scenario)
