"""Notice other Cairn sessions' commits and tell the screens, without the user doing anything.

SQLite's ``PRAGMA data_version`` changes when another connection commits; reading it costs
microseconds and takes no lock, so polling it twice a second is cheap even over SSH (it
sends nothing to the terminal unless something changed).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from textual.message import Message

from cairn.storage import files

POLL_SECONDS = 0.5


class DatabaseChanged(Message):
    """Posted to the active screen when the database changed outside this screen's view."""

    def can_replace(self, message: Message) -> bool:
        # A burst of commits becomes one reload.
        return isinstance(message, DatabaseChanged)


class DataVersionWatcher:
    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(files.uri(path, mode="ro"), uri=True, check_same_thread=False,
                                     isolation_level=None)
        self._lock = threading.Lock()
        self._version = self._read()

    def _read(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        with self._lock:
            try:
                now = self._read()
            except sqlite3.Error:
                return False
            if now != self._version:
                self._version = now
                return True
            return False

    def version(self) -> int | None:
        """SQLite's ``data_version`` now: it changes with every commit of another connection (this
        one never writes). None if the file cannot be read."""
        with self._lock:
            try:
                return self._read()
            except sqlite3.Error:
                return None

    def absorb(self) -> None:
        """Our own write just committed and its answer is on its way to the screen: don't
        reload for it. Called from the worker right after the operation returned."""
        self.changed()

    def close(self) -> None:
        self._conn.close()
