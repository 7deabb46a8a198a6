"""The milestone board through its keys: every action, asserting on the database afterwards."""

from __future__ import annotations

import pytest

from cairn.storage import api
from cairn.storage.queries.board import board as read_board
from cairn.tui.screens.board import BoardScreen
from tests.tui.asynctest import asynctest, settle


# --- helpers (shared with the other board test files) ----------------------------------------
async def open_board(pilot, contract_id: int, side: str | None = None) -> BoardScreen:
    screen = BoardScreen(contract_id, side=side)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def db_board(db_path, clock, contract_id: int, side: str | None = None):
    db = api.Database.open(db_path)
    try:
        return read_board(db, contract_id, clock, side=side)
    finally:
        db.close()


def titles(b) -> list[str]:
    return [m.title for m in b.milestones]


def states(b) -> dict[str, str]:
    return {m.title: m.state for m in b.milestones}


async def select_row(pilot, screen: BoardScreen, title: str) -> None:
    table = screen.query_one("#plan")
    index = next(i for i, pr in enumerate(table.rows_shown) if pr.row.title == title)
    table.move_cursor(row=index, animate=False)
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def fresh_contract(db_path, clock, *, my_side: str = "freelancer") -> int:
    db = api.Database.open(db_path)
    b = api.create_contract(db, title="Walk", client_name="Acme", my_side=my_side, milestones=[
        api.MilestoneIn("Design", "1000.00"), api.MilestoneIn("Build", "2000.00"),
        api.MilestoneIn("Launch", "500.00")], clock=clock)
    db.close()
    return b.id


# --- the walk ---------------------------------------------------------------------------------
@asynctest
async def test_walk_reorder_propose_accept_fund_submit_release_in_part_end(make_test_app, seeded, db_path, clock):
    cid = fresh_contract(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        # Reorder as the freelancer: a draft (R2).
        await select_row(pilot, screen, "Launch")
        await pilot.press("shift+up")
        await settle(pilot)
        assert [pr.row.title for pr in screen.board.plan] == ["Design", "Launch", "Build"]
        assert screen.query_one("#plan").selected.row.title == "Launch"  # the cursor follows the row
        # Propose it as a change request.
        await pilot.press("p")
        await type_text(pilot, "Launch first")
        await pilot.press("enter")
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.request is not None and b.request.message == "Launch first"
        # Switch to the client and accept it in the review pane.
        await pilot.press("w")
        await settle(pilot)
        assert screen.side == "client"
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("g", "enter")  # accept, confirmed
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.request is None and titles(b) == ["Design", "Launch", "Build"]
        assert pilot.app.screen is screen
        # Fund (confirm), switch, submit, switch, release in part with the rest carried.
        await pilot.press("f")
        await pilot.press("enter")
        await settle(pilot)
        assert states(db_board(db_path, clock, cid))["Design"] == "active"
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("u")
        await type_text(pilot, "Done")
        await pilot.press("enter", "y")
        await settle(pilot)
        assert states(db_board(db_path, clock, cid))["Design"] == "submitted"
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("r")
        await pilot.press("ctrl+u")
        await type_text(pilot, "600")
        await pilot.press("enter")  # submit the form
        await pilot.press("y")  # confirm
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert states(b)["Design"] == "released"
        assert b.money.paid == 60000 and b.money.credit == 40000
        # End the contract (client, nothing held): reason, confirm.
        await pilot.press("E")
        await pilot.press("tab", "enter", "enter")  # rating, then feedback: enter there ends it
        await pilot.press("y")
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.contract.status == "ended"
        assert states(b)["Launch"] == "voided"
        assert b.money.credit == 0  # carried credit refunded on ending (C3)


# --- plan edits -------------------------------------------------------------------------------
@asynctest
async def test_add_milestone_builds_a_draft(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await pilot.press("a")
        await type_text(pilot, "Extra page")
        await pilot.press("tab")
        await type_text(pilot, "250")
        await pilot.press("ctrl+s")  # saves from any field; enter moves to the next one
        await settle(pilot)
        b = db_board(db_path, clock, seeded["web"], side="freelancer")
        assert [pr.row.title for pr in b.plan][-1] == "Extra page"
        assert "added" in b.plan[-1].marks
        assert "Extra page" not in titles(b)  # only the draft changed
        assert "+" in str(screen.query_one("#plan").get_row(b.plan[-1].key)[0])


@asynctest
async def test_edit_milestone(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Handover")
        await pilot.press("e")
        await pilot.press("tab")
        await pilot.press("ctrl+u")
        await type_text(pilot, "350")
        await pilot.press("enter", "enter", "enter")  # amount, due date, description: the last saves
        await settle(pilot)
        b = db_board(db_path, clock, seeded["web"], side="freelancer")
        (edited,) = b.draft_diff.edited
        assert edited.title == "Handover" and edited.changes[0].new == 35000


@asynctest
async def test_edit_locked_milestone_is_refused_m6(make_test_app, seeded, db_path, clock):
    before = db_board(db_path, clock, seeded["web"])
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Visual design")
        await pilot.press("e")
        await settle(pilot)
        assert any("locked" in n.message for n in app._notifications)
    after = db_board(db_path, clock, seeded["web"], side="freelancer")
    assert after.draft is None and after.milestones == before.milestones


@asynctest
async def test_delete_toggles_delete_and_restore(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Handover")
        await pilot.press("d")
        await settle(pilot)
        b = db_board(db_path, clock, seeded["web"], side="freelancer")
        assert [r.title for r in b.draft_diff.removed] == ["Handover"]
        assert screen.query_one("#plan").selected.row.title == "Handover"
        await pilot.press("d")
        await settle(pilot)
        assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None


@asynctest
async def test_show_changes_toggles_the_diff(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Handover")
        await pilot.press("shift+up")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert screen.query_one("#diff-scroll").display and not screen.query_one("#plan").display
        text = str(screen.query_one("#diff").render())
        assert "moved" in text and "→" in text
        await pilot.press("c")
        await pilot.pause()
        assert screen.query_one("#plan").display


@asynctest
async def test_send_changes_as_client_applies_the_draft(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"], side="client")
        await select_row(pilot, screen, "Handover")
        await pilot.press("shift+up")
        await settle(pilot)
        await pilot.press("s")
        await pilot.press("enter")
        await settle(pilot)
    b = db_board(db_path, clock, seeded["web"])
    assert titles(b) == ["Wireframes", "Visual design", "Handover", "Build and launch"]


@asynctest
async def test_discard_changes_after_confirm(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Handover")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("x")
        await pilot.press("n")  # cancelled: the draft stays
        await settle(pilot)
        assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is not None
        await pilot.press("x")
        await pilot.press("y")
        await settle(pilot)
    assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None


@asynctest
async def test_draft_survives_quitting(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await select_row(pilot, screen, "Handover")
        await pilot.press("shift+up")
        await settle(pilot)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        assert screen.board.draft is not None
        assert [pr.row.title for pr in screen.board.plan][2] == "Handover"


# --- money actions ----------------------------------------------------------------------------
@asynctest
async def test_fund_next_milestone_as_client(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, cid, side="client")
        await pilot.press("f", "enter")
        await settle(pilot)
    b = db_board(db_path, clock, cid)
    assert states(b)["Design"] == "active" and b.money.escrow == 100000


@asynctest
async def test_submit_then_request_changes(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        await pilot.press("u")
        await type_text(pilot, "Mockups in the shared folder")
        await pilot.press("enter", "y")
        await settle(pilot)
        b = db_board(db_path, clock, seeded["web"])
        assert b.locked.state == "submitted" and b.locked.submission_message == "Mockups in the shared folder"
        await pilot.press("w")
        await settle(pilot)
        assert screen.side == "client"
        await pilot.press("k")
        await type_text(pilot, "Darker header")
        await pilot.press("enter", "y")
        await settle(pilot)
    assert db_board(db_path, clock, seeded["web"]).locked.state == "active"


@asynctest
async def test_release_payment_in_full(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("r", "enter", "y")
        await settle(pilot)
    b = db_board(db_path, clock, seeded["web"])
    assert states(b)["Visual design"] == "released" and b.money.escrow == 0 and b.contract.is_open


@asynctest
async def test_release_in_part_refunds_the_remainder_and_ends(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("r", "ctrl+u")
        await type_text(pilot, "1000")
        dialog = pilot.app.screen
        dialog.query_one("#remainder").focus()
        await pilot.press("down", "enter")  # "Refund it to the client"
        dialog.query_one("#after").focus()
        await pilot.press("down", "enter")  # "End the contract"
        dialog.query_one("#amount").focus()
        await pilot.pause()
        await pilot.press("enter", "y")
        await settle(pilot)
    b = db_board(db_path, clock, seeded["web"])
    assert b.contract.status == "ended" and b.money.paid == 150000
    # Storage settles the rest on ending (C3): refunded, or asked back through a refund request.
    assert b.money.refunded == 20000 or b.refund_request.amount_minor == 20000


@asynctest
async def test_refund_escrow_as_freelancer(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("R", "enter")
        await settle(pilot)
    b = db_board(db_path, clock, seeded["web"])
    assert states(b)["Visual design"] == "refunded" and b.money.escrow == 0


@pytest.mark.parametrize("accept", [True, False])
@asynctest
async def test_answer_refund_request(make_test_app, seeded, db_path, clock, accept):
    db = api.Database.open(db_path)
    api.request_refund(db, seeded["web"], amount="200", clock=clock)
    db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        assert "Refund request" in str(screen.query_one("#request-notice").render())
        await pilot.press("y")
        await type_text(pilot, "Work was delivered")
        if accept:
            await pilot.press("tab", "tab", "tab", "tab", "enter", "y")  # When, Cancel, Dispute, Accept; confirmed
        else:
            await pilot.press("tab", "tab", "tab", "enter")  # When, Cancel, Dispute
        await settle(pilot)
    b = db_board(db_path, clock, seeded["web"])
    if accept:
        assert b.money.refunded == 20000 and b.refund_request is None
    else:
        assert b.refund_request.status == "disputed"


@asynctest
async def test_give_bonus(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("b")
        await type_text(pilot, "75")
        await pilot.press("tab")
        await type_text(pilot, "Thanks")
        await pilot.press("enter", "y")  # a bonus can't be taken back: asked first
        await settle(pilot)
    assert db_board(db_path, clock, seeded["web"]).money.bonus == 7500


@asynctest
async def test_end_contract_as_client_releases_part_and_requests_refund(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("E", "down", "enter")  # reason: cancelled
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "200")
        await pilot.press("tab")
        await type_text(pilot, "4")
        await pilot.press("enter", "enter", "y")  # rating, feedback: enter in the last one ends it
        await settle(pilot)
    b = db_board(db_path, clock, seeded["web"])
    assert b.contract.status == "ended" and b.contract.end_reason == "cancelled"
    assert b.contract.feedback_rating == 4
    assert b.refund_request is not None and b.refund_request.amount_minor == 100000


@asynctest
async def test_archive_contract(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("A", "y")
        await settle(pilot)
    assert db_board(db_path, clock, seeded["web"]).contract.archived


# --- change requests from the board ---------------------------------------------------------
@asynctest
async def test_decline_change_request_from_the_board(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["logo"])
        assert screen.side == "client"
        assert "Change request pending" in str(screen.query_one("#request-notice").render())
        await pilot.press("n")
        await type_text(pilot, "Not now")
        await pilot.press("ctrl+s")  # enter would move on to When
        await settle(pilot)
    b = db_board(db_path, clock, seeded["logo"])
    assert b.request is None and b.past_requests[0].status == "declined"
    assert b.past_requests[0].outcome == "Not now"


@asynctest
async def test_accept_change_request_from_the_board(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["logo"])
        await pilot.press("g", "enter")
        await settle(pilot)
    assert "Extra variants" in titles(db_board(db_path, clock, seeded["logo"]))


@asynctest
async def test_withdraw_change_request_as_freelancer(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["logo"])
        await pilot.press("w")
        await settle(pilot)
        assert screen.side == "freelancer"
        await pilot.press("W", "enter")
        await settle(pilot)
    assert db_board(db_path, clock, seeded["logo"]).past_requests[0].status == "withdrawn"


# --- acting as, read marks, conflicts -------------------------------------------------------
@asynctest
async def test_act_as_switches_side_and_the_key_shows_only_the_other_side(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        assert "Acting as: freelancer" in str(screen.query_one("#acting-as").render())
        assert screen.check_action("act_as", ("client",)) and not screen.check_action("act_as", ("freelancer",))
        await pilot.press("w")
        await settle(pilot)
        assert "Acting as: client" in str(screen.query_one("#acting-as").render())
        assert screen.board.side == "client"
        assert not screen.applies_now("fund")  # M4: a milestone already holds escrow (the key says so)
        assert not screen.applies_now("submit_work")


@asynctest
async def test_events_are_marked_read_once_seen(make_test_app, seeded, db_path, clock):
    assert db_board(db_path, clock, seeded["web"]).unread > 0
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
    assert db_board(db_path, clock, seeded["web"]).unread == 0


@asynctest
async def test_a_stale_board_gets_a_conflict_and_reloads(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"], side="client")
        db = api.Database.open(db_path)
        api.give_bonus(db, seeded["web"], amount="10", clock=clock)  # another session
        db.close()
        # The app polls for other sessions' commits twice a second; on a slow machine it would see
        # this one before the keys below and reload, leaving nothing stale. Taken as seen (as its
        # own writes are), it leaves the board stale until the conflict reloads it.
        app._watcher.absorb()
        await pilot.press("r", "enter")
        await settle(pilot)  # the confirmation opens from the form's handler: wait for it
        await pilot.press("y")
        await settle(pilot)
        assert any("another Cairn session" in n.message for n in app._notifications)
        assert screen.board.money.bonus == 1000  # reloaded
    assert states(db_board(db_path, clock, seeded["web"]))["Visual design"] == "active"
