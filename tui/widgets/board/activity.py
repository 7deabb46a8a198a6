"""R5: the contract's events, newest first, unread ones marked."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from cairn.storage.queries.board_views import EventView
from cairn.storage.queries.history import without_rule_ids
from cairn.tui.format import local

from ._text import clean

MESSAGE_KEYS = ("message", "reason", "note", "text")


class ActivityFeed(VerticalScroll, can_focus=True):
    """Reached with Tab and scrolled with the arrow keys; every message is shown under its event.
    The whole story, searchable, is the History screen (h)."""

    def compose(self) -> ComposeResult:
        yield Static(id="activity-lines")

    def show(self, events: list[EventView], now: datetime, unread: frozenset[int] = frozenset()) -> None:
        """``unread``: ids to mark besides those unread now (unread when the visit began)."""
        text = Text()
        # What was undone is not shown as if it happened; the undo says what it took back (R5).
        events = [e for e in events if not e.undone]
        if not events:
            text.append("No activity yet.", style="dim")
        for i, e in enumerate(events):
            if i:
                text.append("\n")
            text.append("● " if not e.read or e.id in unread else "  ", style="bold")
            text.append(local(e.at, "YYYY-MM-DD HH:mm"), style="dim")
            text.append(f" {e.actor}: ", style="dim")
            # Plain text: summaries hold user titles.
            if e.kind == "undone":
                text.append("↶ " + clean(without_rule_ids(e.summary)), style="dim")
            else:
                text.append(clean(without_rule_ids(e.summary)))
            for key in MESSAGE_KEYS:
                message = (e.after or {}).get(key) if isinstance(e.after, dict) else None
                if isinstance(message, str) and message.strip():
                    text.append("\n    “" + clean(message).replace("\n", "\n     ") + "”", style="italic")
        self.query_one("#activity-lines", Static).update(text)
