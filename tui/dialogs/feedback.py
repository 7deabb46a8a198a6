"""C4: feedback on an ended contract, within the profile's window after the end."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class FeedbackDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "Leave feedback"
    OK_LABEL = "Leave feedback"

    def compose_fields(self) -> ComposeResult:
        yield field("rating", "Rating 1–5", TextInput(id="rating", placeholder="1–5", max_length=1))
        yield field("feedback", "Feedback (optional)", TextInput(id="feedback"))

    def on_mount(self) -> None:
        self.query_one("#rating", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"rating": self.query_one("#rating", Input).value.strip() or None,
                "text": self.query_one("#feedback", Input).value or None}
