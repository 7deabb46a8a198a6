"""A one-line message: submit work (M9), request changes (M10), propose changes (R2), decline a
change request with a reason (R4)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class MessageDialog(FormDialog):
    RECORDS_TIME = True

    def __init__(self, operation, contract_id: int, *, title: str, ok_label: str, label: str = "Message",
                 intro: str = "", placeholder: str = "", field_name: str = "message",
                 question: str | None = None, **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro=intro, **fixed)
        self.TITLE_TEXT = title
        self.OK_LABEL = ok_label
        self.label = label
        self.placeholder = placeholder
        self.field_name = field_name  # the operation's argument the text goes to
        self.question = question  # asked before an action that matters (submit, send back)

    def compose_fields(self) -> ComposeResult:
        yield field("message", self.label, TextInput(id="message", placeholder=self.placeholder))

    def on_mount(self) -> None:
        self.query_one("#message", Input).focus()

    def values(self) -> dict[str, Any]:
        return {self.field_name: self.query_one("#message", Input).value}

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        return self.question
