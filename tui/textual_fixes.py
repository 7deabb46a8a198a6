"""Fixes for Textual bugs Cairn runs into, each with its upstream issue. Applied once, when
the app module is imported; each one can go when Textual ships its own fix (a test in
tests/tui/test_app.py fails if the bug comes back)."""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def apply() -> None:
    # Textualize/textual#6665: StylesCache.get_inner_outer is an lru_cache'd *method*, so its
    # cache keeps the last 1,024 StylesCache objects, and every line they drew, alive long
    # after their widgets are gone: every board opened left a screenful behind (tens of MB,
    # and garbage-collector passes of 0.2 s). The colours alone are the key.
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign]
