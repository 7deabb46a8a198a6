"""P7: a bonus from the client, outside escrow."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cairn.storage.money import typed_amount
from cairn.tui.format import money
from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class BonusDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "Give bonus"
    OK_LABEL = "Give bonus"

    def __init__(self, operation, contract_id: int, *, currency: str, **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro="Paid outside escrow; pending like a release (P5, P7).",
                         **fixed)
        self.currency = currency

    def compose_fields(self) -> ComposeResult:
        yield field("amount", f"Amount ({self.currency})", TextInput(id="amount", placeholder=f"e.g. {typed_amount(100_00, self.currency)}",
                                                                  classes="amount"))
        yield field("message", "Note (optional)", TextInput(id="note"))

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"amount": self.query_one("#amount", Input).value, "note": self.query_one("#note", Input).value}

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        from cairn.tui.format import amount_read

        minor, _ = amount_read(values["amount"], self.currency)
        amount = money(minor, self.currency) if minor is not None else values["amount"]
        return f"Give the freelancer a bonus of {amount}?"
