"""A read-only report screen: a title line, an optional key line, and text drawn to the width of
the screen, scrolled from the keyboard. Forecast and Clients are two of them; each says what to
read (``read``, run off the event loop) and how to draw it (``draw``)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cairn.tui.widgets.common.footer import KeysFooter
from cairn.tui.worker import call_storage


def report_bindings(prefix: str) -> list[Binding]:
    return [
        Binding("escape", "back", "Back", id=f"{prefix}.back", tooltip="Back to the contract list"),
        Binding("j", "scroll('down')", "Scroll down", id=f"{prefix}.down", show=False,
                tooltip="Scroll one line down (also ↓, page down, end)"),
        Binding("k", "scroll('up')", "Scroll up", id=f"{prefix}.up", show=False,
                tooltip="Scroll one line up (also ↑, page up, home)"),
    ]


class ReportScreen(Screen[None]):
    NAME: ClassVar[str] = "report"  # the ids of its parts: #<name>-title, #<name>-body
    WITH_CLOCK: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.data: Any = None

    # What each report says -----------------------------------------------------------------
    def heading(self) -> Text:
        raise NotImplementedError

    def key_line(self) -> Text | None:
        return None

    @staticmethod
    def read(db, **kwargs) -> Any:
        raise NotImplementedError

    def draw(self, data: Any, width: int) -> Text:
        raise NotImplementedError

    # ----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.heading(), id=f"{self.NAME}-title", classes="report-title")
        key = self.key_line()
        if key is not None:
            yield Static(key, id=f"{self.NAME}-key", classes="report-key")
        with VerticalScroll(id=f"{self.NAME}-scroll", classes="report-scroll"):
            yield Static("Reading…", id=f"{self.NAME}-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.scroller.focus()
        self.reload()

    @property
    def scroller(self) -> VerticalScroll:
        return self.query_one(".report-scroll", VerticalScroll)

    def reload(self) -> None:
        call_storage(self, type(self).read, with_clock=self.WITH_CLOCK, done=self.show,
                     group=f"{self.NAME}-read", exclusive=True)

    def on_database_changed(self) -> None:
        self.reload()

    def show(self, data: Any) -> None:
        self.data = data
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.data is None:
            return
        width = max(40, self.scroller.scrollable_content_region.width - 3)  # room for the scrollbar
        self.query_one(f"#{self.NAME}-body", Static).update(self.draw(self.data, width))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        scroll = self.scroller
        scroll.scroll_down(animate=False) if direction == "down" else scroll.scroll_up(animate=False)
