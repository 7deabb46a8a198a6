"""The theme from the config or ``$CAIRN_THEME``, in force from the first frame, with every
stylesheet parsed once.

Setting ``App.theme`` makes Textual queue a full ``refresh_css``: every stylesheet parsed again
(in a new stylesheet, so nothing of the first parse is reused), applied to every widget again.
It does so even when the theme is set in ``__init__``, as Textual's own examples do, before a
single sheet has been parsed: a user with a theme in the config paid 11-18 ms more before the
first frame than one without (traced). Given the theme's variables at once, the first parse
already uses them, so that one refresh has nothing to do and is let go. No upstream issue covers
it; ``tests/tui/test_app.py`` fails if the refresh comes back or the colours go wrong.
"""

from __future__ import annotations

from textual.app import App


class ThemeAtStart(App):
    """An App whose start-up theme is set with ``start_with_theme``."""

    _variables_at_start: dict[str, str] | None = None

    def start_with_theme(self, name: str) -> None:
        """Use the theme ``name`` from the start (in ``__init__``)."""
        before = self.theme
        self.theme = name
        if self.theme != before:
            self._variables_at_start = self.get_css_variables()
            self.stylesheet.set_variables(self._variables_at_start)

    def refresh_css(self, animate: bool = True) -> None:
        at_start, self._variables_at_start = self._variables_at_start, None
        stack = self.screen_stack
        # Only the refresh the start-up theme queued, before the first screen is even mounted,
        # and only if nothing changed the variables since: any later one runs as always.
        if at_start is not None and not (stack and stack[-1].is_mounted) and at_start == self.get_css_variables():
            return
        super().refresh_css(animate)
