"""The key footer every screen shows: one line, one widget."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.actions import parse
from textual.widget import Widget


class FooterEntry(NamedTuple):
    key: str  # what pressing it simulates
    display: str  # how the key is written (``?``, ``^p``)
    description: str
    enabled: bool
    tooltip: str


class KeysFooter(Widget, can_focus=False):
    """The keys that apply now, drawn the way Textual's compact ``Footer`` draws them.

    Textual's ``Footer`` is a container with a widget per key, and it rebuilds them whenever the
    screen's keys change: on the board that is most plan moves (a draft's keys come and go), and
    each rebuild mounted and styled ~15 widgets and took two extra layout passes of the whole
    screen (~15 ms of a 30 ms move). Here the keys are one line of text: a change repaints the
    line, nothing is mounted and nothing moves. Keys that do not fit are dropped whole (``?`` stays);
    a click on a key presses it; the wheel scrolls the keys one at a time when some were dropped;
    hovering shows the key's tooltip.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keys-footer--key", "keys-footer--description", "keys-footer--item",
                         "keys-footer--hover"}
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        & > .keys-footer--item { background: $footer-item-background; }
        & > .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, classes=classes)
        self.entries: tuple[FooterEntry, ...] = ()
        self._first = 0  # the first key shown: the wheel scrolls a key at a time
        self._hover: int | None = None
        self._spans: list[tuple[int, int, int]] = []  # (first cell, end cell, entry) as last drawn
        self._dropped = False  # some keys did not fit: the wheel shows the next ones

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:  # noqa: ANN001 - a Screen
        # While the terminal is unfocused Textual blurs the focused widget; keep the last keys
        # rather than flash the shorter list (as Textual's Footer does).
        if not self.app.app_focus and self.entries:
            return
        seen: set[str] = set()
        entries = []
        applies_now = getattr(screen, "applies_now", None)  # keys that run but don't apply now stay out
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if applies_now is not None and not applies_now(*parse(binding.action)[1:]):
                continue
            if binding.show and binding.action not in seen:  # one entry per action, as Footer
                seen.add(binding.action)
                entries.append(FooterEntry(binding.key, self.app.get_key_display(binding), binding.description,
                                           enabled, tooltip or binding.tooltip or ""))
        entries = tuple(entries)
        if entries != self.entries:
            self.entries = entries
            self._first = min(self._first, max(0, len(entries) - 1))
            self._hover = None
            self.refresh()

    def _fitting(self) -> list[int]:
        """The entries drawn: whole keys only, in order, as many as fit; ``?`` always, so the way
        to every other key stays in sight (a key cut mid-word is neither readable nor clickable)."""
        width = self.size.width or 80
        indexes = range(self._first, len(self.entries))
        cost = {i: cell_len(self.entries[i].display) + 1 + (cell_len(self.entries[i].description) + 1
                                                             if self.entries[i].description else 0)
                for i in indexes}
        help_key = next((i for i in indexes if self.entries[i].key == "question_mark"), None)
        room = width + 1 - (cost[help_key] if help_key is not None else 0)  # the last key needs no gap
        shown = []
        for i in indexes:
            if i == help_key:
                shown.append(i)
            elif cost[i] <= room:
                shown.append(i)
                room -= cost[i]
        self._dropped = len(shown) < len(indexes)
        return shown

    def render(self) -> Text:
        item = self.get_component_rich_style("keys-footer--item", partial=True)
        key_style = self.get_component_rich_style("keys-footer--key", partial=True)
        description_style = self.get_component_rich_style("keys-footer--description", partial=True)
        hover = self.get_component_rich_style("keys-footer--hover", partial=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for index in self._fitting():
            entry = self.entries[index]
            start, first_char = text.cell_len, len(text.plain)
            under = item + hover if index == self._hover else item
            text.append(entry.display, under + key_style)
            if entry.description:
                text.append(" " + entry.description, under + description_style)
            if not entry.enabled:
                text.stylize("dim", first_char)
            self._spans.append((start, text.cell_len, index))
            text.append(" ")
        return text

    def _entry_at(self, x: int) -> int | None:
        return next((index for start, end, index in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._entry_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.tooltip = self.entries[hover].tooltip or None if hover is not None else None
            self.refresh()

    def on_leave(self, _event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._entry_at(event.x)
        if index is None:
            return
        entry = self.entries[index]
        if entry.enabled:
            self.app.simulate_key(entry.key)
        else:
            self.app.bell()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll(1, event)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll(-1, event)

    def _scroll(self, step: int, event: events.Event) -> None:
        first = max(0, min(self._first + step, len(self.entries) - 1))
        if first != self._first and (step < 0 or self._dropped):
            self._first = first
            self.refresh()
        event.stop()
