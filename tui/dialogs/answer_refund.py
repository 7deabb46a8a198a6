"""P6: the freelancer accepts a client's refund request or disputes it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Button, Input

from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class AnswerRefundDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "Answer refund request"

    def compose_fields(self) -> ComposeResult:
        yield field("message", "Note (optional, kept with a dispute)", TextInput(id="note"))

    def compose_buttons(self) -> ComposeResult:
        yield Button("Cancel (esc)", id="cancel")
        yield Button("Dispute", id="dispute", variant="warning")
        yield Button("Accept: refund", id="ok", variant="error")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"note": self.query_one("#note", Input).value, "accept": True}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # enter alone never answers: choose a button
        event.prevent_default()  # (FormDialog's handler would submit)

    def on_other_button(self, button_id: str) -> None:
        if button_id == "dispute":
            self.action_dispute()

    def action_dispute(self) -> None:
        self.submit(accept=False)

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        return "Accept the refund request? The money in escrow goes back to the client." \
            if values.get("accept") else None
