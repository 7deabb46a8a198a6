"""The Profiles screen (P9): reached by M and the palette, profiles added and edited from the
keyboard (keys in one burst included), refusals marked on their field; the new-contract form
offers every profile and a per-contract review window and fee."""

from __future__ import annotations

import pytest

from cairn.storage import api
from cairn.tui.screens.contract_list import ContractListScreen
from cairn.tui.screens.profiles import ProfileFormScreen, ProfilesScreen
from tests.tui.asynctest import asynctest, settle, wait_until
from tests.tui.test_contract_list_snapshots import SIZES, ready


async def until(pilot, condition) -> None:
    await wait_until(pilot, condition, "the screen in the state the test names")


def names(app) -> list[str]:
    return [p.name for p in app.screen.rows]


@asynctest
async def test_m_opens_the_profiles_and_a_burst_adds_one(make_test_app, db_path):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        await until(pilot, lambda: len(app.screen.rows) == 5)
        assert names(app)[:2] == ["Marketplace", "Direct client"]
        # One burst, as SSH delivers it: a, the name, tab to the review window, "none", the fee, save.
        await pilot.press("a", *"Agency portal", "tab", "ctrl+u", *"none", "tab", "tab", "tab", "tab", "tab",
                          "ctrl+u", *"20% to 500; 10% to 10,000; 5%", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ProfilesScreen) and len(app.screen.rows) == 6)
        p = app.screen.selected
        assert p.name == "Agency portal" and p.review_days is None and p.fee_rule == "20% to 500.00; 10% to " \
            "10000.00; 5%"
        assert "Fee: 20% up to 500.00, 10% up to 10,000.00, 5% above (by lifetime billings" in str(
            app.screen.query_one("#profile-detail").render())
        await pilot.press("escape")
        assert isinstance(app.screen, ContractListScreen)
    db = api.Database.open(db_path)
    assert [p.name for p in api.profiles(db)][-1] == "Agency portal"
    db.close()


@asynctest
async def test_edit_refused_marks_the_field_and_keeps_the_typing(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await until(pilot, lambda: isinstance(app.screen, ProfilesScreen) and app.screen.rows)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ProfileFormScreen) and form.query_one("#name").disabled  # built-in: keeps its name
        assert app.focused.id == "hold_days"
        await pilot.press("ctrl+u", *"lots", "ctrl+s")
        await until(pilot, lambda: form.query_one("#field-hold_days").error is not None)
        assert "hold days is a whole number of days" in form.query_one("#field-hold_days").error.lower()
        assert form.query_one("#hold_days").value == "lots" and app.screen is form
        await pilot.press("ctrl+u", *"3", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ProfilesScreen))
        await until(pilot, lambda: app.screen.selected is not None and app.screen.selected.hold_days == 3)


@asynctest
async def test_profiles_are_in_the_palette_and_help(make_test_app):
    from cairn.tui.commands import bound_actions

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Platform profiles" in [a.description for a in bound_actions(app.screen)]
        # Chosen from the palette (a screen of its own, over the list), it opens the profiles.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"platform profiles")
        from tests.tui.test_palette import palette_offers

        await palette_offers(pilot, "Platform profiles")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ProfilesScreen))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        from tests.tui.test_help import help_rows

        assert "Platform profiles" in help_rows(app.screen, "help-app-keys")  # not "(not now)"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        described = [a.description for a in bound_actions(app.screen)]
        assert {"Add profile", "Edit profile", "Back"} <= set(described)
        assert "Platform profiles" not in described  # not over itself
        await pilot.press("question_mark")
        await settle(pilot)
        assert {"Add profile", "Edit profile", "Back"} <= set(help_rows(app.screen, "help-screen-keys"))


@asynctest
async def test_new_contract_offers_every_profile_and_per_contract_terms(make_test_app, db_path):
    from textual.widgets import Select

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await until(pilot, lambda: len(form.profiles) == 5)
        select = form.query_one("#profile", Select)
        assert [str(o[0]) for o in select._options][-1] == "Escrow service"
        assert not form.field("review_days").display
        select.value = "Escrow service"
        await until(pilot, lambda: form.field("review_days").display)
        form.query_one("#title").value = "Escrowed build"
        form.query_one("#total").value = "900"
        form.query_one("#review_days").value = "45"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: form.field("review_days").error is not None)
        assert "1 to 30 days" in form.field("review_days").error
        form.query_one("#review_days").value = "21"
        form.query_one("#fee_rule").value = "2.5%"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not form.is_attached)
    db = api.Database.open(db_path)
    c = next(s for s in api.contract_summaries(db, app.clock) if s.title == "Escrowed build")
    p = api.board(db, c.id, app.clock).contract.profile
    assert (p.name, p.review_days, p.fee_rule) == ("Escrow service", 21, "2.5%")
    db.close()


@pytest.mark.parametrize("size", SIZES)
def test_profiles_screen(snap_compare, seeded, make_test_app, size):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("M")
        await until(pilot, lambda: getattr(pilot.app.screen, "rows", None))
        await pilot.press("down", "down")
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_profile_form(snap_compare, seeded, make_test_app, size):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("M")
        await until(pilot, lambda: getattr(pilot.app.screen, "rows", None))
        await pilot.press("e")
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@asynctest
async def test_t_on_the_board_gives_the_contract_its_own_fee_and_moves_it(make_test_app, seeded, db_path):
    from textual.widgets import Select

    from cairn.tui.dialogs.terms import TermsDialog
    from tests.tui.test_board_actions import open_board

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"])
        assert "Marketplace: review 14d, hold 5d, fee 10%" in screen.query_one("#plan-area").border_title
        await pilot.press("T")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TermsDialog) and app.focused.id == "fee_rule"
        await pilot.press("ctrl+u", *"lots", "enter", "enter")  # enter moves on to the revision cap, then saves
        await until(pilot, lambda: dialog.query_one("#field-fee_rule").error is not None)
        assert "not a fee tier" in dialog.query_one("#field-fee_rule").error
        assert app.focused.id == "fee_rule"  # the refused field has the focus
        await pilot.press("ctrl+u", *"12.5%", "ctrl+s")
        await until(pilot, lambda: not dialog.is_attached)
        await settle(pilot)
        assert "fee 12.5%" in screen.query_one("#plan-area").border_title
        await pilot.press("T")
        await settle(pilot)
        dialog = app.screen
        await until(pilot, lambda: len(dialog.profiles) == 5)
        dialog.query_one("#profile", Select).value = "Escrow service"
        await until(pilot, lambda: dialog.query_one("#field-review_days").display)
        dialog.query_one("#review_days").value = "10"
        dialog.query_one("#fee_rule").value = ""
        await pilot.click("#ok")
        await until(pilot, lambda: not dialog.is_attached)
        await settle(pilot)
        assert "Escrow service: review 10d, hold 0d, no fee" in screen.query_one("#plan-area").border_title
