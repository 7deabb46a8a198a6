"""M10 in the dashboard: the revision cap on the new-contract form, rounds on the board, the warning."""

from __future__ import annotations

from cairn.storage import api
from tests.tui.asynctest import asynctest, settle
from tests.tui.test_board_actions import open_board


def _capped(db_path, clock, rounds: int) -> int:
    db = api.Database.open(db_path)
    try:
        b = api.create_contract(db, title="Capped", client_name="Capco", revision_cap=1, clock=clock,
                                milestones=[api.MilestoneIn(title="Logo", amount=100_00)])
        api.fund_next_milestone(db, b.id, actor="client", clock=clock)
        for _ in range(rounds):
            api.submit_work(db, b.id, actor="freelancer", clock=clock)
            api.request_changes(db, b.id, actor="client", clock=clock)
        api.submit_work(db, b.id, actor="freelancer", clock=clock)
        return b.id
    finally:
        db.close()


@asynctest
async def test_the_board_shows_rounds_and_warns_before_a_request_past_the_cap(make_test_app, db_path, clock):
    cid = _capped(db_path, clock, 1)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid, side="client")
        assert "Revisions: 1 of 1." in str(screen.query_one("#milestone-detail").render())
        await pilot.press("k")
        await settle(pilot)
        dialog = app.screen
        shown = " ".join(str(s.render()) for s in dialog.query("Static"))
        assert "past the contract's cap of 1" in shown and "revision round 2" in shown
        await pilot.press(*"again", "enter", "y")  # sending work back can't be undone: asked first
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "Revisions: 2, past the cap of 1." in str(screen.query_one("#milestone-detail").render())


@asynctest
async def test_the_new_contract_form_sets_the_cap_and_refuses_a_bad_one(make_test_app, db_path, clock):
    from cairn.tui.screens.new_contract import NewContractScreen

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewContractScreen)
        app.screen.query_one("#title").value = "Job"
        app.screen.query_one("#total").value = "1000"
        app.screen.query_one("#revision_cap").value = "0"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, NewContractScreen)
        assert "1 to 99" in str(app.screen.query_one("#field-revision_cap").render()) or \
            "1 to 99" in " ".join(str(s.render()) for s in app.screen.query_one("#field-revision_cap").query("*"))
        app.screen.query_one("#revision_cap").value = "3"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert not isinstance(app.screen, NewContractScreen)
    db = api.Database.open(db_path)
    try:
        assert db.reader().execute("select revision_cap from contract where title = 'Job'").fetchone() == (3,)
    finally:
        db.close()


async def _handled(pilot) -> None:
    """Every key sent handled, what it started in storage done, the screen redrawn."""
    from tests.tui.test_key_bursts import until_keys_done

    await until_keys_done(pilot)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


@asynctest
async def test_t_sets_the_cap_of_an_existing_contract_in_one_burst_and_ctrl_z_undoes_it(make_test_app, db_path, clock):
    from cairn.tui.dialogs.terms import TermsDialog

    cid = _capped(db_path, clock, 1)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, cid, side="client")
        assert "cap 1 revision" in screen.query_one("#plan-area").border_title
        # One burst, as SSH delivers it: the form, enter past the fee to the cap, an out-of-range cap.
        await pilot.press("T", "enter", "ctrl+u", "0", "enter")
        await _handled(pilot)
        dialog = app.screen
        assert isinstance(dialog, TermsDialog)
        assert "1 to 99" in dialog.query_one("#field-revision_cap").error
        assert dialog.query_one("#revision_cap").value == "0"  # what was typed is kept
        await pilot.press("ctrl+u", "3", "enter")
        await _handled(pilot)
        assert app.screen is screen
        assert "cap 3 revisions" in screen.query_one("#plan-area").border_title
        assert "Revisions: 1 of 3." in str(screen.query_one("#milestone-detail").render())
        assert "revision cap: 3 rounds" in str(screen.query_one("#activity-lines").render())
        await pilot.press("ctrl+z", "enter")  # undo asks first
        await _handled(pilot)
        assert app.screen is screen
        assert "cap 1 revision" in screen.query_one("#plan-area").border_title
        assert "Revisions: 1 of 1." in str(screen.query_one("#milestone-detail").render())


@asynctest
async def test_an_hourly_contract_has_no_cap_field(make_test_app, db_path, clock):
    db = api.Database.open(db_path)
    try:
        cid = api.create_contract(db, title="Support", kind="hourly", clock=clock).id
    finally:
        db.close()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, cid)
        await pilot.press("T")
        await settle(pilot)
        assert not app.screen.query_one("#field-revision_cap").display
        assert "revision_cap" not in app.screen.values()
