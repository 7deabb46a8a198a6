"""The change-request review pane: diff, plan as it would be, accept / decline / withdraw, R4."""

from __future__ import annotations

from cairn.storage import api
from cairn.tui.screens.change_request import ChangeRequestScreen
from tests.tui.test_board_actions import asynctest, db_board, open_board, settle, titles


@asynctest
async def test_pane_shows_the_diff_and_toggles_to_the_plan(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["logo"])
        await pilot.press("v")
        await settle(pilot)
        pane = pilot.app.screen
        assert isinstance(pane, ChangeRequestScreen)
        text = str(pane.query_one("#request-diff").render())
        assert "added" in text and "Extra variants" in text and "€500.00 → €650.00" in text
        await pilot.press("c")
        await pilot.pause()
        assert pane.query_one("#request-plan").display
        assert [pr.row.title for pr in pane.query_one("#request-plan").rows_shown][-1] == "Extra variants"


@asynctest
async def test_decline_in_the_pane(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["logo"])
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("n", "ctrl+s")  # decline, no reason
        await settle(pilot)
    b = db_board(db_path, clock, seeded["logo"])
    assert b.request is None and "Extra variants" not in titles(b)


@asynctest
async def test_withdraw_in_the_pane_as_freelancer(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["logo"], side="freelancer")
        await pilot.press("v")
        await settle(pilot)
        assert not pilot.app.screen.applies_now("accept_request")
        await pilot.press("W", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
    assert db_board(db_path, clock, seeded["logo"]).past_requests[0].status == "withdrawn"


@asynctest
async def test_a_request_that_no_longer_applies_says_why_and_can_only_be_declined(make_test_app, db_path, clock):
    db = api.Database.open(db_path)
    b = api.create_contract(db, title="Stale", my_side="client", milestones=[
        api.MilestoneIn("One", "100"), api.MilestoneIn("Two", "100")], clock=clock)
    one = b.milestones[0].id
    api.draft_edit(db, b.id, side="freelancer", key=f"m{one}", amount="150", clock=clock)
    api.propose_changes(db, b.id, clock=clock)
    api.fund_next_milestone(db, b.id, clock=clock)  # "One" is now active: the request is stale (R4)
    db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, b.id)
        await pilot.press("v")
        await settle(pilot)
        pane = pilot.app.screen
        assert "no longer applies" in str(pane.query_one("#request-summary").render())
        assert not pane.applies_now("accept_request") and pane.applies_now("decline_request")
        await pilot.press("g")  # out of the footer; pressed anyway, it says why (R4) and writes nothing
        await settle(pilot)
        assert pilot.app.screen is pane
        said = [f"{n.title} {n.message}" for n in app._notifications if n.severity == "error"]
        assert any("R4" in m for m in said), said
        assert db_board(db_path, clock, b.id).request is not None
        await pilot.press("n", "ctrl+s")
        await settle(pilot)
    assert db_board(db_path, clock, b.id).request is None
