"""Issue 9 §3 from the keyboard: nothing silent (a key or palette entry that does not apply answers
with the rule's refusal and writes nothing), the refund request as the client, a dispute to its
outcome, feedback after the end, hourly contracts; asserting on the database afterwards."""

from __future__ import annotations

from cairn.storage import api
from cairn.tui.commands import CairnCommands
from cairn.tui.screens import board_keys
from tests.tui.test_board_actions import (
    asynctest,
    db_board,
    fresh_contract,
    open_board,
    settle,
    type_text,
)
from tests.tui.test_palette_board import run_from_palette


def _db(db_path):
    return api.Database.open(db_path)


def funded(db_path, clock, *, my_side: str = "client", submitted: bool = False) -> int:
    db = _db(db_path)
    cid = api.create_contract(db, title="Walk", client_name="Acme", my_side=my_side, milestones=[
        api.MilestoneIn("Design", "1000.00"), api.MilestoneIn("Build", "2000.00")],
        started_on=clock.now().subtract(days=7).date(), clock=clock).id
    api.fund_next_milestone(db, cid, clock=clock, at=clock.now().subtract(days=3))
    if submitted:
        api.submit_work(db, cid, message="Done", clock=clock, at=clock.now().subtract(days=2))
    db.close()
    return cid


def refusals(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications if n.severity == "error"]


@asynctest
async def test_f_while_a_milestone_holds_escrow_names_m4_and_writes_nothing(make_test_app, db_path, clock):
    cid = funded(db_path, clock)
    before = db_board(db_path, clock, cid).contract.version
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        assert not screen.applies_now("fund")
        await pilot.press("f")
        await settle(pilot)
        assert pilot.app.screen is screen
        (said,) = refusals(app)
        assert "M4" in said and "Design" in said
        await pilot.press("u")  # submit work, acting as the client
        await settle(pilot)
        assert any("M9" in r and "freelancer" in r for r in refusals(app))
    assert db_board(db_path, clock, cid).contract.version == before


@asynctest
async def test_a_with_nothing_selected_says_what_it_needs(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, cid)
        await pilot.press("c")  # show changes, with no draft
        await settle(pilot)
        assert any("no draft" in n.message for n in app._notifications)


@asynctest
async def test_the_palette_finds_every_board_action_and_one_that_does_not_apply_says_why(
        make_test_app, db_path, clock):
    cid = funded(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_board(pilot, cid)
        offered = {str(hit.display) async for hit in CairnCommands(screen).discover()}
        every = {b.description for b in board_keys.BINDINGS if b.action != "act_as('client')"}
        assert every <= offered, every - offered
        await run_from_palette(pilot, "Fund and activate next milestone")
        assert any("M4" in r for r in refusals(app))
        await run_from_palette(pilot, "Leave feedback")
        assert any("C4" in r and "end it first" in r for r in refusals(app))
    assert db_board(db_path, clock, cid).money.escrow == 100000


@asynctest
async def test_request_refund_as_the_client_keeps_the_contract_open(make_test_app, db_path, clock):
    cid = funded(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        assert screen.applies_now("request_refund")
        await pilot.press("t", "ctrl+u")
        await type_text(pilot, "400")
        await pilot.press("tab")
        await type_text(pilot, "yesterday")
        await pilot.press("enter")
        await settle(pilot)
        if pilot.app.screen is not screen:  # the confirmation
            await pilot.press("enter")
            await settle(pilot)
        assert pilot.app.screen is screen
        assert "Refund request" in str(screen.query_one("#request-notice").render())
    b = db_board(db_path, clock, cid)
    assert b.contract.is_open and b.refund_request.amount_minor == 40000 and b.refund_request.status == "pending"
    assert b.refund_request.requested_at.day == clock.now().subtract(days=1).day


def disputed(db_path, clock) -> int:
    cid = funded(db_path, clock, submitted=True)
    db = _db(db_path)
    api.request_refund(db, cid, amount="400", clock=clock)
    api.answer_refund_request(db, cid, accept=False, note="Delivered", clock=clock)
    db.close()
    return cid


@asynctest
async def test_a_dispute_goes_to_mediation_then_ends_split(make_test_app, db_path, clock):
    cid = disputed(db_path, clock)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        notice = str(screen.query_one("#request-notice").render())
        assert "Dispute" in notice and "disputed" in notice
        await pilot.press("o")  # mediation is the step chosen first
        await settle(pilot)
        pilot.app.screen.query_one("#at").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen, refusals(app)
        assert db_board(db_path, clock, cid).refund_request.status == "mediation"
        assert "mediation" in str(screen.query_one("#request-notice").render())
        await pilot.press("o")
        await settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#step-split").value = True
        await settle(pilot)
        dialog.query_one("#refund").focus()
        await type_text(pilot, "150")
        dialog.query_one("#at").focus()
        await pilot.press("enter")
        await settle(pilot)
        if pilot.app.screen is not screen:  # the outcome asks first
            await pilot.press("enter")
            await settle(pilot)
        assert pilot.app.screen is screen, refusals(app)
    b = db_board(db_path, clock, cid)
    assert b.refund_request is None and b.money.refunded == 15000 and b.money.paid == 25000
    assert any(e.kind == "dispute_settled" for e in b.events)


@asynctest
async def test_feedback_after_the_end(make_test_app, db_path, clock):
    cid = fresh_contract(db_path, clock)
    db = _db(db_path)
    api.end_contract(db, cid, actor="client", clock=clock)
    db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        await pilot.press("l")
        await type_text(pilot, "5")
        await pilot.press("tab")
        await type_text(pilot, "Great")
        await pilot.press("tab", "enter")  # from When, the last field
        await settle(pilot)
        assert pilot.app.screen is screen, refusals(app)
    c = db_board(db_path, clock, cid).contract
    assert c.feedback_rating == 5 and c.feedback_text == "Great"


@asynctest
async def test_an_hourly_contract_says_so_and_refuses_milestone_keys_with_c1(make_test_app, db_path, clock):
    db = _db(db_path)
    cid = api.create_contract(db, title="Support", client_name="Acme", kind="hourly", my_side="client",
                              clock=clock).id
    db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid)
        assert "hourly" in str(screen.query_one("#board-title").render())
        assert screen.query_one("#plan-note").display and not screen.query_one("#plan").display
        for key in ("f", "a", "r", "t"):
            await pilot.press(key)
            await settle(pilot)
            assert pilot.app.screen is screen
        said = refusals(app)
        assert len(said) == 4 and all("C1" in r and "hourly" in r for r in said), said
