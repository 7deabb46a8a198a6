"""Board dialogs: bad input marks the field and keeps what was typed; user text stays data."""

from __future__ import annotations

from cairn.storage import api
from cairn.tui.widgets.common import Field
from tests.tui.asynctest import wait_until
from tests.tui.test_board_actions import asynctest, db_board, open_board, settle, type_text


@asynctest
async def test_bad_amount_marks_the_field_and_keeps_the_input(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("a")
        await type_text(pilot, "Extra")
        await pilot.press("tab")
        await type_text(pilot, "12.345")
        await pilot.press("enter", "enter", "enter")  # enter moves on, field by field; the last saves
        await settle(pilot)
        dialog = pilot.app.screen
        field = dialog.query_one("#field-amount", Field)
        assert field.has_class("-invalid") and field.error
        assert dialog.query_one("#amount").value == "12.345"
        assert dialog.query_one("#title").value == "Extra"
        await pilot.press("escape")
        await settle(pilot)
    assert db_board(db_path, clock, seeded["web"], side="freelancer").draft is None


@asynctest
async def test_bad_date_and_empty_title_are_marked(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("a")
        await pilot.press("tab")
        await type_text(pilot, "100")
        await pilot.press("ctrl+s")  # saves from any field (enter moves to the next one)
        await settle(pilot)
        assert pilot.app.screen.query_one("#field-title", Field).has_class("-invalid")
        assert pilot.app.focused.id == "title"  # the refused field has the focus
        await type_text(pilot, "Ok")
        await pilot.press("tab", "tab")
        await type_text(pilot, "31/12/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = pilot.app.screen
        assert dialog.query_one("#field-due_date", Field).has_class("-invalid")
        assert not dialog.query_one("#field-title", Field).has_class("-invalid")


@asynctest
async def test_release_more_than_escrow_is_marked_p1(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("r", "ctrl+u")
        await type_text(pilot, "5000")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.query_one("#amount").value == "5000", "refused before any question"
        field = pilot.app.screen.query_one("#field-amount", Field)
        assert field.has_class("-invalid") and "escrow" in field.error
    assert db_board(db_path, clock, seeded["web"]).locked.state == "active"


MARKUP = "[bold]Bold[/bold] [link=https://x.example]x[/link] [red]"


@asynctest
async def test_user_text_is_shown_as_typed(make_test_app, db_path, clock):
    db = api.Database.open(db_path)
    b = api.create_contract(db, title=MARKUP, client_name="[i]Client[/i]", milestones=[
        api.MilestoneIn(MARKUP, "100.00")], clock=clock)
    api.fund_next_milestone(db, b.id, clock=clock)
    api.submit_work(db, b.id, message="[blink]msg[/blink]", clock=clock)
    db.close()
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_board(pilot, b.id)
        title = screen.query_one("#board-title").render()
        assert MARKUP in str(title) and "[i]Client[/i]" in str(title)
        row = screen.query_one("#plan").get_row_at(0)
        assert str(row[2]).startswith("[bold]Bold")
        assert MARKUP in str(screen.query_one("#activity-lines").render())


@asynctest
async def test_escape_cancels_a_dialog_and_changes_nothing(make_test_app, seeded, db_path, clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot, seeded["web"], side="client")
        await pilot.press("b")
        await type_text(pilot, "10")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
    assert db_board(db_path, clock, seeded["web"]).money.bonus == 0


@asynctest
async def test_a_comma_in_the_release_dialog_is_shown_and_refused_not_recorded(make_test_app, seeded, db_path,
                                                                              clock):
    """Issue 10: '1,5' was recorded as a release of 15.00. The dialog now shows what it read
    before anything is recorded, and the comma is refused with the form to type."""
    from textual.widgets import Static

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("r", "ctrl+u")
        await type_text(pilot, "1,5")
        await settle(pilot)
        dialog = pilot.app.screen
        summary = str(dialog.query_one("#summary", Static).render())
        assert "would read as $15.00" in summary and "type 1.50" in summary
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog, "no confirmation for an amount that can't be read"
        field = dialog.query_one("#field-amount", Field)
        assert field.has_class("-invalid") and "1.50" in field.error
        assert dialog.query_one("#amount").value == "1,5"
        await pilot.press("ctrl+u")
        await type_text(pilot, "1,200")
        await settle(pilot)
        assert "Releases $1,200.00 to the freelancer" in str(dialog.query_one("#summary", Static).render())
    assert db_board(db_path, clock, seeded["web"]).locked.state == "active"
    assert db_board(db_path, clock, seeded["web"]).money.paid == 500_00


@asynctest
async def test_amount_fields_show_what_they_read(make_test_app, seeded):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("b")
        await type_text(pilot, "12,500")
        await settle(pilot)
        hint = pilot.app.screen.query_one("#field-amount .field--hint")
        assert str(hint.render()) == "= $12,500.00"
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert "would read as $125.00" in str(hint.render())


async def burst(pilot, *keys: str) -> None:
    """Keys arriving in one packet (SSH): all queued before the app handles the first."""
    from textual import events

    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))
    await settle(pilot)


@asynctest
async def test_enter_y_in_one_burst_answers_the_confirmation_after_validation(make_test_app, seeded, db_path,
                                                                              clock):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        board = await open_board(pilot, seeded["web"], side="client")
        await pilot.press("r")
        await settle(pilot)
        await burst(pilot, "ctrl+u", "1", ",", "5", "enter", "y")
        dialog = pilot.app.screen
        assert dialog.query_one("#amount").value == "1,5", "the y answered nothing: it is not typed"
        assert dialog.query_one("#field-amount", Field).has_class("-invalid")
        await burst(pilot, "ctrl+u", "1", "0", "0", "enter", "y", "j")
        assert pilot.app.screen is board
    b = db_board(db_path, clock, seeded["web"])
    assert b.money.paid == 500_00 + 100_00


@asynctest
async def test_a_lock_held_too_long_keeps_the_dialog_open_with_what_was_typed(make_test_app, seeded, db_path,
                                                                             clock, monkeypatch):
    import sqlite3

    from textual.widgets import Static

    from cairn.storage import files

    monkeypatch.setattr(files, "BUSY_TIMEOUT_MS", 100)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"], side="client")
        await pilot.press("b")
        await type_text(pilot, "25")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        await pilot.press("ctrl+s")  # saves from any field (enter moves on to the note)
        await settle(pilot)
        dialog = pilot.app.screen
        assert dialog.query_one("#amount").value == "25"
        assert "busy" in str(dialog.query_one("#form-error", Static).render())
        other.execute("ROLLBACK")
        other.close()
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert pilot.app.screen is not dialog
    assert db_board(db_path, clock, seeded["web"]).money.bonus == 25_00


def _in_view(dialog, widget) -> bool:
    box = dialog.query_one("#dialog-fields").region
    r = widget.region
    return r.height > 0 and box.y <= r.y and r.bottom <= box.bottom


@asynctest
async def test_a_refused_field_below_the_fold_is_scrolled_into_view_and_focused(make_test_app, seeded):
    """Issue 10: at 80x24 the error of a 6,000-character description or a rating of 6 sat below
    the dialog's scroll area."""
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, seeded["web"])
        await pilot.press("a")
        dialog = pilot.app.screen
        dialog.query_one("#title").value = "Extra"
        dialog.query_one("#amount").value = "10"
        dialog.query_one("#description").value = "x" * 6000
        dialog.query_one("#title").focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        field = dialog.query_one("#field-description", Field)
        assert field.has_class("-invalid") and "6,000" in field.error
        assert pilot.app.focused is dialog.query_one("#description")
        # (scrolled after the next refresh, so waited for by name)
        await wait_until(pilot, lambda: _in_view(dialog, field.query_one(".field--error")), "the error in view")
        await pilot.press("escape")
        await settle(pilot)
        for rating in ("6", "0", "5.5"):
            await pilot.press("E")
            await settle(pilot)
            dialog = pilot.app.screen
            dialog.query_one("#rating").value = rating
            dialog.query_one("#reason").focus()
            await pilot.press("tab")
            await settle(pilot)
            await pilot.press("ctrl+s")  # (enter moves on to the feedback)
            await settle(pilot)
            assert pilot.app.screen is dialog, "no confirmation before the rating is checked"
            field = dialog.query_one("#field-rating", Field)
            assert field.has_class("-invalid") and "1 to 5" in field.error
            assert pilot.app.focused is dialog.query_one("#rating")
            error = field.query_one(".field--error")
            await wait_until(pilot, lambda e=error, d=dialog: _in_view(d, e), "the error in view")
            await pilot.press("escape")
            await settle(pilot)
