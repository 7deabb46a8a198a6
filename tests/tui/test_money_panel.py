"""The board's Money panel shows every amount whole, however narrow the board (P4, P9)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from cairn.storage.queries.board_views import Money
from cairn.tui.widgets.board.money_panel import MoneyPanel

MILLIONS = Money(value=1_234_567_00, funded=1_234_567_00, paid=1_129_000_00, pending=0, available=1_129_000_00,
                 escrow=105_567_00, credit=0, refunded=0, bonus=0, fee=112_900_00, fee_pending=0,
                 planned=1_234_567_00, actual=1_234_567_00)


def _drawn(panel: MoneyPanel, width: int) -> list[str]:
    out = Console(width=width, file=io.StringIO(), color_system=None)
    out.print(panel.content)
    return out.file.getvalue().splitlines()


@pytest.mark.parametrize(("side", "width"), [("freelancer", 30), ("client", 30), ("freelancer", 20), ("client", 46)])
def test_amounts_are_never_cut_short_labels_give_way(side, width):
    panel = MoneyPanel()
    panel.show(MILLIONS, "USD", side, at_risk=5_000_00)
    lines = _drawn(panel, width)
    for amount in ("$1,234,567.00", "$105,567.00", "$1,129,000.00", "$5,000.00"):
        assert any(line.endswith(amount) for line in lines), (amount, lines)
    if side == "freelancer":  # P9: the fee and the net on lines of their own
        assert any(line.endswith("$112,900.00") for line in lines) and any(
            line.endswith("$1,016,100.00") for line in lines), lines


def test_credit_shows_when_there_is_some():
    panel = MoneyPanel()
    panel.show(MILLIONS, "USD")
    assert not any("Carried credit" in line for line in _drawn(panel, 30))
    panel.show(Money(**{**MILLIONS.__dict__, "credit": 25_00}), "USD")
    assert any(line.startswith("Carried credit") and line.endswith("$25.00") for line in _drawn(panel, 30))
