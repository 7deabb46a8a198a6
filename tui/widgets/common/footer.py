"""The key footer every screen shows."""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's ``Footer``, without its leak.

    The footer rebuilds its keys whenever the screen's bindings change (a cursor move, coming
    back from a board). Each key binds itself to the footer's ``compact`` with ``data_bind``, and
    the footer kept that watcher, and with it the old key and its drawn lines, for as long as
    ``compact`` never changed: for the life of the screen (Textualize/textual#6666). After each
    rebuild, drop the watchers whose key is gone, as Textual itself does when the value changes.
    """

    async def recompose(self) -> None:
        await super().recompose()
        # Textual keeps a node's watchers in its "__watchers" attribute (textual/reactive.py).
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if not node._closing]
