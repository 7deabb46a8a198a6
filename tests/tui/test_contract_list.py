"""The contract list through its keys: rows, filter, sort, toggle, archive, new, open; every
change checked in the database afterwards."""

from __future__ import annotations

from rich.text import Text

from cairn.storage import api
from cairn.storage.queries.summaries import contract_summaries
from cairn.tui.screens.contract_list import ContractListScreen
from cairn.tui.widgets.contract_list import ContractTable, EarningsPanel

# --- helpers shared with the other list/app test files ---------------------------------------------
from tests.tui.asynctest import drive, settle  # noqa: E402  (shared with the other list tests)


def made_summary(as_of, **fields):
    """A list row's summary without a database: an open fixed-price contract under way, with
    ``fields`` changed."""
    from cairn.storage.queries.summaries import ContractSummary

    base = dict(
        id=1, title="Logo", client_name="Acme", my_side="freelancer", status="open", archived_flag=0,
        currency="USD", version=1, value=100000, funded=50000, escrow=25000, paid=25000, pending=0,
        available=25000, credit=0, unread=0, pending_requests=0, refund_due=None, submitted=0, active=1,
        futures=2, milestones=4, released_count=1, review_due=None, next_due=None, next_available=None,
        ended_at=None, feedback_at=None, feedback_days=14, kind="fixed", as_of=as_of)
    return ContractSummary(**{**base, **fields})


def table_of(pilot) -> ContractTable:
    return pilot.app.screen.query_one(ContractTable)


def shown_titles(pilot) -> list[str]:
    return [r.summary.title for r in table_of(pilot).shown]


def summaries(db_path, clock, **kw):
    db = api.Database.open(db_path)
    try:
        return contract_summaries(db, clock, **kw)
    finally:
        db.close()


def add_contract(db_path, clock, title: str, client: str = "Acme", **kw) -> int:
    db = api.Database.open(db_path)
    try:
        return api.create_contract(db, title=title, client_name=client, clock=clock,
                                   milestones=[api.MilestoneIn("One", "100.00")], **kw).id
    finally:
        db.close()


def cell_text(pilot, row: int, column: str) -> str:
    table = table_of(pilot)
    return str(table.get_cell_at((row, list(table.columns).index(column))))


# --- rows -------------------------------------------------------------------------------------------
def test_rows_show_each_contract_with_money_progress_deadline_and_markers(seeded, make_test_app):
    async def scenario(pilot):
        assert isinstance(pilot.app.screen, ContractListScreen)
        table = table_of(pilot)
        assert table.row_count == 2
        assert shown_titles(pilot) == ["Logo refresh", "Website redesign"]
        web = table.shown[1].cells
        assert web["value"].plain == "$4,300.00"
        assert web["escrow"].plain == "$1,200.00"
        assert web["paid"].plain == "$500.00"
        assert web["progress"].plain == "█▓▓▓░░░░░░"
        assert web["next"].plain.startswith("due in ")
        assert "● 1 new" in web["attention"].plain  # the timers' work: the user's own is read
        assert web["attention:compact"].plain == "●1"  # a narrow column: the glyphs and the count
        logo = table.shown[0].cells
        assert "⇄ changes" in logo["attention"].plain
        assert logo["attention:compact"].plain == "⇄"
        assert logo["side"].plain == "client"
        # Cells are Text: user text is never parsed as markup.
        assert all(isinstance(c, Text) for c in web.values())

    drive(make_test_app(), scenario)


def test_earnings_report_per_currency(seeded, make_test_app):
    async def scenario(pilot):
        panel = pilot.app.screen.query_one(EarningsPanel)
        [usd] = panel.shown
        assert (usd.currency, usd.work_in_progress, usd.in_review, usd.pending, usd.available) == (
            "USD", 120000, 0, 0, 50000)

    drive(make_test_app(), scenario)


def test_first_run_explains_how_to_start(make_test_app):
    async def scenario(pilot):
        empty = pilot.app.screen.query_one("#empty")
        assert empty.display
        text = str(empty.content)
        assert "Press n" in text and "cairn demo" in text
        assert not table_of(pilot).display

    drive(make_test_app(), scenario)


def test_markup_and_escape_sequences_in_user_text_show_as_typed(db_path, clock, make_test_app):
    db = api.Database.open(db_path)
    api.create_contract(db, title="[bold]Big[/bold] [link=https://x.test]deal[/link]",
                        client_name="[red]Client", clock=clock)
    db.close()

    async def scenario(pilot):
        row = table_of(pilot).shown[0]
        assert row.cells["title"].plain == "[bold]Big[/bold] [link=https://x.test]deal[/link]"
        assert row.cells["title"].spans == []
        assert row.cells["client"].plain == "[red]Client"
        assert row.cells["client"].style == ""

    drive(make_test_app(), scenario)


def test_control_characters_are_made_visible():
    from cairn.tui import format as fmt

    assert fmt.plain("a\x1b[31mb", newlines=False) == "a\\x1b[31mb"
    assert fmt.safe("[bold]x") == "\\[bold]x"


def test_a_dispute_is_marked_with_its_stage_in_words_and_as_a_glyph(clock):
    from cairn.tui.widgets.contract_list import build_row

    s = made_summary(clock.now(), funded=100000, escrow=100000, paid=0, available=0, submitted=1, active=0,
                     futures=0, milestones=1, released_count=0, dispute="mediation")
    row = build_row(s).cells
    assert s.attention == "In mediation"
    assert "≠ mediation" in row["attention"].plain and row["attention:compact"].plain.startswith("≠")


# --- filter, sort, toggle -----------------------------------------------------------------------
def test_filter_by_typing_title_or_client_and_escape_clears(seeded, make_test_app):
    async def scenario(pilot):
        await pilot.press("slash")
        assert pilot.app.focused.id == "filter"
        await pilot.press(*"north")
        assert shown_titles(pilot) == ["Website redesign"]  # matches the client
        await pilot.press("escape")
        assert shown_titles(pilot) == ["Logo refresh", "Website redesign"]
        assert isinstance(pilot.app.focused, ContractTable)
        await pilot.press("slash", *"zzz")
        assert shown_titles(pilot) == []
        empty = pilot.app.screen.query_one("#empty")
        assert empty.display and "No contract matches" in str(empty.content)

    drive(make_test_app(), scenario)


def test_sort_key_cycles_columns_and_header_click_sorts(seeded, db_path, clock, make_test_app):
    add_contract(db_path, clock, "Alpha app", "Zed")

    async def scenario(pilot):
        assert shown_titles(pilot) == ["Alpha app", "Logo refresh", "Website redesign"]
        await pilot.press("s")  # by title
        assert pilot.app.screen.view.sort == "title"
        assert shown_titles(pilot) == ["Alpha app", "Logo refresh", "Website redesign"]
        await pilot.press("S")
        assert shown_titles(pilot) == ["Website redesign", "Logo refresh", "Alpha app"]
        await pilot.press("s")  # by client
        assert pilot.app.screen.view.sort == "client"
        assert shown_titles(pilot)[0] == "Logo refresh"  # "Me (subcontract)"
        # A click on the Value header sorts by value; a second click reverses.
        table = table_of(pilot)
        table.post_message(ContractTable.SortRequested("value"))
        await pilot.pause()
        assert pilot.app.screen.view.sort == "value"
        first = shown_titles(pilot)
        table.post_message(ContractTable.SortRequested("value"))
        await pilot.pause()
        assert shown_titles(pilot) == list(reversed(first))

    drive(make_test_app(), scenario)


def test_clicking_a_header_sorts(seeded, make_test_app):
    async def scenario(pilot):
        table = table_of(pilot)
        x = sum(c.get_render_width(table) for c in table.ordered_columns[:1]) + 2  # "Client" header
        await pilot.click(ContractTable, offset=(x, 0))
        await pilot.pause()
        assert pilot.app.screen.view.sort == "client"

    drive(make_test_app(), scenario)


def test_toggle_shows_ended_and_archived(seeded, db_path, clock, make_test_app):
    old = add_contract(db_path, clock, "Old job")
    db = api.Database.open(db_path)
    api.archive_contract(db, old, clock=clock)
    db.close()

    async def scenario(pilot):
        assert "Old job" not in shown_titles(pilot)
        await pilot.press("e")
        assert "Old job" in shown_titles(pilot)
        row = next(r for r in table_of(pilot).shown if r.summary.title == "Old job")
        assert row.cells["status"].plain == "archived"
        await pilot.press("e")
        assert "Old job" not in shown_titles(pilot)

    drive(make_test_app(), scenario)


# --- actions that write -------------------------------------------------------------------------------
def test_archive_asks_first_then_archives_in_the_database(seeded, db_path, clock, make_test_app):
    async def scenario(pilot):
        table = table_of(pilot)
        table.select_contract(seeded["web"])
        await pilot.press("a")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert not any(s.archived for s in summaries(db_path, clock, include_archived=True))
        table.select_contract(seeded["web"])
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "Website redesign" not in shown_titles(pilot)

    drive(make_test_app(), scenario)
    archived = {s.id: s.archived for s in summaries(db_path, clock, include_archived=True)}
    assert archived == {seeded["web"]: True, seeded["logo"]: False}


def test_archive_again_brings_it_back(seeded, db_path, clock, make_test_app):
    db = api.Database.open(db_path)
    api.archive_contract(db, seeded["logo"], clock=clock)
    db.close()

    async def scenario(pilot):
        await pilot.press("e")
        table_of(pilot).select_contract(seeded["logo"])
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)

    drive(make_test_app(), scenario)
    assert not any(s.archived for s in summaries(db_path, clock, include_archived=True))


def test_new_contract_key_creates_it_and_selects_it(seeded, db_path, clock, make_test_app):
    async def scenario(pilot):
        await pilot.press("n")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "NewContractScreen"
        await pilot.press(*"Mobile app")
        pilot.app.screen.query_one("#client_name").value = "Contoso"
        pilot.app.screen.query_one("#total").value = "3000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ContractListScreen)
        assert table_of(pilot).selected.summary.title == "Mobile app"

    drive(make_test_app(), scenario)
    new = next(s for s in summaries(db_path, clock) if s.title == "Mobile app")
    assert (new.client_name, new.milestones, new.value) == ("Contoso", 3, 300000)


def test_enter_opens_the_selected_contract(seeded, make_test_app):
    async def scenario(pilot):
        table_of(pilot).select_contract(seeded["web"])
        await pilot.press("enter")
        await settle(pilot)
        from cairn.tui.screens.board import BoardScreen

        screen = pilot.app.screen
        assert isinstance(screen, BoardScreen)
        assert screen.contract_id == seeded["web"]

    drive(make_test_app(), scenario)


def test_list_refreshes_when_it_becomes_active_again(seeded, db_path, clock, make_test_app):
    async def scenario(pilot):
        assert len(shown_titles(pilot)) == 2
        add_contract(db_path, clock, "Made elsewhere")  # e.g. by a board or a second session
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert "Made elsewhere" in shown_titles(pilot)

    drive(make_test_app(), scenario)


def test_cursor_moves_do_no_database_work(seeded, make_test_app):
    async def scenario(pilot):
        calls = []
        db = pilot.app.db
        original = db.reader
        db.reader = lambda: calls.append(1) or original()
        try:
            for key in ("down", "up", "down", "pagedown", "pageup"):
                await pilot.press(key)
            await pilot.pause()
        finally:
            db.reader = original
        assert calls == []

    drive(make_test_app(), scenario)


def test_a_row_is_drawn_in_runs_of_one_style_not_cell_by_cell(seeded, make_test_app):
    """What a cursor move sends over SSH is mostly colour codes: one per run of cells that look
    the same, not one per cell (880 -> 537 bytes a move on the benchmark's list). Clicks still
    land on the row, and the header keeps its columns (click to sort)."""
    async def scenario(pilot):
        table = table_of(pilot)
        header = table.header_height
        line = table.render_line(header + 1)  # a body row, not under the cursor
        styles = [seg.style for seg in line if seg.text.strip()]
        assert len(table.columns) >= 6
        assert len(styles) < len(table.columns) / 2, [seg.text for seg in line]
        assert {s.meta.get("row") for s in styles} == {1}
        head_columns = {seg.style.meta.get("column") for seg in table.render_line(0) if seg.style and seg.style.meta}
        assert len(head_columns) > 3

    drive(make_test_app(), scenario)


def test_the_footer_follows_the_keys_and_repaints_only_when_they_change(seeded, make_test_app):
    """Textual signals that the keys *may* have changed three times before the first frame and
    on most cursor moves. The footer is one line of text: when its keys are the same it is not
    repainted (nothing crosses an SSH link); when they change, it shows the new ones."""
    from cairn.tui.widgets.common.footer import KeysFooter

    async def scenario(pilot):
        await pilot.pause()
        footer = pilot.app.screen.query_one(KeysFooter)
        before = footer.entries
        assert [e.description for e in before][:2] == ["New contract", "Archive contract"]
        painted = []
        original = footer.refresh
        footer.refresh = lambda *a, **k: painted.append(1) or original(*a, **k)
        for key in ("down", "up"):
            await pilot.press(key)
            pilot.app.screen.refresh_bindings()  # what Textual does when a binding may change
            await pilot.pause()
        assert footer.entries is before and painted == []
        pilot.app.screen.query_one("#filter").focus()  # the filter's keys are not the table's
        await pilot.pause()
        assert footer.entries != before and painted

    drive(make_test_app(), scenario)


def test_a_click_on_a_footer_key_presses_it_and_the_wheel_scrolls_the_keys(seeded, make_test_app):
    from textual import events

    from cairn.tui.screens.new_contract import NewContractScreen
    from cairn.tui.widgets.common.footer import KeysFooter

    def wheel(footer, kind):
        footer.post_message(kind(footer, 1, 0, 0, 0, 0, False, False, False))

    async def scenario(pilot):
        await pilot.pause()
        footer = pilot.app.screen.query_one(KeysFooter)
        assert footer.render().plain.startswith("n New contract a Archive contract")
        # Wider than 60 columns: the wheel brings the last keys into view, a key at a time.
        wheel(footer, events.MouseScrollDown)
        await pilot.pause()
        assert footer.render().plain.startswith("a Archive contract")
        wheel(footer, events.MouseScrollUp)
        wheel(footer, events.MouseScrollUp)  # already at the first key: stays there
        await pilot.pause()
        assert footer.render().plain.startswith("n New contract")
        await pilot.click(KeysFooter, offset=(4, 0))  # on "New contract"
        await pilot.pause()
        assert isinstance(pilot.app.screen, NewContractScreen)

    drive(make_test_app(), scenario, size=(60, 24))


# --- scale ----------------------------------------------------------------------------------------------------
def test_ten_thousand_rows_in_one_table(make_test_app, clock):
    from datetime import UTC, timedelta

    from cairn.tui.widgets.contract_list import build_row

    now = clock.now()
    rows = [build_row(made_summary(
        now, id=i, title=f"Contract {i}", client_name=f"Client {i % 97}", unread=i % 3,
        next_available=(now + timedelta(hours=i)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
        for i in range(10_000)]

    async def scenario(pilot):
        table = table_of(pilot)
        table.set_rows(rows)
        table.display = True  # the screen hid it: its database has no contracts
        await pilot.pause()
        assert table.row_count == 10_000
        assert len(pilot.app.screen.query("ContractTable")) == 1
        # Nothing is kept per row: only the rows drawn have their cells made.
        assert 0 < len(table._made) <= pilot.app.size.height
        table.move_cursor(row=9_999, animate=False)
        await pilot.pause()
        assert table.selected is table.shown[-1] and table.selected.id in table._made
        await pilot.press("slash", *"client 5")
        assert 0 < len(table.shown) < 10_000
        assert all("5" in r.summary.title + r.summary.client_name for r in table.shown)
        assert table.row_count == len(table.shown)

    drive(make_test_app(), scenario)


def test_a_filter_typed_in_one_burst_lands_in_the_filter(seeded, make_test_app):
    """Over SSH "/" and the words behind it arrive in one packet: the filter must have the focus
    before the next key is delivered, or the words run the list's keys (s sorts, e toggles)."""
    from textual import events
    from textual.widgets import Input

    async def scenario(pilot):
        screen = pilot.app.screen
        await settle(pilot)
        for key in ["slash", *"logo"]:
            pilot.app.post_message(events.Key(key, "/" if key == "slash" else key))
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "logo"
        assert screen.view.sort is None and not screen.view.show_all
        assert [r.summary.title for r in table_of(pilot).shown] == ["Logo refresh"]
        pilot.app.post_message(events.Key("slash", "/"))  # in the filter, "/" is a character
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "logo/"

    drive(make_test_app(), scenario)


def test_the_earnings_report_shows_while_the_rows_are_still_being_built(seeded, make_test_app, monkeypatch):
    """The full list at 100,000 contracts takes seconds to build; its report is read first and
    shown at once, in a frame of its own, not in the full list's frame (which a key pressed
    then waits for). The load waits for that frame before it builds the rows: drawn while they
    are built, it shared the GIL and took twice as long. Here the rows' build is held until the
    report is on screen."""
    import asyncio
    import threading

    from cairn.storage.queries import summaries as summary_reads
    from cairn.tui.screens import contract_list
    from tests.tui.asynctest import wait_until

    monkeypatch.setattr(contract_list, "REPORT_DRAW_WAIT", 60)  # waited for by state, not time
    rows_may_come = threading.Event()
    build = summary_reads.contract_summaries
    drawn_before_rows = []
    app = make_test_app()

    def held(db, clock, **kw):
        if kw.get("include_ended") and threading.current_thread() is not threading.main_thread():
            drawn_before_rows.append(app.screen._report_shown != 0)
            rows_may_come.wait(timeout=60)
        return build(db, clock, **kw)

    monkeypatch.setattr(summary_reads, "contract_summaries", held)

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = pilot.app.screen
            panel = screen.query_one(EarningsPanel)
            try:
                await wait_until(pilot, lambda: bool(panel.shown), "the earnings report shown")
                assert not screen._loaded, "the report came before the full list"
                [usd] = panel.shown
                assert (usd.currency, usd.work_in_progress, usd.available) == ("USD", 120000, 50000)
            finally:
                rows_may_come.set()
            await settle(pilot)
            assert screen._loaded and panel.shown == [usd]
            assert drawn_before_rows == [True]

    asyncio.run(main())


def test_a_board_opens_while_the_full_list_is_still_being_read(seeded, make_test_app, monkeypatch, db_path,
                                                              clock):
    """At 100,000 contracts the full list takes seconds to read; the first screenful's rows open
    their boards meanwhile (enter did nothing, silently, until it landed). Coming back does not
    start a second full load beside the first; what changed on the board is read once the list
    lands."""
    import asyncio
    import threading

    from cairn.storage.queries import summaries as summary_reads
    from cairn.tui.screens.board import BoardScreen
    from tests.tui.asynctest import wait_until

    rows_may_come = threading.Event()
    build = summary_reads.contract_summaries
    full_loads = []

    def held(db, clock, **kw):
        rows = build(db, clock, **kw)  # read before the change below; held till it is made
        full = kw.get("include_ended") and kw.get("ids") is None  # not the refresh of a few
        if full and threading.current_thread() is not threading.main_thread():
            full_loads.append(1)
            rows_may_come.wait(timeout=60)
        return rows

    monkeypatch.setattr(summary_reads, "contract_summaries", held)
    app = make_test_app()

    async def main() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            screen = pilot.app.screen
            try:
                await wait_until(pilot, lambda: bool(full_loads), "the full load under way")
                assert not screen._loaded
                # Not a read a screen's single paint waits for: coming back, the list shows at once.
                assert not pilot.app._paint_once._loading(screen)
                first = screen.table.selected
                await pilot.press("enter")
                await wait_until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "the board open")
                db = api.Database.open(db_path)  # a change made while the list is still being read
                try:
                    api.edit_contract(db, first.id, title="Renamed meanwhile", clock=clock)
                finally:
                    db.close()
                await pilot.press("escape")
                await wait_until(pilot, lambda: pilot.app.screen is screen, "back on the list")
            finally:
                rows_may_come.set()
            await settle(pilot)
            assert screen._loaded and len(full_loads) == 1
            assert screen.table.selected.id == first.id
            assert screen.table.selected.summary.title == "Renamed meanwhile"

    asyncio.run(main())
