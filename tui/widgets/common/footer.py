"""The key footer every screen shows."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's ``Footer``, rebuilt only when the keys it shows change, and without its leak.

    Textual rebuilds the footer's keys whenever the screen's bindings *may* have changed: three
    times before the first frame, and on most cursor moves, each rebuild 8-10 ms of widgets and
    styles, and a repaint of the footer line sent to the terminal. Here a rebuild that would show
    the same keys is skipped.

    Each key also binds itself to the footer's ``compact`` with ``data_bind``, and the footer kept
    that watcher, and with it the old key and its drawn lines, for as long as ``compact`` never
    changed: for the life of the screen (Textualize/textual#6666). After each rebuild, the
    watchers whose key is gone are dropped, as Textual itself does when the value changes.
    """

    _shown: tuple | None = None

    def _keys(self) -> tuple:
        """What ``Footer.compose`` would show, as a value."""
        shown = tuple((binding.key, binding.action, binding.description, binding.group, enabled, tooltip,
                       self.app.get_key_display(binding))
                      for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
                      if binding.show)
        return shown, self.show_command_palette

    async def recompose(self) -> None:
        if self._bindings_ready and self.is_attached:
            keys = self._keys()
            if keys == self._shown:
                return
            self._shown = keys
        await super().recompose()
        # Textual keeps a node's watchers in its "__watchers" attribute (textual/reactive.py).
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if not node._closing]
