"""R5: the contract's events, newest first, unread ones marked."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from cairn.storage.queries import EventView
from cairn.tui.format import local

from ._text import clean


class ActivityFeed(VerticalScroll, can_focus=False):
    def compose(self) -> ComposeResult:
        yield Static(id="activity-lines")

    def show(self, events: list[EventView], now: datetime, unread: frozenset[int] = frozenset()) -> None:
        """``unread``: ids to mark besides those unread now (unread when the visit began)."""
        text = Text()
        if not events:
            text.append("No activity yet.", style="dim")
        for i, e in enumerate(events):
            if i:
                text.append("\n")
            text.append("● " if not e.read or e.id in unread else "  ", style="bold")
            text.append(local(e.at, "MM-DD HH:mm"), style="dim")
            text.append(f" {e.actor}: ", style="dim")
            text.append(clean(e.summary))  # plain text: summaries hold user titles
        self.query_one("#activity-lines", Static).update(text)
