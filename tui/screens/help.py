"""`?`: every key of the screen it was opened from, what it does, and whether it applies now."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from cairn.tui.commands import HIDDEN_ACTIONS, BoundAction, bound_actions


def _table(actions: list[BoundAction]) -> Table:
    # Two columns, the action's name over what it does: at 60 or 80 columns a third column left
    # the descriptions a few characters wide, or cut them.
    table = Table(box=None, padding=(0, 2, 0, 0), show_header=True, expand=True, header_style="bold")
    table.add_column("Key", no_wrap=True, style="bold")
    table.add_column("Action · what it does", ratio=1)
    for action in actions:
        name = Text(action.description)
        if not action.available:
            name.append(" (not now)", style="dim italic")
        if action.tooltip:
            name.append("\n")
            name.append(action.tooltip, style="dim")
        table.add_row(Text(action.key_display), name)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the bindings of ``screen`` (and the keys that work everywhere)."""

    BINDINGS = [
        Binding("escape,question_mark", "close", "Close help", id="close_help"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        screen = self.for_screen
        name = getattr(screen, "HELP_TITLE", None) or screen.__class__.__name__.removesuffix("Screen")
        on_screen = bound_actions(screen, include_unavailable=True, nodes=[screen])
        own = [a for a in on_screen if not a.generic]
        everywhere = [a for a in bound_actions(screen, include_unavailable=True, nodes=[self.app])
                      if a.action not in HIDDEN_ACTIONS or a.action in ("quit", "command_palette")]
        everywhere += [a for a in on_screen if a.generic]
        with Vertical(id="help"):
            yield Label(Text(f"Keys: {name}"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(_table(own), id="help-screen-keys")
                yield Label("Everywhere", classes="help-section")
                yield Static(_table(everywhere), id="help-app-keys")
                yield Static(Text("Every action is also in the command palette (ctrl+p), under the "
                                  "name shown here. Actions marked (not now) do not apply to the current "
                                  "selection.", style="dim"), id="help-note")
            yield Label(Text("escape closes · ↑ ↓ page up/down scroll", style="dim"), id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
