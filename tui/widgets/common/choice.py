"""A radio button whose state reads without colour (NO_COLOR, 16-colour terminals)."""

from __future__ import annotations

from textual.widgets import RadioButton


class Choice(RadioButton):
    """``●`` when chosen, ``○`` when not: Textual's own radio button differs only by colour."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - overrides the class attribute of ToggleButton
        return "●" if self.value else "○"
