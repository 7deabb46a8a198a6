"""The terminal driver: Textual's, asking the terminal for clicks, drags and the wheel only.

Textual turns on any-event mouse tracking (DECSET 1003), so every movement of the pointer over
the window is reported, even with no button down: over SSH each one costs a report in, and a
hover repaint out (~2.5 KB a movement over the list). Cairn needs clicks, drags (a plan row
dragged onto another) and the wheel: button-event tracking (1002) reports exactly those. Hover
tooltips give way. Textual has no setting for it (no upstream issue found); tcell made the same
choice (zyedidia/tcell#15). ``tests/tui/test_app.py`` fails if Textual's driver changes.
"""

from __future__ import annotations

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from cairn import early_keys

# 1000 press and release, 1002 motion while a button is down, 1015 and 1006 extended coordinates.
MOUSE_MODES = ("1000", "1002", "1015", "1006")


class ClicksAndDragsDriver(LinuxDriver):
    def start_application_mode(self) -> None:
        super().start_application_mode()
        if early_keys.ORIGINAL is not None:
            # The dashboard stopped the terminal cooking keys as it started (cairn.early_keys):
            # on exit and suspend, the terminal goes back to the settings the user had.
            self.attrs_before = early_keys.ORIGINAL

    def process_message(self, message: Message) -> None:
        # The terminal's input thread, as soon as a key is read: the list's load gives way now,
        # not once the app's loop has come round to the key (cairn.tui.keys_first).
        if isinstance(message, events.Key):
            keys_first = getattr(self._app, "keys_first", None)
            if keys_first is not None:
                keys_first.key_read()
        super().process_message(message)

    def write(self, data: str) -> None:
        super().write(data)
        keys_first = getattr(self._app, "keys_first", None)
        if keys_first is not None:
            keys_first.frame_out()  # a frame going out: the key it answers is drawn

    def _enable_mouse_support(self) -> None:
        if not self._mouse:
            return
        for mode in MOUSE_MODES:
            self.write(f"\x1b[?{mode}h")
        self.flush()

    def _disable_mouse_support(self) -> None:
        if not self._mouse:
            return
        for mode in (*MOUSE_MODES, "1003"):
            self.write(f"\x1b[?{mode}l")
        self.flush()
