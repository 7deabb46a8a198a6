"""P6: a disputed refund request's next step, as the platform decided it: it went to mediation
or arbitration, or it ended released to the freelancer, refunded to the client, or split."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, RadioSet

from cairn.tui.format import money
from cairn.tui.widgets.common import Choice
from cairn.tui.widgets.common.text_input import TextInput

from .form import FormDialog, field

STEPS = (("mediation", "It went to mediation"), ("arbitration", "It went to arbitration"),
         ("released", "Decided: released to the freelancer"), ("refunded", "Decided: refunded to the client"),
         ("split", "Decided: split between them"))


class DisputeDialog(FormDialog):
    RECORDS_TIME = True
    TITLE_TEXT = "Record the dispute"
    OK_LABEL = "Record"
    ALIASES = {"refund": "refund", "stage": "step", "outcome": "step", "note": "note", "message": "note"}

    def __init__(self, operation, contract_id: int, *, currency: str, amount: int, status: str,
                 **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro=f"The client asked for {money(amount, currency)} back and "
                                                       f"the freelancer disputed it; it is now {status}. Record "
                                                       "what the platform did, and when (P6).", **fixed)
        self.currency, self.status, self.amount = currency, status, amount

    def compose_fields(self) -> ComposeResult:
        yield Label(Text("What happened"), classes="section-label")
        # The next stage the dispute can go to is chosen first.
        first = 0 if self.status == "disputed" else 1 if self.status == "mediation" else 2
        with RadioSet(id="step"):
            for i, (step, text) in enumerate(STEPS):
                yield Choice(Text(text), value=i == first, id=f"step-{step}")
        yield field("refund", f"Refunded to the client, for a split ({self.currency}; the rest is released)",
                    TextInput(id="refund", classes="amount split"))
        yield field("note", "Note (optional)", TextInput(id="note"))

    def on_mount(self) -> None:
        self.query_one("#step", RadioSet).focus()
        self._update()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._update()

    def _step(self) -> str:
        rs = self.query_one("#step", RadioSet)
        return STEPS[rs.pressed_index if rs.pressed_index >= 0 else 0][0]

    def _update(self) -> None:
        self.query_one("#field-refund").display = self._step() == "split"

    def values(self) -> dict[str, Any]:
        step = self._step()
        v: dict[str, Any] = {"step": step, "note": self.query_one("#note", Input).value}
        if step == "split":
            v["refund"] = self.query_one("#refund", Input).value.strip() or None
        return v

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        if values["step"] in ("mediation", "arbitration"):
            return None
        from cairn.storage.money import parse_amount

        held = money(self.amount, self.currency)
        if values["step"] == "released":
            return f"Record the outcome: the {held} in dispute released to the freelancer?"
        if values["step"] == "refunded":
            return f"Record the outcome: the {held} in dispute refunded to the client?"
        back = parse_amount(values["refund"], self.currency)  # storage has read it (rehearsed) by now
        return (f"Record the outcome: {money(back, self.currency)} refunded to the client and "
                f"{money(self.amount - back, self.currency)} released to the freelancer?")
