"""The contract's money (P4, P5, P8): value, funded, paid, pending, available, credit, escrow."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from cairn.storage.queries.board_views import Money
from cairn.tui.format import money as fmt


class MoneyPanel(Static):
    def show(self, m: Money, currency: str, my_side: str = "freelancer", at_risk: int = 0) -> None:
        # When milestones were voided or refunded, the planned and the actual value differ: both.
        value = [("Value", m.value)] if m.planned == m.actual else [("Planned value", m.planned),
                                                                    ("Actual value", m.actual)]
        if my_side == "client":  # the user pays here: say so, and no earnings vocabulary
            rows = [*value, ("Funded by you", m.funded), ("In escrow", m.escrow), ("Paid to freelancer", m.paid)]
        else:
            rows = [*value, ("Funded", m.funded), ("In escrow", m.escrow), ("Paid", m.paid)]
            if m.fee:  # P9: what the platform keeps, and what reaches the freelancer (the fee is derived)
                rows += [("  platform fee", m.fee), ("  net to you", m.net)]
            rows += [("  pending", m.pending), ("  available", m.available)]
        # Like refunds and bonuses, credit is shown when there is some: the narrow board's panel
        # has eight lines, and the fee and the net take two of them.
        if m.credit:
            rows.append(("Carried credit", m.credit))
        if m.refunded:
            rows.append(("Refunded to you" if my_side == "client" else "Refunded", m.refunded))
        if m.bonus:
            rows.append(("Bonus", m.bonus))
        if at_risk:  # unfunded work due, submitted work waiting, escrow under a refund request (see Forecast)
            rows.append(("At risk", at_risk))
        amounts = [fmt(amount, currency) for _, amount in rows]
        # An amount is never cut short: its column is as wide as the widest, and a label that
        # does not fit beside it (the narrow board gives the panel 30 columns) ends in "…".
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column("label", no_wrap=True, overflow="ellipsis", ratio=1)
        grid.add_column("amount", justify="right", no_wrap=True, min_width=max(map(len, amounts)))
        for (label, amount), shown in zip(rows, amounts, strict=True):
            grid.add_row(Text(label, style="dim" if label.startswith("  ") else ""),
                         Text(shown, style="bold" if label in ("In escrow", "At risk") and amount else ""))
        self.border_title = "Money — you pay" if my_side == "client" else "Money"
        self.update(grid)
