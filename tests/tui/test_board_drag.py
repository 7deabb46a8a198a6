"""Reordering: mouse drag and shift+up/down take the same path; refusals leave the database alone."""

from __future__ import annotations

from cairn.storage import api
from tests.tui.test_board_actions import asynctest, db_board, open_board, select_row, settle, titles


def row_offset(screen, title: str) -> tuple[int, int]:
    """An offset inside the plan table on the row showing ``title`` (header is row 0)."""
    table = screen.query_one("#plan")
    index = next(i for i, pr in enumerate(table.rows_shown) if pr.row.title == title)
    return (12, table.header_height + index)


@asynctest
async def test_drag_moves_a_future_milestone_down(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        start = row_offset(screen, "Build and launch")
        target = (start[0], start[1] + 1)  # the adjacent row, "Handover"
        await pilot.mouse_down("#plan", offset=start)
        await pilot.hover("#plan", offset=(start[0] + 3, start[1]))  # along the same row: no drag yet
        assert not screen.query_one("#plan").has_class("-dragging")
        await pilot.hover("#plan", offset=target)
        assert screen.query_one("#plan").has_class("-dragging")  # the drop target is shown
        assert "▶" in str(screen.query_one("#plan").get_row_at(3)[0])
        await pilot.mouse_up("#plan", offset=target)
        await settle(pilot)
        assert not screen.query_one("#plan").has_class("-dragging")
        assert screen.query_one("#plan").selected.row.title == "Build and launch"
    b = db_board(db_path, clock, seeded["web"], side="freelancer")
    assert [pr.row.title for pr in b.plan] == ["Wireframes", "Visual design", "Handover", "Build and launch"]
    assert titles(b) == ["Wireframes", "Visual design", "Build and launch", "Handover"]  # a draft only


@asynctest
async def test_a_click_without_movement_selects_the_row(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await pilot.click("#plan", offset=row_offset(screen, "Handover"))
        await settle(pilot)
        assert screen.query_one("#plan").selected.row.title == "Handover"
    assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None


@asynctest
async def test_drag_above_the_active_milestone_is_refused_m7(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        start, target = row_offset(screen, "Handover"), row_offset(screen, "Wireframes")
        await pilot.mouse_down("#plan", offset=start)
        await pilot.hover("#plan", offset=target)
        await pilot.mouse_up("#plan", offset=target)
        await settle(pilot)
        assert any(n.title == "Refused — rule M7" for n in app._notifications)
    assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None


@asynctest
async def test_shift_down_and_up_move_with_the_cursor(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Build and launch")
        await pilot.press("shift+down")
        await settle(pilot)
        assert [pr.row.title for pr in screen.board.plan][2:] == ["Handover", "Build and launch"]
        assert screen.query_one("#plan").selected.row.title == "Build and launch"
        await pilot.press("shift+up")
        await settle(pilot)
    assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None  # back as it was


@asynctest
async def test_moving_the_locked_milestone_is_refused_m6(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Visual design")
        await pilot.press("shift+down")
        await settle(pilot)
        assert any(n.title == "Refused — rule M6" for n in app._notifications)
    b = db_board(db_path, clock, seeded["web"], side="freelancer")
    assert b.draft is None and titles(b) == ["Wireframes", "Visual design", "Build and launch", "Handover"]


@asynctest
async def test_moving_a_future_above_the_active_one_is_refused_m7(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Build and launch")
        await pilot.press("shift+up")
        await settle(pilot)
        assert any(n.title == "Refused — rule M7" for n in app._notifications)
    assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None


@asynctest
async def test_a_move_that_leaves_the_milestone_detail_as_it_was_does_not_redraw_it(make_test_app, seeded, db_path,
                                                                                  clock, monkeypatch):
    """The detail under the plan is a Static: each update lays the whole board out again, and in
    a plan of 1,000 that was a tenth of a move. Moving a milestone changes its place, rarely its
    words."""
    from cairn.tui.widgets.board import MilestoneDetail

    updates: list[str] = []
    update = MilestoneDetail.update

    def counted(self, *args, **kwargs):
        updates.append(str(args[0]) if args else "")
        return update(self, *args, **kwargs)

    monkeypatch.setattr(MilestoneDetail, "update", counted)
    db = api.Database.open(db_path)
    api.submit_work(db, seeded["web"], message="Mockups attached", clock=clock)  # "Visual design" has words
    db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Build and launch")
        shown = str(screen.query_one(MilestoneDetail).render())
        updates.clear()
        await pilot.press("shift+down")
        await settle(pilot)
        await pilot.press("shift+up")
        await settle(pilot)
        assert screen.query_one("#plan").selected.row.title == "Build and launch"
        assert updates == [] and str(screen.query_one(MilestoneDetail).render()) == shown
        await select_row(pilot, screen, "Visual design")  # submitted: other words, drawn
        assert updates and "Mockups attached" in str(screen.query_one(MilestoneDetail).render())
