"""P8: the freelancer's earnings by stage, one line per currency; with the platforms' fees and the
net of what was paid (P9) when any contract pays a fee."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cairn.tui import format as fmt

if TYPE_CHECKING:
    from cairn.storage.queries.foresight import Risk
    from cairn.storage.queries.summaries import Earnings

STAGES = (("work_in_progress", "Work in progress"), ("in_review", "In review"), ("pending", "Pending"),
          ("available", "Available"))
FEES = (("fee", "Fee"), ("net", "Net paid"))


class EarningsPanel(Static):
    """Work in progress, In review, Pending and Available per currency (P8), and beside them the
    work at risk (unfunded work due, submitted work waiting, escrow under a refund request)."""

    DEFAULT_CSS = """
    EarningsPanel {
        height: auto;
        padding: 0 1;
    }
    """

    shown: list[Earnings] = []

    def show(self, rows: list[Earnings], risk: dict[str, Risk] | None = None) -> None:
        risk = {cur: r for cur, r in (risk or {}).items() if r.total}
        rows = [r for r in rows if any(getattr(r, key) for key, _ in STAGES) or r.currency in risk]
        self.shown = rows
        if not rows:
            self.update(Text("Earnings: nothing in escrow or paid yet on your freelancer contracts.",
                             style="dim"))
            return
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, expand=False,
                      title="Earnings as freelancer", title_justify="left", title_style="bold")
        table.add_column("", no_wrap=True)
        # P9: what was paid (pending and available) is gross; the platform's fee and the net beside it.
        fees = FEES if any(r.fee for r in rows) else ()
        if fees and risk and 0 < self.size.width < 100:
            fees = FEES[1:]  # beside "At risk" at 80 columns: the net alone (gross is pending + available)
        stages = STAGES + fees
        for _, label in stages:
            table.add_column(label, justify="right", no_wrap=True, header_style="bold")
        if risk:
            table.add_column("At risk", justify="right", no_wrap=True, header_style="bold")
        for r in rows:
            cells = [fmt.money(getattr(r, key), r.currency) for key, _ in stages]
            if risk:
                at = risk.get(r.currency)
                cells.append(Text(fmt.money(at.total, r.currency), style="bold") if at else Text("—", style="dim"))
            table.add_row(r.currency, *cells)
        self.update(table)
