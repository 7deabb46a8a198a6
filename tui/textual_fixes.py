"""Fixes for Textual bugs Cairn runs into, each with its upstream issue. Applied once, when
the app module is imported; each one can go when Textual ships its own fix (a test in
tests/tui/test_app.py fails if the bug comes back)."""

from __future__ import annotations

from functools import lru_cache

from textual import events
from textual._styles_cache import StylesCache
from textual._xterm_parser import XTermParser
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


_sequence_to_key_events = XTermParser._sequence_to_key_events


def _escape_then_key(self: XTermParser, sequence: str, alt: bool = False):  # noqa: ANN202 - Textual's
    """ESC and the key behind it in the same read: the escape key, then that key. Textual reads
    them as alt+key, or drops the ESC before keys with longer names (ESC tab is tab, ESC enter is
    enter). Cairn binds no alt key: over SSH, escape then j, or escape then enter, arrive in one
    read and mean exactly that."""
    if alt:
        yield events.Key("escape", "\x1b")
    yield from _sequence_to_key_events(self, sequence)


def apply() -> None:
    # Textualize/textual#6665: StylesCache.get_inner_outer is an lru_cache'd *method*, so its
    # cache keeps the last 1,024 StylesCache objects, and every line they drew, alive long
    # after their widgets are gone: every board opened left a screenful behind (tens of MB,
    # and garbage-collector passes of 0.2 s). The colours alone are the key.
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign]
    # Textualize/textual#4816 (escape told from sequences by time only): a lone ESC followed by a
    # key in the same read became alt+key, or vanished before tab and enter, so "escape j" did
    # not close a dialog over SSH and "escape enter" submitted it.
    XTermParser._sequence_to_key_events = _escape_then_key  # type: ignore[method-assign]
