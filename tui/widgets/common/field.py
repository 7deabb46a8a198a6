"""A labelled form field with an inline error line under it, and a hint line (what was understood)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Vertical):
    """Wrap one input widget with a label and an error line.

    ``set_error(message)`` marks the field (class ``-invalid``, a ``✗`` and the message, so it
    reads without colour) and keeps whatever the user typed; ``set_error(None)`` clears it.
    ``set_hint(text)`` shows a line under the input (an amount as Cairn read it) until the next.
    """

    DEFAULT_CSS = """
    Field {
        height: auto;
        margin-bottom: 0;
    }
    Field > .field--label {
        color: $text-muted;
        height: 1;
    }
    Field > .field--error {
        color: $error;
        height: auto;
        display: none;
    }
    Field.-invalid > .field--error {
        display: block;
    }
    Field > .field--hint {
        color: $text-muted;
        height: auto;
    }
    Field > .field--hint.-empty, Field.-invalid > .field--hint {
        display: none;
    }
    Field.-invalid > .field--label {
        color: $error;
        text-style: bold;
    }
    """

    def __init__(self, label: str, widget: Widget, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.label = label
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield Label(Text(self.label), classes="field--label")
        yield self.widget
        yield Static(getattr(self, "_hint", ""), classes="field--hint" + ("" if getattr(self, "_hint", None)
                                                                          else " -empty"))
        yield Static(self._error_text(), classes="field--error")

    @property
    def error(self) -> str | None:
        return getattr(self, "_error", None)

    def set_error(self, message: str | None) -> None:
        self._error = message
        if not message:
            self._revealing = False
        self.set_class(bool(message), "-invalid")
        if self.is_mounted:
            self.query_one(".field--error", Static).update(self._error_text())

    def reveal(self) -> None:
        """Scroll the whole field, its error line included, into view: after the next refresh,
        and again once the error line has its height. Laid out later than that refresh (a busy
        machine), the error line grew the field after the scroll, below the fold, and nothing
        scrolled again."""
        self._revealing = True
        self.call_after_refresh(self._reveal)

    def _reveal(self) -> None:
        if self.is_attached:
            self.scroll_visible(animate=False, immediate=True)

    def on_resize(self) -> None:
        if getattr(self, "_revealing", False):
            self._revealing = False  # the error line is laid out: this scroll is the last
            self._reveal()

    def set_hint(self, text: Text | None) -> None:
        self._hint = text
        if self.is_mounted:
            hint = self.query_one(".field--hint", Static)
            hint.update(text or "")
            hint.set_class(not text, "-empty")

    def _error_text(self) -> Text:
        return Text(f"✗ {self.error}") if self.error else Text("")
