"""Keys typed while the dashboard starts reach it as they were typed.

Until Textual puts the terminal in raw mode, after a few hundred milliseconds of imports, the
terminal's line discipline cooks what is typed: Enter arrives as a newline, which Textual reads
as ctrl+j (``Down Down Enter`` typed right after ``cairn`` moved the cursor and opened nothing),
and every key is echoed over the screen. The dashboard turns that translation and the echo off
first thing (``hold_keys_raw``), and its driver restores the terminal the user had (``ORIGINAL``)
when it exits or is suspended. Keys that arrive before this runs (the interpreter's own start)
are still cooked.
"""

from __future__ import annotations

import sys

ORIGINAL: list | None = None  # the terminal's settings before Cairn changed them


def hold_keys_raw() -> None:
    """Stop the terminal translating and echoing keys until Textual takes it over (a no-op when
    standard input is not a terminal)."""
    global ORIGINAL
    try:
        import termios

        fd = sys.stdin.fileno()
        if not sys.stdin.isatty():
            return
        before = termios.tcgetattr(fd)
        attrs = termios.tcgetattr(fd)
        attrs[0] &= ~(termios.ICRNL | termios.INLCR | termios.IGNCR)  # iflag: Enter stays \r
        attrs[3] &= ~(termios.ECHO | termios.ICANON)  # lflag: no echo, keys readable as typed
        attrs[6][termios.VMIN], attrs[6][termios.VTIME] = 1, 0
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    except (ImportError, OSError, ValueError, AttributeError):  # no terminal, or not a usable one
        return
    ORIGINAL = before


def restore() -> None:
    """The terminal as it was before ``hold_keys_raw``."""
    global ORIGINAL
    before, ORIGINAL = ORIGINAL, None
    if before is None:
        return
    try:
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, before)
    except (OSError, ValueError):
        pass
