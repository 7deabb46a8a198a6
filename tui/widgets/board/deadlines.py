"""G3: the contract's deadlines as countdowns, with the local time and the UTC instant."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual.widgets import Static

from cairn.storage.dates import end_of_day_label
from cairn.storage.queries.deadlines import Deadline
from cairn.tui.format import countdown, local

from ._text import clean


class DeadlinesPanel(Static):
    def show(self, deadlines: list[Deadline], now: datetime) -> None:
        if not deadlines:
            self.update(Text("No deadlines.", style="dim"))
            return
        text = Text()
        for i, d in enumerate(deadlines):
            if i:
                text.append("\n")
            if d.overdue(now):
                text.append("⚠ ", style="bold")
            text.append(countdown(d.at, now), style="bold")
            text.append("  ")
            text.append(clean(d.label))  # user text (titles) appended as plain text, never markup
            if d.day is not None:  # a calendar date: its day, not the next day's midnight
                text.append(f"\n  {end_of_day_label(d.day)}, local time", style="dim")
            else:
                utc = d.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
                text.append(f"\n  {local(d.at)} local · {utc}", style="dim")
        self.update(text)
