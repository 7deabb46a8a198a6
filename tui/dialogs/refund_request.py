"""P6: the client asks for escrow back without ending the contract; the freelancer has the
profile's window to accept or dispute, and silence accepts."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cairn.storage.money import typed_amount
from cairn.tui.format import money
from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class RefundRequestDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "Request a refund"
    OK_LABEL = "Request refund"

    def __init__(self, operation, contract_id: int, *, currency: str, held: int, milestone: str,
                 answer_days: int, **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro=f"\"{milestone}\" holds {money(held, currency)} in escrow. "
                                                       f"The freelancer has {answer_days} days to accept or "
                                                       "dispute; silence accepts (P6). The contract stays open.",
                         **fixed)
        self.currency, self.held = currency, held

    def compose_fields(self) -> ComposeResult:
        yield field("amount", f"Amount asked back ({self.currency}; all of it by default)",
                    TextInput(typed_amount(self.held, self.currency), id="amount", classes="amount"))

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"amount": self.query_one("#amount", Input).value.strip() or None}
