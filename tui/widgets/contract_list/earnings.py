"""P8: the freelancer's earnings by stage, one line per currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cairn.tui import format as fmt

if TYPE_CHECKING:
    from cairn.storage.queries.summaries import Earnings

STAGES = (("work_in_progress", "Work in progress"), ("in_review", "In review"), ("pending", "Pending"),
          ("available", "Available"))


class EarningsPanel(Static):
    """Work in progress, In review, Pending and Available per currency (P8)."""

    DEFAULT_CSS = """
    EarningsPanel {
        height: auto;
        padding: 0 1;
    }
    """

    shown: list[Earnings] = []

    def show(self, rows: list[Earnings]) -> None:
        rows = [r for r in rows if any(getattr(r, key) for key, _ in STAGES)]
        self.shown = rows
        if not rows:
            self.update(Text("Earnings: nothing in escrow or paid yet on your freelancer contracts.",
                             style="dim"))
            return
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, expand=False,
                      title="Earnings as freelancer", title_justify="left", title_style="bold")
        table.add_column("", no_wrap=True)
        for _, label in STAGES:
            table.add_column(label, justify="right", no_wrap=True, header_style="bold")
        for r in rows:
            table.add_row(r.currency, *(fmt.money(getattr(r, key), r.currency) for key, _ in STAGES))
        self.update(table)
