"""Who the board acts as: always visible, in words (not colour alone)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class ActingAs(Static):
    """``Acting as: freelancer (you)``; class ``-other`` when acting as the other party."""

    def show(self, side: str, my_side: str) -> None:
        other = side != my_side
        self.set_class(other, "-other")
        text = Text.assemble(("Acting as: ", "dim" if not other else ""), (side, "bold"),
                             (" (you)" if not other else " (other party)", ""))
        self.update(text)
