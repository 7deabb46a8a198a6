"""Cairn's one-line text field: Textual's Input, with its editing keys kept in typing order."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class TextInput(Input):
    """An ``Input`` that runs its own key bindings (backspace, delete, arrows, ctrl+a, ctrl+k…)
    the moment the key reaches it.

    Textual types printable characters in the input itself but runs bound keys only after the
    key has bubbled up to the app, so a character typed right behind backspace could land before
    it (Textualize/textual#6605). Over SSH keys arrive bunched in one packet: an amount typed as
    ``5 0 0 ⌫ 3`` (503) could become 500. Running the input's own bindings here, in the input's
    queue, keeps every key in the order it was typed.
    """

    # With ``hold_after_submit`` (forms whose enter leads somewhere: a confirmation, the board),
    # keys that arrive behind enter in the same burst wait until the form knows where they belong
    # and calls ``release_held``: ``enter y`` must answer the confirmation, not type "y" here.
    hold_after_submit = False
    _held: list[events.Key] | None = None

    def on_mount(self) -> None:
        # Still unless the config asks (cursor_blink = true): over SSH a blinking cursor repaints
        # the field twice a second while the user only reads.
        self.cursor_blink = bool(getattr(self.app, "cursor_blink", False))

    async def _on_key(self, event: events.Key) -> None:
        if self._held is not None and event.key != "escape":  # escape still cancels at once
            self._held.append(event)
            event.stop()
            event.prevent_default()
            return
        if event.is_printable:
            return  # Input's own handler types it
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            # Priority bindings were already checked by the app before the key came here.
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()  # handled: neither Input's handler nor the app runs it again
                if binding.action == "submit" and self.hold_after_submit:
                    self._held = []
                return

    def release_held(self, *, drop: bool = False) -> None:
        """Send the keys held since enter on, in order, to whatever is in front now (or drop them)."""
        held, self._held = self._held, None
        for key in () if drop else held or ():
            self.app.post_message(events.Key(key.key, key.character))
