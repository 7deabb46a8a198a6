"""Fixes for Textual bugs Cairn runs into, each with its upstream issue. Applied once, when
the app module is imported; each one can go when Textual ships its own fix (a test in
tests/tui/test_app.py fails if the bug comes back)."""

from __future__ import annotations

from functools import lru_cache

from textual import _time, events
from textual._styles_cache import StylesCache
from textual._xterm_parser import XTermParser
from textual.color import Color
from textual.style import Style
from textual.timer import EventTargetGone, Timer


@lru_cache(1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


_sequence_to_key_events = XTermParser._sequence_to_key_events


# What can follow ESC as the start of a longer sequence (CSI, SS3, DCS, OSC, ST, APC, PM, SOS):
# after anything else, the ESC was the escape key.
_INTRODUCERS = frozenset("[OP]\\_^X\x1b")


def _escape_then_key(self: XTermParser, sequence: str, alt: bool = False):  # noqa: ANN202 - Textual's
    """ESC and the key behind it in the same read: the escape key, then that key. Textual reads
    them as alt+key, or drops the ESC before keys with longer names (ESC tab is tab, ESC enter is
    enter). Cairn binds no alt key: over SSH, escape then j, or escape then enter, arrive in one
    read and mean exactly that.

    And at once, as soon as the key behind the ESC is read: Textual went on reading, hoping for
    a longer sequence, and past 32 characters gave up and turned the ESC into "^". "escape a Big
    one" typed in one burst (a dialog closed, the next opened and filled) typed "^aBig one" into
    the field the escape was meant to leave."""
    if alt:
        yield events.Key("escape", "\x1b")
    elif len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1] not in _INTRODUCERS:
        yield events.Key("escape", "\x1b")
        yield from _sequence_to_key_events(self, sequence[1])
        return
    yield from _sequence_to_key_events(self, sequence)


def skipped_to(count: int, start: float, now: float, interval: float, repeat: int | None) -> int:
    """A timer woke late: the count of the last tick whose time has passed, so the next one it
    waits for is the first still ahead (``count + 1`` at least: the loop moves on even if
    rounding lands on a passed tick, or the interval is zero). Never past its last tick
    (``repeat``): that one fires, late. Textual's count skipped it too, so a one-shot timer
    (``set_timer``) whose thread lost the GIL for longer than its delay between reading the
    clock twice never fired at all."""
    ahead = count + 1 if interval <= 0 else max(count + 1, int((now - start) / interval))
    return ahead if repeat is None else min(ahead, repeat)


async def _timer_run(self: Timer) -> None:
    """Textual 8.2.8's ``Timer._run``, but for the count after a late wake (``skipped_to``): no
    tick after the first still ahead is waited for, and the last tick is never skipped."""
    count = 0
    _repeat = self._repeat
    _interval = self._interval
    self._active  # noqa: B018 - Force instantiation in same thread
    await self._active.wait()
    start = _time.get_time()

    while _repeat is None or count <= _repeat:
        next_timer = start + ((count + 1) * _interval)
        now = _time.get_time()
        if self._skip and next_timer < now:
            late = skipped_to(count, start, now, _interval, _repeat)
            if late > count:
                count = late
                continue
        now = _time.get_time()
        wait_time = max(0, next_timer - now)
        await _time.sleep(wait_time)
        count += 1
        await self._active.wait()
        if self._reset:
            start = _time.get_time()
            count = 0
            self._reset = False
            continue
        try:
            await self._tick(next_timer=next_timer, count=count)
        except EventTargetGone:
            break


class StylesKeptWhileAway:
    """For a screen kept installed and shown again and again (the board). Textual works out the
    styles of every widget on a screen again each time it is pushed (``ScreenResume`` with
    ``refresh_styles``; Textualize/textual#6314 spared pops that uncover it, not pushes): ~8 ms
    of the ~60 ms it takes to open a contract, for styles that had not changed. They are worked
    out again only if something they depend on changed while the screen was away: the
    stylesheet (a theme change parses it again), the app's pseudo-classes (focus, dark, ansi),
    the terminal's size. Changes to the screen's own widgets meanwhile (a class, the focus) are
    styled by Textual as they happen, on any screen.

    Textual calls each class's own ``_on_screen_resume`` along the MRO, subclass first: this one
    runs before ``Screen``'s and tells it whether to refresh. tests/tui/test_board_reuse.py fails
    if the styles are worked out again for nothing, or not after a theme change."""

    _styled_under: tuple | None = None  # what the styles depended on when the screen went away

    def _styles_depend_on(self) -> tuple:
        app = self.app  # type: ignore[attr-defined]
        return app.stylesheet.rules, app.pseudo_classes, app.size, app.theme

    def _unchanged_since_away(self) -> bool:
        before, now = self._styled_under, self._styles_depend_on()
        return before is not None and before[0] is now[0] and before[1:] == now[1:]

    def _on_screen_suspend(self) -> None:
        self._styled_under = self._styles_depend_on()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if event.refresh_styles and self._unchanged_since_away():
            event.refresh_styles = False
        self._styled_under = None


#: Textual's own, kept for the test that tells when Textual changes it.
TEXTUAL_TIMER_RUN = Timer._run


def apply() -> None:
    # Textualize/textual#6665: StylesCache.get_inner_outer is an lru_cache'd *method*, so its
    # cache keeps the last 1,024 StylesCache objects, and every line they drew, alive long
    # after their widgets are gone: every board opened left a screenful behind (tens of MB,
    # and garbage-collector passes of 0.2 s). The colours alone are the key.
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign]
    # Textualize/textual#4816 (escape told from sequences by time only): a lone ESC followed by a
    # key in the same read became alt+key, or vanished before tab and enter, so "escape j" did
    # not close a dialog over SSH and "escape enter" submitted it; followed by 32 keys typed in
    # the same burst, it became a "^" typed into the field.
    XTermParser._sequence_to_key_events = _escape_then_key  # type: ignore[method-assign]
    # A late timer skips one tick too many, and may skip its last (Textualize/textual#5465
    # replaced ``count += 1``, a busy loop, with ``int((now - start) / interval + 1)``; no
    # issue is filed for either). The screen's update timer (1/60 s) wakes late after every
    # frame longer than 17 ms, so the frame after it waited 17-33 ms instead of 0-17: a key
    # pressed while the full list arrived waited 50-65 ms for its echo. And a one-shot timer
    # (``set_timer``) never fired when its thread lost the GIL for longer than its delay at the
    # wrong moment: under load, the key gate's and paint-once's looks could stop for good (they
    # now look again on the event loop's own timer, ``CairnApp.look_again_in``).
    Timer._run = _timer_run  # type: ignore[method-assign]
