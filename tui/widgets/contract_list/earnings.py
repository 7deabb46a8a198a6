"""P8: the freelancer's earnings by stage, one line per currency; with the platforms' fees and the
net of what was paid (P9) when any contract pays a fee."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cairn.tui import format as fmt

if TYPE_CHECKING:
    from cairn.storage.queries.earnings import Earnings
    from cairn.storage.queries.foresight import Risk

STAGES = (("work_in_progress", "Work in progress"), ("in_review", "In review"), ("pending", "Pending"),
          ("available", "Available"))
NARROW = (("work_in_progress", "In progress"), *STAGES[1:])
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
    _args: tuple = ()
    _laid_out_for = 0  # the width the layout was chosen for

    def show(self, rows: list[Earnings], risk: dict[str, Risk] | None = None) -> None:
        self._args = (rows, risk)
        risk = {cur: r for cur, r in (risk or {}).items() if r.total}
        rows = [r for r in rows if any(getattr(r, key) for key, _ in STAGES) or r.currency in risk]
        self.shown = rows
        width = (self.size.width or self.app.size.width) - 2
        self._laid_out_for = width
        if not rows:
            self._update(Text("Earnings: nothing in escrow or paid yet on your freelancer contracts.",
                              style="dim"), width)
            return
        # P9: what was paid (pending and available) is gross; the platform's fee and the net beside it.
        # The widest layout that fits: all labels in full; then closer columns and a shorter first
        # label, so Fee still shows at 80 columns; then the net alone (gross is pending + available);
        # then the four stages and the work at risk alone. An amount is never cut short: a column
        # that does not fit is left out whole, and the title says which.
        fees = FEES if any(r.fee for r in rows) else ()
        for stages, gap in ((STAGES + fees, 2), (NARROW + fees, 1), (NARROW + fees[1:], 1), (NARROW, 1)):
            if _width(rows, risk, stages, gap) <= width:
                break
        left_out = [label for key, label in fees if (key, label) not in stages]
        self._update(_table(rows, risk, stages, gap, left_out), width)

    def _update(self, content: Table | Text, width: int) -> None:
        """Show ``content`` at its height, worked out here by drawing it once: as ``height: auto``
        the layout drew the table to measure it, on top of the frame's own drawing, when the
        report came (the frame in front of a key, at 100,000 contracts)."""
        console = self.app.console
        self.styles.height = len(console.render_lines(content, console.options.update(width=max(width, 1),
                                                                                       height=None)))
        self.update(content)

    def on_resize(self) -> None:
        # Only the width chooses the layout. Growing to the report's height is a resize too: drawing
        # the report again then cost a second layout of the whole screen as the full list arrived.
        if self._args and self.size.width - 2 != self._laid_out_for:
            self.show(*self._args)


def _cells(r: Earnings, risk: dict[str, Risk], stages) -> list[Text | str]:
    cells: list[Text | str] = [fmt.money(getattr(r, key), r.currency) for key, _ in stages]
    if risk:
        at = risk.get(r.currency)
        cells.append(Text(fmt.money(at.total, r.currency), style="bold") if at else Text("—", style="dim"))
    return cells


def _width(rows: list[Earnings], risk: dict[str, Risk], stages, gap: int) -> int:
    """The table's width in cells: each column as wide as its label or widest value, ``gap`` apart."""
    labels = ["", *(label for _, label in stages), *(["At risk"] if risk else [])]
    lines = [[r.currency, *_cells(r, risk, stages)] for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(labels, *lines, strict=True)]
    return sum(widths) + gap * len(widths)  # the last column is padded too


def _table(rows: list[Earnings], risk: dict[str, Risk], stages, gap: int, left_out: list[str]) -> Table:
    title = Text("Earnings as freelancer", style="bold")
    if left_out:
        title.append(f" · {' and '.join(left_out)} left out: widen the terminal to see them", style="dim")
    table = Table(box=None, padding=(0, gap, 0, 0), show_edge=False, expand=False,
                  title=title, title_justify="left")
    table.add_column("", no_wrap=True)
    for _, label in stages:
        table.add_column(label, justify="right", no_wrap=True, header_style="bold")
    if risk:
        table.add_column("At risk", justify="right", no_wrap=True, header_style="bold")
    for r in rows:
        table.add_row(r.currency, *_cells(r, risk, stages))
    return table
