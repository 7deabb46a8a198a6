"""P1-P3: release all or part of escrow; the rest is carried or refunded; keep open or end."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from cairn.storage.money import typed_amount
from cairn.tui.format import amount_read, money
from cairn.tui.widgets.common import Choice
from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class ReleaseDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "Release payment"
    OK_LABEL = "Release"

    def __init__(self, operation, contract_id: int, *, currency: str, held: int, milestone: str,
                 next_milestone: str | None, **fixed: Any) -> None:
        super().__init__(operation, contract_id,
                         intro=f"\"{milestone}\" holds {money(held, currency)} in escrow.", **fixed)
        self.currency, self.held, self.next_milestone = currency, held, next_milestone

    def compose_fields(self) -> ComposeResult:
        yield field("amount", f"Amount to release ({self.currency}; all of it by default)",
                    TextInput(typed_amount(self.held, self.currency), id="amount"))
        nxt = f"Fund the next milestone (\"{self.next_milestone}\")" if self.next_milestone else \
            "Fund the next milestone (there is none)"
        yield Label(Text("The remainder:"), classes="section-label remainder")
        with RadioSet(id="remainder", classes="remainder"):
            yield Choice(Text(nxt), value=self.next_milestone is not None, id="carry")
            yield Choice(Text("Refund it to the client"), value=self.next_milestone is None, id="refund")
        yield Label(Text("Afterwards:"), classes="section-label")
        with RadioSet(id="after"):
            yield Choice(Text("Keep the contract open"), value=True, id="keep")
            yield Choice(Text("End the contract (completed successfully)"), id="end")
        yield Static(id="summary")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()
        self._update()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.call_after_refresh(self._update)  # after FormDialog's handler has cleared a stale error

    def refused(self, error: Exception) -> None:
        super().refused(error)
        self._update()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._update()

    def _read(self) -> tuple[int | None, Text]:
        """The amount as storage reads it (all of the escrow when empty), or why it can't be read."""
        return amount_read(self.query_one("#amount", Input).value, self.currency, blank=self.held)

    def _amount(self) -> int | None:
        return self._read()[0]

    def _update(self) -> None:
        x, line = self._read()
        partial = x is not None and 0 < x < self.held
        for w in self.query(".remainder"):
            w.set_class(not partial, "hidden")
        if x is None:
            # Why the amount can't be read, as it is typed (once refused, the field itself says it).
            invalid = self.query_one("#field-amount").has_class("-invalid")
            self.query_one("#summary", Static).update("" if invalid else line)
            return
        v = self.values()
        text = f"Releases {money(x, self.currency)} to the freelancer"
        if partial:
            rest = money(self.held - x, self.currency)
            text += (f"; {rest} funds \"{self.next_milestone}\"" if v["remainder"] == "carry"
                     else f"; {rest} goes back to the client")
        text += "; the contract ends." if v["end_contract"] else "; the contract stays open."
        self.query_one("#summary", Static).update(Text(text))

    def values(self) -> dict[str, Any]:
        carry = self.query_one("#carry", RadioButton).value
        return {"amount": self.query_one("#amount", Input).value.strip() or None,
                "remainder": "carry" if carry else "refund",
                "end_contract": self.query_one("#end", RadioButton).value}

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        x = self._amount()
        amount = money(x, self.currency) if x is not None else values["amount"]
        return f"Release {amount} to the freelancer?"
