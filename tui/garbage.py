"""When Cairn collects garbage: in the quiet moments between keys, never in the middle of one.

A board is a few thousand widgets, styles and drawn lines in reference cycles; only a full
collection frees them. Python's automatic full passes, and later a pass on a clock, landed at
random keypresses and paused the screen for 40-120 ms after a few boards had been opened. Here a
full pass runs once input has been quiet for a second (nobody is waiting for the screen then),
right after the list is drawn on coming back from a board, and at the latest every
``LONGEST_WAIT`` seconds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUIET_SECONDS = 1.0
CHECK_SECONDS = 0.5
LONGEST_WAIT = 30.0
_found: tuple[int, ...] | None = None  # the thresholds settle() replaced


class QuietCollector:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self.last_input = float("-inf")
        self.last_collect = now()
        self.pending = False  # input since the last pass: something may have become garbage

    def input_seen(self) -> None:
        self.last_input = self._now()
        self.pending = True

    def quiet(self) -> bool:
        """No input for ``QUIET_SECONDS``: nobody is waiting for the screen."""
        return self._now() - self.last_input >= QUIET_SECONDS

    def tick(self) -> bool:
        """Collect if input has been quiet long enough since it last happened, or if the last
        pass was too long ago. True when it collected."""
        now = self._now()
        if not ((self.pending and self.quiet()) or now - self.last_collect >= LONGEST_WAIT):
            return False
        self.collect()
        return True

    def collect(self) -> None:
        """A full pass now: for the moments the screen knows nobody is waiting on it."""
        gc.collect()
        self.last_collect, self.pending = self._now(), False


_paused_for_start = False  # start() turned the collector off; first_frame() turns it back on


def start() -> None:
    """While the app starts, until its first frame: no collector pass. What start-up makes (Textual,
    the modules, the first screen) lives as long as the app, and an automatic full pass landed
    right after the first frame, holding the first key pressed for 20 ms."""
    global _paused_for_start
    if gc.isenabled():
        gc.disable()
        _paused_for_start = True


def _resume_after_start() -> None:
    global _paused_for_start
    if _paused_for_start:
        _paused_for_start = False
        gc.enable()


def first_frame() -> None:
    """Once the first frame is out: what start-up imported and built (Textual, the modules, the
    first screen) lives as long as the app, so it leaves the collector's sight. Otherwise the
    first full pass, a moment later while the list loads and keys come in, scans all of it and
    holds the screen for 25-40 ms. ``gc.freeze`` itself costs nothing."""
    gc.freeze()
    _resume_after_start()


def settle() -> None:
    """Once the big, long-lived data is loaded: collect, move what survives out of the
    collector's sight (it lives as long as the app), and leave full passes to the
    ``QuietCollector``; young garbage is still collected as usual (cheap)."""
    global _found
    if _found is None:
        _found = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(700, 10, 1_000_000)


def restore() -> None:
    """The collector as ``settle`` found it (a process may run more than one app: the tests)."""
    global _found
    gc.unfreeze()
    _resume_after_start()  # quit before the first frame
    if _found is not None:
        gc.set_threshold(*_found)
        _found = None


@contextmanager
def long_lived() -> Iterator[None]:
    """For building data that lives as long as the app (the full contract list), in a worker.

    No collector pass runs meanwhile: each full pass would scan every row made so far (two
    passes of 0.2-0.4 s while 100,000 rows are built, holding up the screen's thread too),
    and what is made is kept anyway. At the end everything alive is moved out of the
    collector's sight (``gc.freeze``, which costs nothing), so later passes never scan it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
