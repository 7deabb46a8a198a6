"""Screen 1: every contract in one table, with the earnings report (P8) above it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from cairn.tui import format as fmt
from cairn.tui.keys_first import when_keys_pause, when_no_key
from cairn.tui.paint_once import FirstScreenPaintedOnce
from cairn.tui.screens.contract_list_actions import ContractActions
from cairn.tui.widgets.common.footer import KeysFooter
from cairn.tui.widgets.common.text_input import TextInput
from cairn.tui.widgets.contract_list import (
    ContractTable,
    EarningsPanel,
    View,
)
from cairn.tui.widgets.contract_list.loading import Loaded, load, refresh
from cairn.tui.worker import call_storage, show_refusal

EMPTY = ("No contracts yet. Press n to create your first contract (a template can split the total "
         "into milestones), or quit with q and run `cairn demo` to explore a demo database.")


MIN_FIRST_PAGE = 40  # rows in the first frame, or the terminal's height if taller
FULL_LOAD_DELAY = 0.15  # seconds after the first frame; tests set it to 0


class EmptyNote(Static, can_focus=True):
    """Why no contract is shown; focused then, so every key of the screen still works."""


class ReportRead(Message):
    """The earnings report of load ``seq``, read before its rows are built: shown in a frame of
    its own, seconds before the full list (100,000 rows) arrives, and not in that list's frame,
    which a key pressed then has to wait for. ``drawn`` is set once it is on screen (once keys
    pause: the load waits ``REPORT_DRAW_WAIT`` at most)."""

    def __init__(self, seq: int, report: tuple[list, dict]) -> None:
        super().__init__()
        self.seq, self.report = seq, report
        self.drawn = threading.Event()


#: Longest the load waits for its report to be drawn before it builds the rows (seconds).
REPORT_DRAW_WAIT = 0.25


class ContractListScreen(FirstScreenPaintedOnce, ContractActions, Screen):
    HELP_TITLE = "Contract list"
    AUTO_FOCUS = "ContractTable"
    BINDINGS = [
        Binding("n", "new_contract", "New contract", id="new_contract",
                tooltip="Create a contract; a template (G2) can split the total into milestones"),
        Binding("enter", "open_contract", "Open contract", id="open_contract", show=False,
                tooltip="Open the selected contract's board"),
        Binding("h", "history", "History", id="history", show=False,
                tooltip="Every event of the selected contract, newest first, with every message"),
        Binding("f", "forecast", "Forecast", id="forecast", show=False,
                tooltip="Next weeks' money as a chart (certain, expected, planned) and the work at risk"),
        Binding("c", "clients", "Clients", id="clients", show=False,
                tooltip="Each client across contracts: paid, review and funding times, changes, refunds"),
        Binding("a", "archive_contract", "Archive contract", id="archive_contract",
                tooltip="Hide the selected contract from the default list (C6); asks first"),
        Binding("i", "edit_contract", "Edit contract", id="edit_contract", show=False,
                tooltip="Correct the selected contract's title, client, start date or notes (C2)"),
        Binding("D", "delete_contract", "Delete contract", id="delete_contract", show=False,
                tooltip="Delete the selected contract if it never moved money; asks first (C6)"),
        Binding("e", "toggle_ended", "Show ended and archived", id="toggle_ended",
                tooltip="Show or hide contracts that have ended or are archived"),
        # The words typed behind "/" in the same SSH packet reach the filter: the app's key gate
        # lets them through once "/" has focused it (cairn.tui.key_gate).
        Binding("slash", "filter", "Filter", id="filter",
                tooltip="Type to filter by title or client; escape clears"),
        Binding("s", "sort", "Sort", id="sort", show=False,
                tooltip="Sort by the next column (or click a column header)"),
        Binding("S", "reverse_sort", "Reverse sort", id="reverse_sort", show=False,
                tooltip="Reverse the sort order"),
        Binding("escape", "clear_filter", "Clear filter", id="clear_filter", show=False,
                tooltip="Empty the filter and go back to the table"),
        Binding("down", "focus_table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = View()
        self._load_seq = 0
        self._loaded = False
        self._select_after_load: int | None = None
        self._full_load: Callable[[], object] | None = None
        self._report_shown = 0  # the load whose report the panel shows (ReportRead)
        self._full_in_flight = False  # the full list is being read (seconds at 100,000)
        self._stale = False  # something changed while it was read: refresh once it lands

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield EarningsPanel(id="earnings")
        with Horizontal(id="filter-bar"):
            yield TextInput(placeholder="/ filter by title or client · ctrl+p actions · ? keys", id="filter", compact=True)
            yield Label("", id="list-status")
        yield ContractTable(id="contracts")
        yield EmptyNote("", id="empty")
        yield KeysFooter()

    @property
    def table(self) -> ContractTable:
        return self.query_one(ContractTable)

    # --- loading ------------------------------------------------------------------------------
    def on_screen_resume(self) -> None:
        self.reload()
        self._make_board_ready()
        if self._loaded:
            # Back from a board: what it showed before (its old answers, their drawn lines) is
            # garbage now, in reference cycles only a full pass frees. Right after the list is
            # drawn the user is reading, not waiting.
            self.call_after_refresh(self.app.collect_garbage)

    def on_database_changed(self) -> None:
        if self.is_current:
            self.reload()
            self._make_board_ready()  # the one made ready before is out of date now

    def reload(self, *, select: int | None = None) -> None:
        """Load the summaries in a thread; the newest load wins."""
        if select is not None:
            self._select_after_load = select
        if self._full_in_flight or self._full_load is not None:
            # Back from a board opened while the full list was still being read: it lands in a
            # moment, and what changed meanwhile is read then (by version), not by a second
            # full load beside the first.
            self._stale = True
            return
        self._load_seq += 1
        seq = self._load_seq
        if not self._loaded and not self.table.rows_all:
            # First paint: the first screenful is read right here (one indexed query of a few
            # milliseconds, even with 10,000 contracts), so it is in the very first frame; the
            # full list follows in a thread once that frame is on the terminal, since building
            # 10,000 rows holds the GIL.
            page = max(MIN_FIRST_PAGE, self.app.size.height)
            self._loaded_data(seq, load(self.app.db, clock=self.app.clock, first_page=page))
            self._full_load = lambda: self._load_all(seq)
            if self.app._dom_ready:  # the first frame is already out
                self.after_first_frame()
            return
        if self._loaded:
            call_storage(self, refresh, self.table.rows_all, done=lambda delta: self._refreshed(seq, delta),
                         group="contract-list")
            return
        self._load_all(seq)

    def _load_all(self, seq: int) -> None:
        self._full_load, self._full_in_flight = None, True
        # post_message is thread-safe: the report is shown while the worker builds the rows.
        call_storage(self, load, view=self.view, on_report=lambda report: self._report_read(seq, report),
                     wait_turn=self.app.keys_first.wait_turn,
                     # Its frame (every line of the table drawn again at the full list's widths)
                     # waits for the key being answered, rather than the key for it.
                     done=lambda result: when_no_key(self.app, lambda: self._loaded_data(seq, result)),
                     refused=lambda error: self._full_load_failed(error, shown=False),
                     failed=lambda error: self._full_load_failed(error, shown=True),
                     # Not a read the screen waits for to paint (paint_once.READS): coming back
                     # from a board opened meanwhile, the list shows at once, not after a second.
                     group="contract-list-full")

    def _full_load_failed(self, error: Exception, *, shown: bool) -> None:
        """The full list could not be read: a later reload may try again."""
        self._full_in_flight = False
        if not shown:  # a refusal or an unusable file (an unexpected failure is shown, and logged)
            show_refusal(self.app, error)

    def _report_read(self, seq: int, report: tuple[list, dict]) -> None:
        """In the load's thread: hand the report over and let the screen draw it before building
        the rows. Drawn while the thread builds them, the frame shared the GIL and took twice
        as long (20-30 ms at 100k, and a key pressed then waited for all of it)."""
        message = ReportRead(seq, report)
        if self.post_message(message):  # thread-safe
            message.drawn.wait(REPORT_DRAW_WAIT)

    def after_first_frame(self) -> None:
        """Called by the app once the first frame has been rendered (Textual's Ready)."""
        start, self._full_load = self._full_load, None
        if start is not None:
            self._full_in_flight = True  # from now: a reload in the delay below starts no second one
            # Ready comes as the frame is handed to the writer thread; give it time to reach
            # the terminal before the big load takes the GIL.
            if FULL_LOAD_DELAY:
                self.set_timer(FULL_LOAD_DELAY, start)
            else:
                start()

    def _refreshed(self, seq: int, delta) -> None:
        if seq != self._load_seq or not self.is_mounted:
            return
        if delta is None:
            self._load_all(seq)
            return
        fresh, removed, earnings, now, places = delta
        table = self.table
        if fresh or removed:
            rows = table.rows_all
            # Contracts that changed in place (none came or went, none ended or was restored,
            # which moves it in the order) are swapped into their places: nothing here walks
            # every row but the view's own filter.
            in_place = not removed and all(
                r.id in places and places[r.id] < len(rows) and rows[places[r.id]].id == r.id
                and rows[places[r.id]].summary.status == r.summary.status for r in fresh)
            if in_place:
                rows = list(rows)
                for r in fresh:
                    rows[places[r.id]] = r
            else:
                by_id = {r.id: r for r in rows}
                for cid in removed:
                    by_id.pop(cid, None)
                by_id.update((r.id, r) for r in fresh)
                rows = sorted(by_id.values(), key=lambda r: (r.summary.status == "ended", -r.id))
            if earnings is not None:
                self.query_one(EarningsPanel).show(*earnings)
            table.update_rows(rows, {r.id for r in fresh} | set(removed))
        table.set_now(now)  # countdowns move on even where nothing else changed
        self._select_pending()
        self._after_populate()

    def _loaded_data(self, seq: int, result: Loaded) -> None:
        if result.earnings is not None:
            self._full_in_flight = False
        if seq != self._load_seq or not self.is_mounted:
            return
        table = self.table
        if result.earnings is None:  # the first page: the rest is on its way
            table.view = self.view
            table.set_rows(result.rows)
            return
        self._loaded = True
        self.app.prepare_board()  # the first contract opened, quick: its modules imported now
        if self._stale:
            self._stale = False
            self.call_later(self.reload)
        # 10,000 rows are long-lived: keep them out of the garbage collector's passes.
        settle = getattr(self.app, "settle_memory", None)
        if settle is not None:
            self.call_after_refresh(settle)
        when_keys_pause(self.app, lambda: self._show_report(seq, result.earnings))  # if not shown yet
        table.view = self.view
        table.now = None
        # The rows the worker selected are right unless the view changed meanwhile (typing).
        table.set_rows(result.rows, natural=result.natural, hidden=result.hidden,
                       shown=result.shown if result.view == self.view else None, hold_widths=True)
        if table.widths_held:  # new widths draw every line again: not between keys of a burst
            when_keys_pause(self.app, table.widen)
        self._select_pending()
        self._after_populate()

    def on_report_read(self, message: ReportRead) -> None:
        # Once keys pause, as the full list's wider columns: it changes the panel's height, so the
        # whole screen is drawn again (9.4 KB at 120x36, three frames), and a key typed while they
        # were drawn waited 30-50 ms at 100,000 contracts. Typed on, the load goes on without it.
        when_keys_pause(self.app, lambda: self._show_report(message.seq, message.report, message.drawn))

    def _show_report(self, seq: int, report: tuple[list, dict], drawn: threading.Event | None = None) -> None:
        """The earnings report of load ``seq``, unless a later load has begun or it is shown."""
        if seq == self._load_seq and self.is_mounted and self._report_shown != seq:
            self._report_shown = seq
            self.query_one(EarningsPanel).show(*report)
            if drawn is not None:
                self.call_after_refresh(drawn.set)
        elif drawn is not None:
            drawn.set()

    def _select_pending(self) -> None:
        table = self.table
        rows = table.rows_all
        if self._select_after_load is not None:
            target = self._select_after_load
            self._select_after_load = None
            if not table.select_contract(target) and any(r.id == target for r in rows):
                self.view = replace(self.view, show_all=True, query="")
                self.query_one("#filter", Input).value = ""
                table.set_view(self.view)
                table.select_contract(target)

    def _after_populate(self) -> None:
        table = self.table
        total = len(table.rows_all)
        shown = len(table.shown)
        hidden = 0 if self.view.show_all else table.hidden_count
        status = f"{shown} of {total} · {self.view.describe_sort()}"
        if hidden:
            status += f" · {hidden} ended/archived hidden"
        elif self.view.show_all:
            status += " · with ended/archived"
        self.query_one("#list-status", Label).update(Text(status))
        empty = self.query_one("#empty", Static)
        if not total:
            message = EMPTY
        elif not shown and self.view.query:
            message = (f"No contract matches “{fmt.plain(self.view.query, newlines=False)}”. "
                       "Press escape to clear the filter.")
        elif not shown:
            message = "Every contract has ended or is archived. Press e to show them."
        else:
            message = ""
        empty.update(Text(message))
        empty.display = bool(message)
        table.display = bool(shown)
        if not shown and not isinstance(self.focused, Input):
            empty.focus()  # not the filter: n, e and q must stay keys, not filter text
        self.refresh_bindings()

    def _set_view(self, view: View) -> None:
        self.view = view
        self.table.set_view(view)
        self._after_populate()

    # --- which actions apply now ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open_contract", "archive_contract", "history", "edit_contract", "delete_contract"):
            # The first screenful's rows work as well as the full list's: a board opens while the
            # rest of 100,000 contracts is still being read.
            return self.table.selected is not None
        return True

    # --- events to actions (@on handlers: Textual collects them only from its own classes) ---
    @on(DataTable.RowSelected, "#contracts")
    def _row_clicked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_contract()

    @on(DataTable.RowHighlighted, "#contracts")
    def _make_board_ready(self) -> None:
        """The selected contract's board is made ready behind the list once the cursor rests."""
        row = self.table.selected
        self.app.board_ahead.cursor_rests_on(row.id if row is not None else None)

    @on(ContractTable.SortRequested)
    def _sort_by_header(self, event: ContractTable.SortRequested) -> None:
        if self.view.sort == event.column:
            self._set_view(replace(self.view, reverse=not self.view.reverse))
        else:
            self._set_view(replace(self.view, sort=event.column, reverse=False))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value != self.view.query:
            self._set_view(replace(self.view, query=event.value))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_focus_table()
