"""User text is shown as typed: emoji joined with zero-width joiners stay emoji; control and
direction-override characters are shown as codes."""

from __future__ import annotations

from cairn.tui.format import plain
from cairn.tui.widgets.board._text import clean


def test_zwj_emoji_are_shown_as_emoji():
    for emoji in ("👩‍💻", "🏳️‍🌈", "👨‍👩‍👧"):
        assert plain(f"Logo for {emoji} team") == f"Logo for {emoji} team"
        assert clean(emoji) == emoji


def test_controls_and_overrides_stay_visible():
    assert plain("a\x1b[31mb") == "a\\x1b[31mb"
    assert plain("\u202etxt.exe") == "\\u202etxt.exe"
    assert plain("two\nlines", newlines=False) == "two\\x0alines"
