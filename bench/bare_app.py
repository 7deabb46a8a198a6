"""The yardsticks Cairn is measured against: plain Textual, nothing of Cairn's.

    python bench/bare_app.py            a Header, a Static and a Footer (first frame)
    python bench/bare_app.py --table    a 10,000-row DataTable; Enter pushes a small screen,
                                        escape pops it (keypress baselines)

The table is filled before the first frame, so once the first frame is out every key is
measured against a table that already holds all its rows, as Cairn's list does.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

ROWS = 10_000
COLUMNS = ("Contract", "Client", "Me", "Value", "In escrow", "Paid", "Progress", "Next deadline", "Attention")


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("BARE APP READY")
        yield Footer()


class Pushed(Screen):
    """A small screen: a title, a few lines of text and the footer."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("PUSHED SCREEN\n\nA few lines of text,\nas small as a screen gets.")
        yield Footer()


class BareTable(App):
    CSS = "DataTable { height: 1fr; }"
    BINDINGS = [Binding("enter", "open", "Open", priority=True)]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("BARE TABLE READY")
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(
            (f"Project {i:05d}", f"Client {i % 97}", "freel.", f"${i * 7 % 9000:,}.00", f"${i % 300}.00",
             f"${i * 3 % 5000:,}.00", "██████░░░░", f"due in {i % 40} days", "Waiting for funding")
            for i in range(ROWS))
        table.focus()

    def action_open(self) -> None:
        if isinstance(self.screen, Pushed):
            return
        self.push_screen(Pushed())


if __name__ == "__main__":
    (BareTable() if "--table" in sys.argv[1:] else Bare()).run()
