"""A yes/no question before an irreversible action."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Confirm(ModalScreen[bool]):
    """Ask a question; dismiss with ``True`` (confirm) or ``False`` (cancel).

    ``question`` and ``detail`` are shown as plain text (never parsed as markup), so they may
    hold user text such as a contract title. ``y``/``enter`` confirm, ``n``/``escape`` cancel.

    A ``y`` typed in the same burst as the key that asked (over SSH) waits in the app's key gate
    until the question is shown, and answers it.
    """

    DEFAULT_CSS = """
    Confirm {
        align: center middle;
    }
    Confirm > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    Confirm .confirm--question {
        text-style: bold;
        width: 100%;
    }
    Confirm .confirm--detail {
        color: $text-muted;
        margin-top: 1;
        width: 100%;
    }
    Confirm Horizontal {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    Confirm Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "confirm", "Yes", show=False),
        Binding("n,escape", "cancel", "No", show=False),
    ]

    def __init__(self, question: str, detail: str = "", *, confirm_label: str = "Yes",
                 cancel_label: str = "No", name: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.question = question
        self.detail = detail
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="confirm--question")
            if self.detail:
                yield Static(Text(self.detail), classes="confirm--detail")
            with Horizontal():
                yield Button(Text(f"{self.cancel_label} (n)"), id="cancel")
                yield Button(Text(f"{self.confirm_label} (y)"), id="confirm", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
