"""Corrections from the keyboard: the When field, undo (ctrl+z), edit and delete contract; asserting
on the database afterwards."""

from __future__ import annotations

from cairn.storage import api
from tests.tui.test_board_actions import (
    asynctest,
    db_board,
    fresh_contract,
    open_board,
    settle,
    states,
    type_text,
)


@asynctest
async def test_a_time_typed_right_after_the_key_that_asks_is_when_it_happened(make_test_app, db_path, clock):
    """"f today 8:00 enter" in one burst, as SSH delivers it: the confirmation starts in its When
    field, so the time lands there and the funding is dated 8:00. With the confirm button focused
    the typed time went nowhere, and enter recorded the funding as now."""
    cid = fresh_contract(db_path, clock, my_side="client")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, cid)
        await pilot.press("f", *"today", "space", *"8:00", "enter")
        await settle(pilot)
        funded = next(e for e in db_board(db_path, clock, cid).events if e.kind == "funded")
        assert (funded.at.hour, funded.at.minute) == (8, 0)


@asynctest
async def test_fund_dated_yesterday_then_undo_it(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock, my_side="client")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        await pilot.press("f")  # the When field has the focus
        await type_text(pilot, "today 8:00")
        await pilot.press("enter")
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert states(b)["Design"] == "active"
        funded = next(e for e in b.events if e.kind == "funded")
        assert funded.at.hour == 8 and funded.at.minute == 0
        assert "funded" in str(screen.query_one("#activity-lines").render())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "Undo" in str(pilot.app.screen.query_one("#dialog-title").render())
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        b = db_board(db_path, clock, cid)
        assert states(b)["Design"] == "future" and b.money.escrow == 0
        activity = str(screen.query_one("#activity-lines").render())
        assert "↶ Undone:" in activity and "funded with" not in activity.split("↶")[0]


@asynctest
async def test_a_time_in_the_future_marks_the_when_field_and_keeps_it(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock, my_side="client")
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, cid)
        await pilot.press("f")  # the When field has the focus
        await type_text(pilot, "today 23:00")
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        field = dialog.query_one("#field-at")
        assert field.has_class("-invalid") and "future" in field.error
        assert dialog.query_one("#at").value == "today 23:00"
        await pilot.press("escape")
        await settle(pilot)
    assert states(db_board(db_path, clock, cid))["Design"] == "future"


@asynctest
async def test_undo_with_nothing_to_undo_says_why(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert pilot.app.screen is screen
        notes = [n.message for n in pilot.app._notifications]
        assert any("nothing to undo" in m for m in notes)


@asynctest
async def test_edit_contract_from_the_board(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        await pilot.press("i")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Walk the dog")
        await pilot.press("ctrl+s")  # enter would move on to the client
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "Walk the dog" in str(screen.query_one("#board-title").render())
    assert db_board(db_path, clock, cid).contract.title == "Walk the dog"


@asynctest
async def test_delete_from_the_board_refuses_c6_then_deletes_a_fresh_one(make_test_app, seeded, db_path, clock):
    cid = fresh_contract(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("delete", "enter")
        await settle(pilot)
        error = str(pilot.app.screen.query_one("#form-error").render())
        assert "can never be deleted" in error and "(C6)" in error
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_board(pilot, cid)
        await pilot.press("delete", "enter")
        await settle(pilot)
        assert pilot.app.screen is not screen
    db = api.Database.open(db_path)
    try:
        ids = {s.id for s in api.contract_summaries(db, clock, include_archived=True)}
    finally:
        db.close()
    assert cid not in ids and seeded["web"] in ids
