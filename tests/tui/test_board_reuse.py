"""One board screen shows every contract opened: what one contract left on it (cursor, side,
the changes view, answers still on their way) never shows on the next."""

from __future__ import annotations

from cairn.storage import api
from cairn.tui.screens.board import BoardScreen
from cairn.tui.screens.contract_list import ContractListScreen
from cairn.tui.widgets.board import PlanTable
from tests.tui.asynctest import drive, settle
from tests.tui.test_contract_list import table_of


async def open_from_list(pilot, contract_id: int) -> BoardScreen:
    assert isinstance(pilot.app.screen, ContractListScreen)
    table_of(pilot).select_contract(contract_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BoardScreen)
    return pilot.app.screen


def title_of(screen: BoardScreen) -> str:
    return str(screen.query_one("#board-title").render())


def test_each_contract_opened_is_shown_whole_on_the_same_screen(seeded, make_test_app):
    async def scenario(pilot):
        web = await open_from_list(pilot, seeded["web"])
        await pilot.press("down", "down", "w")  # cursor down the plan, act as the client
        await settle(pilot)
        assert web.side == "client"
        await pilot.press("escape")
        await settle(pilot)

        logo = await open_from_list(pilot, seeded["logo"])
        assert logo is web  # the same screen, not a new one
        assert logo.contract_id == seeded["logo"] and logo.board.id == seeded["logo"]
        assert title_of(logo).startswith("Logo refresh")
        assert logo.side == "client"  # Logo refresh's own side (my_side), not the one left on web
        table = logo.query_one(PlanTable)
        assert [pr.row.title for pr in table.rows_shown] == [pr.row.title for pr in logo.board.plan]
        assert table.cursor_row == 0 and table.has_focus
        assert "Change request pending" in str(logo.query_one("#request-notice").render())

        await pilot.press("escape")
        await settle(pilot)
        again = await open_from_list(pilot, seeded["web"])
        assert again.side == "freelancer" and title_of(again).startswith("Website redesign")
        assert not again.query_one("#request-notice").display

    drive(make_test_app(), scenario)


def test_an_answer_for_the_contract_shown_before_is_dropped(seeded, db_path, clock, make_test_app):
    """Esc then Enter on another contract while an operation is still on its way: its answer
    belongs to the first contract and must not be drawn over the second."""
    db = api.Database.open(db_path)
    other = api.create_contract(db, title="Other work", client_name="Fabrikam", milestones=[
        api.MilestoneIn("Only", "100")], clock=clock).id  # acted on as the freelancer, like web
    db.close()

    async def scenario(pilot):
        pilot.app.screen.reload()
        await settle(pilot)
        screen = await open_from_list(pilot, seeded["web"])
        web_board = screen.board
        late_done = screen._this_visit(screen._done)
        late_read = screen._this_visit(screen.show_board)
        await pilot.press("escape")
        await settle(pilot)
        await open_from_list(pilot, other)
        screen._busy = True  # an operation of this visit is on its way
        late_done(web_board)
        late_read(web_board)
        await settle(pilot)
        assert screen.board.id == other
        assert title_of(screen).startswith("Other work")
        assert screen._busy, "a late answer finished this visit's operation"

    drive(make_test_app(), scenario)


def test_a_late_answer_for_the_same_contract_reopened_is_shown_unless_older(seeded, db_path, clock,
                                                                         make_test_app):
    async def scenario(pilot):
        screen = await open_from_list(pilot, seeded["web"])
        old = screen.board
        late = screen._this_visit(screen.show_board)
        await pilot.press("escape")
        await settle(pilot)
        db = api.Database.open(db_path)
        newer = api.draft_add(db, seeded["web"], side="freelancer", title="Extra", amount="50", clock=clock)
        db.close()
        await open_from_list(pilot, seeded["web"])
        assert screen.board.contract.version == newer.contract.version
        late(old)  # older than what is shown: dropped
        await pilot.pause()
        assert any(pr.row.title == "Extra" for pr in screen.query_one(PlanTable).rows_shown)

    drive(make_test_app(), scenario)


def test_a_resize_while_the_board_is_away_reaches_it_on_return(seeded, make_test_app):
    async def scenario(pilot):
        screen = await open_from_list(pilot, seeded["web"])
        assert screen.has_class("-wide") and screen.has_class("-tall")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.resize_terminal(80, 20)
        await settle(pilot)
        await open_from_list(pilot, seeded["logo"])
        await settle(pilot)
        assert screen.has_class("-narrow") and screen.has_class("-short")
        assert not screen.has_class("-wide")

    drive(make_test_app(), scenario)


def test_opening_again_works_out_the_styles_only_when_something_they_depend_on_changed(seeded, make_test_app):
    """Opening a contract pushes the same board screen again. Textual worked out the styles of
    every widget on it at each push (~8 ms of an open): now only if the stylesheet, the app's
    pseudo-classes or the terminal's size changed while the board was away
    (``textual_fixes.StylesKeptWhileAway``). A theme changed on the list shows on the board."""
    from textual.dom import DOMNode

    restyled: list[object] = []
    original = DOMNode.update_node_styles

    def counting(self, *args, **kwargs):
        if isinstance(self, BoardScreen):
            restyled.append(self)
        return original(self, *args, **kwargs)

    async def scenario(pilot):
        DOMNode.update_node_styles = counting
        try:
            board = await open_from_list(pilot, seeded["web"])  # the first push: styled
            assert restyled
            await pilot.press("escape")
            await settle(pilot)
            restyled.clear()
            await open_from_list(pilot, seeded["logo"])
            assert restyled == []  # nothing changed while it was away
            dialog_closed_over = board.query_one(PlanTable).styles.background
            await pilot.press("escape")
            await settle(pilot)

            before = board.query_one(PlanTable).styles.background
            pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "textual-dark"
            await settle(pilot)
            restyled.clear()
            await open_from_list(pilot, seeded["web"])
            assert restyled == [board]
            after = board.query_one(PlanTable).styles.background
            assert after != before and before == dialog_closed_over
            original(board, animate=False)  # worked out again from scratch: the same
            assert board.query_one(PlanTable).styles.background == after
        finally:
            DOMNode.update_node_styles = original

    drive(make_test_app(), scenario)


def test_the_single_paint_of_an_open_waits_for_the_board_drawn_not_for_its_worker(seeded, make_test_app):
    """``paint_once`` holds the paints of a board being opened until its read's answer is drawn
    (``BoardScreen.read_shown``), not until the read's worker has wound down after it: a few
    milliseconds of every open, with nothing more to show."""
    async def scenario(pilot):
        board = await open_from_list(pilot, seeded["web"])
        hold = pilot.app._paint_once
        assert board.read_shown and not hold._loading(board)
        await pilot.press("escape")
        await settle(pilot)
        board.show_contract(seeded["logo"])  # a new visit: nothing of it drawn yet
        assert not board.read_shown and hold._loading(board)
        board.show_board(api.board(pilot.app.db, seeded["logo"], clock=pilot.app.clock))
        assert board.read_shown and not hold._loading(board)
        await settle(pilot)  # the visit's own read, still on its way

    drive(make_test_app(), scenario)
