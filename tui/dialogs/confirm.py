"""The one way Cairn asks before an action: the question, what it does, and for an action that
records something that happened on the platform, when it happened.

``ConfirmDialog(operation, contract_id, question=..., detail=..., **arguments)`` runs the
operation itself when confirmed and dismisses with its answer (a ``Board``), like every form;
with ``operation=None`` it only asks and dismisses with ``True``. An action that records
something starts in its When field (empty: now), so what is typed after the key that asked is
when it happened; enter confirms, escape cancels. A question alone has the confirm button
focused: enter or ``y`` confirms, escape or ``n`` cancels. A refusal is shown in the dialog, on
the When field when it is about the time, and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Input

from .form import FormDialog


class ConfirmDialog(FormDialog):
    BINDINGS = [
        Binding("y", "submit", "Yes", show=False),
        Binding("n", "cancel", "No", show=False),
    ]

    def __init__(self, operation: Callable[..., Any] | None, contract_id: int | None, *, question: str,
                 detail: str = "", ok_label: str = "Yes, do it", records_time: bool | None = None,
                 **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro=detail, **fixed)
        self.TITLE_TEXT = question
        self.OK_LABEL = ok_label
        # Asking alone records nothing; an operation records when it happened unless told not to.
        self.RECORDS_TIME = operation is not None if records_time is None else records_time
        self.add_class("-confirm")

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button("Cancel (esc)", id="cancel")
        yield Button(f"{self.OK_LABEL} (enter)", id="ok", variant="warning")

    def on_mount(self) -> None:
        if self.RECORDS_TIME:
            # What is typed after the key that asked is when it happened ("f 2d ago enter"): with
            # the button focused, those keys went nowhere and enter recorded now.
            self.query_one("#at", Input).focus()
        else:
            self.query_one("#ok", Button).focus()
            self.query_one("#dialog-fields").display = False
