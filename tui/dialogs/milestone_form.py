"""Add or edit a future milestone in the acting side's draft (M1, R1, R2)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from cairn.storage.diff import Row
from cairn.storage.money import typed_amount
from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field


class MilestoneForm(FormDialog):
    TITLE_TEXT = "Add milestone"
    OK_LABEL = "Add to draft"

    def __init__(self, operation, contract_id: int, *, currency: str, row: Row | None = None, **fixed: Any) -> None:
        intro = ("The change goes into your draft; send or propose it when the batch is ready."
                 if row is None else "Edits go into your draft; the current plan changes when it is sent.")
        super().__init__(operation, contract_id, intro=intro, **fixed)
        self.currency = currency
        self.row = row
        if row is not None:
            self.TITLE_TEXT = "Edit milestone"
            self.OK_LABEL = "Save to draft"

    def compose_fields(self) -> ComposeResult:
        r = self.row
        yield field("title", "Title", TextInput(r.title if r else "", id="title", placeholder="What gets delivered"))
        yield field("amount", f"Amount ({self.currency})",
                    TextInput(typed_amount(r.amount_minor, self.currency) if r else "", id="amount",
                              placeholder=f"e.g. {typed_amount(1250_00, self.currency)}", classes="amount"))
        yield field("due_date", "Due date (optional)",
                    TextInput(r.due_date.isoformat() if r and r.due_date else "", id="due_date",
                          placeholder="YYYY-MM-DD"))
        yield field("description", "Description (optional)",
                    TextInput(r.description if r else "", id="description"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def values(self) -> dict[str, Any]:
        v = {name: self.query_one(f"#{name}", Input).value
             for name in ("title", "amount", "due_date", "description")}
        v["due_date"] = v["due_date"].strip() or None
        return v
