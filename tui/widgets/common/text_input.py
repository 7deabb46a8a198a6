"""Cairn's one-line text field: Textual's Input, its cursor still unless the config asks it to blink."""

from __future__ import annotations

from textual.widgets import Input


class TextInput(Input):
    """Every text field of Cairn. Keys typed in a burst reach it in order through the app's key
    gate (``cairn.tui.key_gate``, Textualize/textual#6605): an amount typed as ``5 0 0 ⌫ 3``
    over SSH is 503, never 500."""

    def on_mount(self) -> None:
        # Still unless the config asks (cursor_blink = true): over SSH a blinking cursor repaints
        # the field twice a second while the user only reads.
        self.cursor_blink = bool(getattr(self.app, "cursor_blink", False))


def next_text_field(field: Input) -> Input | None:
    """The text field after ``field`` on its screen (shown ones only), or ``None`` for the last.

    ``enter`` in a form moves to the next field and submits only from the last one (or from
    the button): an ``enter`` typed to finish the title must not create the contract.

    A field with the class ``-tab-only`` (a dialog's optional "When") is reached with tab and
    passed over by enter, so ``1234.56 enter y`` still submits from the amount and answers
    the confirmation, as it did before the field was there."""
    fields = [w for w in field.screen.focus_chain  # shown ones, in order
              if isinstance(w, Input) and (w is field or not w.has_class("-tab-only"))]
    if field not in fields:
        return None
    index = fields.index(field)
    return fields[index + 1] if index + 1 < len(fields) else None
