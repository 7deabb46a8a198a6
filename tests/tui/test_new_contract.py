"""The New contract form: template splits (G2) with a live preview, refusals on the field."""

from __future__ import annotations

import pytest

from cairn.tui.screens.contract_list import ContractListScreen
from cairn.tui.screens.new_contract import NewContractScreen
from tests.tui.test_contract_list import drive, settle, summaries


async def open_form(pilot) -> NewContractScreen:
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NewContractScreen)
    return pilot.app.screen


async def fill(pilot, form: NewContractScreen, **values) -> None:
    from textual.widgets import Input, Select

    for name, value in values.items():
        widget = form.query_one(f"#{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause()


def preview(form) -> str:
    return str(form.query_one("#preview").content)


def test_live_preview_splits_the_total_exactly(make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Site", total="1000.01")
        assert "Kick-off $250.00" in preview(form) and "Final revisions $250.01" in preview(form)
        await fill(pilot, form, template="thirds")
        assert "$333.33" in preview(form) and "$333.35" in preview(form)
        await fill(pilot, form, template="equal", n="4")
        assert form.field("n").display and "4 milestones" in preview(form)
        await fill(pilot, form, template="custom", percentages="30, 30")
        assert form.field("percentages").display and "add up to 100" in preview(form)
        await fill(pilot, form, template="none")
        assert "No milestones" in preview(form)

    drive(make_test_app(), scenario)


def test_creates_with_equal_n_split_as_client_on_direct_profile(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Subcontract", client_name="Me", currency="EUR", my_side="client",
                   profile="Direct client", started_on="2026-11-01", total="100", template="equal", n="3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContractListScreen)

    drive(make_test_app(), scenario)
    [s] = summaries(db_path, clock)
    assert (s.title, s.currency, s.my_side, s.milestones, s.value) == ("Subcontract", "EUR", "client", 3, 10000)


def test_custom_percentages_and_no_milestones(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Custom", total="2000", template="custom", percentages="10, 20, 70")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = await open_form(pilot)
        await fill(pilot, form, title="Hourly-ish", template="none")
        await pilot.press("ctrl+s")
        await settle(pilot)

    drive(make_test_app(), scenario)
    by_title = {s.title: s for s in summaries(db_path, clock)}
    assert (by_title["Custom"].milestones, by_title["Custom"].value) == (3, 200000)
    assert by_title["Hourly-ish"].milestones == 0


def test_empty_title_marks_the_field_and_keeps_what_was_typed(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="   ", client_name="Kept client", total="900")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        field = form.field("title")
        assert field.has_class("-invalid")
        assert "title is empty" in field.error and "(C2)" in field.error
        assert form.query_one("#client_name").value == "Kept client"
        assert form.query_one("#total").value == "900"
        assert pilot.app.focused is form.query_one("#title")
        # Fixing it clears the error and creates the contract.
        await fill(pilot, form, title="Fixed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContractListScreen)

    drive(make_test_app(), scenario)
    assert [s.title for s in summaries(db_path, clock)] == ["Fixed"]


@pytest.mark.cost(12)
def test_each_refusal_lands_on_its_field(db_path, clock, make_test_app):
    cases = [
        (dict(currency="XYZ", total="100"), "currency", "ISO 4217"),
        (dict(total="12.345"), "total", "finer"),
        (dict(total="abc"), "total", "not an amount"),
        (dict(total="10", template="equal", n="3"), "total", "at least $5.00"),
        (dict(total="100", template="custom", percentages="50, 40"), "percentages", "add up to 100"),
        (dict(total="100", started_on="31/12/2026"), "started_on", "not a date"),
    ]

    async def scenario(pilot):
        for values, field, words in cases:
            form = await open_form(pilot)
            await fill(pilot, form, title="T", **values)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert pilot.app.screen is form, values
            assert form.field(field).has_class("-invalid"), values
            assert words in form.field(field).error, (values, form.field(field).error)
            await pilot.press("escape")
            await pilot.pause()

    drive(make_test_app(), scenario)
    assert summaries(db_path, clock) == []


def test_escape_cancels_without_creating(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Never", total="100")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContractListScreen)

    drive(make_test_app(), scenario)
    assert summaries(db_path, clock) == []


def test_markup_in_the_title_is_stored_and_shown_as_typed(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="[bold]Loud[/] [link=https://e.test]x", total="100")
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = pilot.app.screen.table.selected
        assert row.cells["title"].plain == "[bold]Loud[/] [link=https://e.test]x"

    drive(make_test_app(), scenario)
    assert summaries(db_path, clock)[0].title == "[bold]Loud[/] [link=https://e.test]x"


def test_keys_arriving_in_one_burst_land_in_the_right_fields(make_test_app):
    """Over SSH, keystrokes arrive bunched in one packet. Tab must move the focus before the
    next key is delivered, or the start of the client's name lands in the title."""
    from textual import events
    from textual.widgets import Input

    from tests.tui.test_key_bursts import until_keys_done

    async def scenario(pilot):
        form = await open_form(pilot)
        # Back in the title, its text is selected (as on any focus), so "!" replaces it.
        burst = [*"Logo", "tab", *"Acme", "shift+tab", "!"]
        for key in burst:
            char = key if len(key) == 1 else None
            pilot.app.post_message(events.Key(key, char))
        await until_keys_done(pilot)
        assert form.query_one("#title", Input).value == "!"
        assert form.query_one("#client_name", Input).value == "Acme"

    drive(make_test_app(), scenario)


def test_editing_keys_in_a_burst_apply_in_the_order_typed(make_test_app):
    """Textual runs an input's own editing keys (backspace, ctrl+a, ctrl+k…) only after they
    bubble to the app, so a character typed right behind one used to overtake it
    (Textualize/textual#6605). The app's key gate lets one key through at a time."""
    from textual import events
    from textual.widgets import Input

    from tests.tui.test_key_bursts import until_keys_done

    async def scenario(pilot):
        form = await open_form(pilot)
        keys = [*"ba", "backspace", "c", "ctrl+a", "X", "end", *"!!", "left", "delete", "ctrl+e", "?"]
        for key in keys:
            pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
        await until_keys_done(pilot)
        assert form.query_one("#title", Input).value == "Xbc!?"
        for key in ["ctrl+a", "ctrl+k", *"300"]:
            pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
        await until_keys_done(pilot)
        assert form.query_one("#title", Input).value == "300"

    drive(make_test_app(), scenario)


@pytest.mark.cost(6)
def test_any_text_in_the_preview_is_refused_not_a_crash(make_test_app):
    """Issue 10: 1e9999999 in Custom percentages raised decimal.Overflow and the form was lost."""
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Site", total="4000", template="custom")
        for text in ("1e9999999", "NaN", "9" * 400, "50, 50e0", "\x00"):
            await fill(pilot, form, percentages=text)
            assert preview(form).startswith("✗") and "percentage" in preview(form), preview(form)
        await fill(pilot, form, percentages="", template="equal", n="999")
        assert preview(form).startswith("✗")
        await fill(pilot, form, template="25/50/25", total="1" + "0" * 5000)
        assert preview(form).startswith("✗")
        assert pilot.app.screen is form and pilot.app.is_running

    drive(make_test_app(), scenario)


def _boards(db_path, clock):
    from cairn.storage import api
    from cairn.storage.queries.board import board

    db = api.Database.open(db_path)
    try:
        return {s.title: board(db, s.id, clock) for s in summaries(db_path, clock)}
    finally:
        db.close()


def test_each_milestone_of_the_split_is_named_with_its_due_date(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Site", total="1000")
        assert [r.display for r, _t, _d in form._rows] == [True, True, True, False, False, False]
        await settle(pilot)
        assert "Milestone 1 · $250.00" in str(form.query_one("#field-m-1-title .field--label").render())
        await fill(pilot, form, **{"m-1-title": "Wireframes", "m-2-title": "Build", "m-2-due": "2026-12-15"})
        assert "Wireframes $250.00" in preview(form)
        # A due date that does not exist marks its own row, and everything typed stays.
        await fill(pilot, form, **{"m-3-due": "2026-02-30"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert form.field("m-3-due").has_class("-invalid") and "milestone 3" in form.field("m-3-due").error.lower()
        assert form.query_one("#m-1-title").value == "Wireframes"
        await fill(pilot, form, **{"m-3-due": ""})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContractListScreen)

    drive(make_test_app(), scenario)
    b = _boards(db_path, clock)["Site"]
    assert [(m.title, m.due_date and m.due_date.isoformat()) for m in b.milestones] == [
        ("Wireframes", None), ("Build", "2026-12-15"), ("Final revisions", None)]


def test_an_hourly_contract_from_the_form(db_path, clock, make_test_app):
    async def scenario(pilot):
        form = await open_form(pilot)
        await fill(pilot, form, title="Support", total="1000", kind="hourly")
        assert not form.query_one("#fixed-row").display and "hourly" in preview(form).lower()
        assert not any(r.display for r, _t, _d in form._rows)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContractListScreen)

    drive(make_test_app(), scenario)
    b = _boards(db_path, clock)["Support"]
    assert b.contract.kind == "hourly" and b.milestones == []


def test_at_80x24_with_custom_percentages_the_buttons_stay_in_sight(make_test_app):
    """Issue 11 §4: the fields scroll; Cancel and Create are on screen whatever the form shows."""
    from textual.widgets import Select

    async def scenario(pilot):
        form = await open_form(pilot)
        form.query_one("#template", Select).value = "custom"
        await settle(pilot)
        assert form.query_one("#field-percentages").display
        screen = form.region
        for button in ("#cancel", "#create"):
            region = form.query_one(button).region
            assert region.height > 0 and screen.contains_region(region), (button, region)

    drive(make_test_app(), scenario, size=(80, 24))


def test_the_rows_shown_before_the_total_count_only_plain_digits():
    """"²" is a digit to str.isdigit but not to int(): typed as the number of milestones it
    crashed the form's row count. Only 0-9 count, between spaces as storage reads them (which
    refuses anything else, naming the field)."""
    from cairn.tui.screens.new_contract_fields import parts_named

    form = {"template": "equal", "percentages": ""}
    assert [parts_named({**form, "n": n}) for n in ("²", "4\x1f", " 5 ", "٣", "1000")] == [0, 4, 5, 0, 0]
