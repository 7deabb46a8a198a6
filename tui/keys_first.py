"""Keys go before the contract list's big load.

The full list (100,000 contracts: seconds of SQLite and of Python) is read in a thread, and
Python's threads take turns on one interpreter: a key answered while the load ran took two to
three times as long, and its longest waits passed 50 ms. From the moment a key is read from the
terminal until the frame that answers it is drawn (``HOLD`` at most), the load waits for its
turn: between SQLite's steps (``Database.giving_way``) and between chunks of rows. The full list
the load brings back to the screen is shown once no key is being answered (``when_no_key``), not
in front of the key's own frame. What would redraw the whole screen when it comes (wider columns
for the full list: 30-35 ms at 100,000, which the next key of a burst or of a held arrow waited
for; the earnings report, which changes the height of its panel) waits until keys pause
(``when_keys_pause``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cairn.tui.app import CairnApp

#: The longest the load waits for one key (seconds): a key whose answer is never drawn (it
#: changed nothing on screen) lets the load go on then.
HOLD = 0.1
#: How often ``when_no_key`` looks again while a key is being answered (seconds).
LOOK = 0.004
#: How long keys must have paused for ``when_keys_pause`` (seconds): longer than the gaps in a
#: burst of typing or a held arrow's repeats, short enough to pass unseen.
PAUSE = 0.3


class KeysFirst:
    def __init__(self) -> None:
        self._free = threading.Event()
        self._free.set()
        self._until = 0.0
        self.read = 0  # keys read from the terminal so far
        self.last_read = float("-inf")  # when the last of them was read (time.monotonic)
        self._landed = 0  # keys handled, and what they set going done (the key gate idle)
        self._drawn = True  # a frame has gone out since the last key was read

    def key_read(self) -> None:
        """The terminal's input thread has read a key."""
        self.read += 1
        self._drawn = False
        self.last_read = time.monotonic()
        self._until = self.last_read + HOLD
        self._free.clear()

    def landed(self, read: int) -> None:
        """Every key up to ``read`` has landed (UI thread): the load goes on once the frame after
        them is out (now, if one went out since; a key that changed nothing waits ``HOLD``)."""
        self._landed = read
        if self._drawn:
            self._go_on()

    def frame_out(self) -> None:
        """A frame is being written to the terminal (UI thread)."""
        self._drawn = True
        self._go_on()

    def _go_on(self) -> None:
        if self._landed == self.read:  # and no key read since
            self._free.set()

    @property
    def holding(self) -> bool:
        return not self._free.is_set() and time.monotonic() < self._until

    def wait_turn(self) -> None:
        """In the loading thread: wait while a key is being answered."""
        while not self._free.is_set():
            left = self._until - time.monotonic()
            if left <= 0:
                return
            self._free.wait(left)


def when_no_key(app: CairnApp, callback: Callable[[], object]) -> None:
    """Run ``callback`` on the UI thread now, or as soon as no key is being answered."""
    if app.keys_first.holding:
        app.look_again_in(LOOK, lambda: when_no_key(app, callback))
    else:
        callback()


def when_keys_pause(app: CairnApp, callback: Callable[[], object]) -> None:
    """Run ``callback`` on the UI thread now, or once no key has been read for ``PAUSE``."""
    left = app.keys_first.last_read + PAUSE - time.monotonic()
    if left > 0:
        app.look_again_in(left, lambda: when_keys_pause(app, callback))
    else:
        callback()
