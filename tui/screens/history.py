"""A contract's history (R5): every event, newest first, with the full local date, who did it,
what changed in words and every message. Scrolled and searched from the keyboard."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cairn.storage.queries.history import History, HistoryEntry
from cairn.tui.format import local
from cairn.tui.widgets.board._text import clean
from cairn.tui.widgets.common.footer import KeysFooter
from cairn.tui.widgets.common.text_input import TextInput
from cairn.tui.worker import call_storage

ACTORS = {"client": "the client", "freelancer": "the freelancer", "automatic": "automatically"}


def _value(v: str | datetime | None) -> str:
    if v is None or v == "":
        return "—"
    return local(v, "YYYY-MM-DD HH:mm") if isinstance(v, datetime) else clean(v)


def entry_text(e: HistoryEntry, my_side: str) -> Text:
    text = Text()
    text.append(local(e.at, "ddd YYYY-MM-DD HH:mm"), style="bold")
    who = ACTORS.get(e.actor, clean(e.actor))
    if e.actor == my_side:
        who += " (you)"
    text.append(f"  {who}")
    if not e.read:
        text.append("  ● unread", style="bold")
    if e.undone_at is not None:  # kept in the journal (R5), read as taken back
        text.append(f"  ↶ undone {local(e.undone_at, 'YYYY-MM-DD HH:mm')}", style="bold")
    body = Text()
    body.append("\n  ")
    body.append(clean(e.what))
    for c in e.changes:
        body.append(f"\n  {c.field}: ", style="dim")
        body.append(_value(c.after) if c.before is None else f"{_value(c.before)} → {_value(c.after)}")
    for label, message in e.messages:
        body.append(f"\n  {label}: ", style="bold")
        body.append("“" + clean(message).replace("\n", "\n    ") + "”")
    if e.undone_at is not None:
        body.stylize("dim strike")
    text.append_text(body)
    return text


def history_text(h: History, search: str) -> Text:
    if not h.entries:
        return Text(f"Nothing matches “{clean(search)}”." if search else "Nothing recorded yet.", style="dim")
    text = Text()
    for i, e in enumerate(h.entries):
        if i:
            text.append("\n\n")
        text.append_text(entry_text(e, h.my_side))
    return text


class HistoryScreen(Screen[None]):
    HELP_TITLE = "History"
    BINDINGS = [
        Binding("slash", "search", "Search", id="history.search",
                tooltip="Show only the events that mention a word (a title, an amount, a message)"),
        Binding("escape", "back", "Back", id="history.back", tooltip="Clear the search, or back to the board"),
        Binding("j", "scroll('down')", "Scroll down", id="history.down", show=False,
                tooltip="Scroll one line down (also ↓, page down, end)"),
        Binding("k", "scroll('up')", "Scroll up", id="history.up", show=False,
                tooltip="Scroll one line up (also ↑, page up, home)"),
    ]

    def __init__(self, contract_id: int) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.history: History | None = None
        self.search = ""

    def compose(self) -> ComposeResult:
        yield Static(id="history-title")
        yield TextInput(placeholder="search the history · enter keeps it · escape clears", id="history-search",
                        compact=True)
        with VerticalScroll(id="history-scroll"):
            yield Static(id="history-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#history-search").display = False
        self.query_one("#history-scroll").focus()
        self.reload()

    def reload(self) -> None:
        from cairn.storage.queries.history import history

        call_storage(self, history, self.contract_id, search=self.search, with_clock=False, done=self.show,
                     group="history-read", exclusive=True)

    def on_database_changed(self) -> None:
        self.reload()

    def show(self, h: History | None) -> None:
        if h is None:
            self.dismiss(None)
            return
        self.history = h
        n = len(h.entries)
        found = f" · {n} matching “{clean(self.search)}”" if self.search else f" · {n} event{'s' * (n != 1)}"
        self.query_one("#history-title", Static).update(
            Text.assemble(("History: ", "bold"), (clean(h.title), "bold"), (found + ", newest first", "dim")))
        self.query_one("#history-body", Static).update(history_text(h, self.search))

    # --- keys ------------------------------------------------------------------------
    def action_search(self) -> None:
        field = self.query_one("#history-search", TextInput)
        field.display = True
        field.focus()

    def on_input_changed(self, event: TextInput.Changed) -> None:
        self.search = event.value
        self.reload()

    def on_input_submitted(self, event: TextInput.Submitted) -> None:
        self.query_one("#history-scroll").focus()

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one("#history-scroll", VerticalScroll)
        scroll.scroll_down(animate=False) if direction == "down" else scroll.scroll_up(animate=False)

    def action_back(self) -> None:
        field = self.query_one("#history-search", TextInput)
        if field.display:
            field.value = ""
            field.display = False
            self.search = ""
            self.query_one("#history-scroll").focus()
            self.reload()
            return
        self.dismiss(None)
