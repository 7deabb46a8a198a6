"""C3, C4: end the contract with a reason, optional feedback and, for the client, escrow."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioSet

from cairn.storage.models import EndReason
from cairn.storage.money import typed_amount
from cairn.tui.format import money
from cairn.tui.widgets.common import Choice
from cairn.tui.widgets.common.text_input import TextInput

from .form import FIELD_ALIASES, FormDialog, field


class EndContractDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "End contract"
    OK_LABEL = "End contract"
    ALIASES = {**FIELD_ALIASES, "amount": "release", "release_minor": "release"}
    AMOUNT_BLANK = 0  # an empty release field releases nothing

    def __init__(self, operation, contract_id: int, *, currency: str, held: int, actor: str,
                 **fixed: Any) -> None:
        if held and actor == "client":
            intro = (f"{money(held, currency)} is in escrow: choose how much to release; the rest becomes a "
                     "refund request the freelancer answers (P6). Future milestones are voided.")
        elif held:
            intro = f"The {money(held, currency)} in escrow goes back to the client. Future milestones are voided."
        else:
            intro = "Future milestones are voided; everything stays in the history (C5)."
        super().__init__(operation, contract_id, intro=intro, actor=actor, **fixed)
        self.currency, self.held, self.actor = currency, held, actor

    def compose_fields(self) -> ComposeResult:
        yield Label(Text("Reason"), classes="section-label")
        with RadioSet(id="reason"):
            for i, r in enumerate(EndReason):
                yield Choice(Text(r.value), value=i == 0, id=f"reason-{i}")  # ● / ○: reads without colour
        if self.held and self.actor == "client":
            yield field("release", f"Release from escrow ({self.currency})",
                        TextInput(typed_amount(self.held, self.currency), id="release", classes="amount"))
        yield field("rating", "Feedback rating 1–5 (optional)", TextInput(id="rating", placeholder="1–5"))
        yield field("feedback", "Feedback (optional)", TextInput(id="feedback"))

    def on_mount(self) -> None:
        self.query_one("#reason", RadioSet).focus()

    def values(self) -> dict[str, Any]:
        reasons = list(EndReason)
        rs = self.query_one("#reason", RadioSet)
        index = rs.pressed_index if rs.pressed_index >= 0 else 0
        v: dict[str, Any] = {
            "reason": reasons[index].value,
            "feedback_rating": self.query_one("#rating", Input).value.strip() or None,
            "feedback_text": self.query_one("#feedback", Input).value or None,
        }
        if self.held and self.actor == "client":
            v["release_minor"] = self.query_one("#release", Input).value.strip() or "0"
        return v

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        return "End this contract? Future milestones are voided and the contract becomes read-only."
