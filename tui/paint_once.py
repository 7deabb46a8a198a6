"""Opening or closing a screen paints the terminal once.

A screen pushed is drawn as soon as it is composed, then again as its widgets fill in, its
footer learns its keys and its panels lay out: 3-5 full paints of an 80x24 terminal (22 KB to
open a board, 24 KB for help) where one would do, each a round of bytes over SSH. While a
screen opens or closes the app holds its paints (Textual's batch), and lets them go in one
once the screen on top is mounted and nothing is queued on it: one frame, drawn whole. A
screen that takes longer is shown after ``LIMIT`` seconds anyway.

This works Textual's compositor from outside (its batch, a screen's layout and repaint flags,
the compositor's dirty regions): Textual repaints as each part of a new screen settles, with no
way to ask for one paint. Upstream: Textualize/textual#5009 (open: ``batch_update`` does not
hold the frames of a screen change) and #5516 (merged for 2.x: pushing a screen "appears to"
paint once; in Textual 8 a board still takes 3-5 paints, the numbers above).
tests/field/test_paint_once.py fails if the internals move or the frames come back.

The first screen, at start-up, is painted once too (``FirstScreenPaintedOnce``): drawn whole as
soon as its first screenful is in, and not drawn whole again right after.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App

# Seconds a paint may be held (a screen slow to open is shown then anyway). The field test holds
# longer, so that a loaded machine does not split its frame.
LIMIT = float(os.environ.get("CAIRN_PAINT_HOLD", "1.0"))
# Seconds between looks at the screen opening. Looks 0.5 ms apart opened a board 5-8 ms sooner, but
# on a loaded machine one open in a full benchmark run was painted in 3 frames (13.4 KB): two quiet
# looks that close together can come before what the screen posted has been handled.
PASS = 0.002
READS = ("board-read", "contract-list")  # the reads a screen starts as it opens


def _install_held_refresh() -> None:
    """While paints are held, the screen on top is not rendered at all. Textual renders it on
    every layout pass in a batch and only then drops the frame (``App._display`` returns early
    in a batch): opening a board rendered the whole screen four times, ~40 ms each, to paint it
    once. Its dirty widgets and regions are kept; the release draws them, whole, once."""
    from textual.screen import Screen

    if getattr(Screen._compositor_refresh, "_held", False):
        return
    refresh = Screen._compositor_refresh

    def _compositor_refresh(screen: Screen) -> None:
        hold = getattr(screen.app, "_paint_once", None)
        if hold is not None and hold.since is not None and screen is screen.app.screen:
            return
        refresh(screen)

    _compositor_refresh._held = True
    Screen._compositor_refresh = _compositor_refresh


def messages_waiting(app: App, screen) -> bool:  # noqa: ANN001 - a Screen
    """Messages wait on the app, ``screen`` or its widgets: a focus set on the next turn, a
    widget's update, the app's callbacks (a key among them)."""
    return any(node.message_queue_size for node in (app, screen, *screen.walk_children()))


class PaintOnce:
    def __init__(self, app: App) -> None:
        self.app = app
        self.since: float | None = None  # holding paints since
        _install_held_refresh()

    def screen_changing(self) -> None:
        if self.since is not None or not self.app.is_running or self.app.is_headless:
            return
        self.since = time.monotonic()
        self.app._begin_batch()
        self.app.call_later(self._check)

    def _check(self, passes: int = 0) -> None:
        """The screen on top mounted, its first reads answered (a board's load) and two layout
        passes with nothing queued: then draw it, whole, once."""
        if self.since is None:
            return
        top = self.app.screen
        ready = top.is_mounted and not self._loading(top) and not self._queued(top)
        late = time.monotonic() - self.since > LIMIT
        if ready and passes >= 2 and top._layout_required and not late:
            # Lay it out now, still held: a layout can change sizes that change content (a panel
            # fitting its text to its width), which asks for another layout. Painted only once
            # the layout stands, the screen is painted once.
            top._layout_required = False
            top._refresh_layout()
            self._again(2)  # one quiet look after a layout will do: what it posted is queued by then
            return
        if (ready and passes >= 2) or late:
            self.since = None
            # The paints held were dropped: the screen is drawn whole, once. Its whole region is
            # marked dirty in the compositor and one layout asked for, so the next update is a
            # single full frame; a repaint asked for as well, by the screen or by the one below
            # a dialog (whose changes the full frame shows anyway), would add a second.
            for screen in self.app.screen_stack:
                screen._repaint_required = False
                if screen is not top:
                    screen._compositor.update_widgets(screen._dirty_widgets)
                    screen._dirty_widgets.clear()
                    screen._compositor._dirty_regions.clear()
            top._compositor._dirty_regions.add(top._compositor.size.region)
            top._layout_required = True
            self.app._end_batch()
            top.check_idle()
        elif ready:
            self._again(passes + 1)
        else:
            self._again(passes)

    def _again(self, passes: int) -> None:
        """Look again in a moment (``App.look_again_in``). (A screen's call_after_refresh is kept by
        the screen on top, and lost with it if that screen closes meanwhile: the paints would stay
        held for good.)"""
        self.app.look_again_in(PASS, lambda: self._check(passes))

    def _queued(self, screen) -> bool:  # noqa: ANN001 - a Screen
        return messages_waiting(self.app, screen)

    def _loading(self, screen) -> bool:  # noqa: ANN001 - a Screen
        """A read the screen started is still running. A screen that can tell when what it opened
        is shown says so (``read_shown``: the board, once its read's answer is drawn): its worker
        winds down a few milliseconds later, with nothing more to show."""
        shown = getattr(screen, "read_shown", None)
        if shown is not None:
            return not shown
        for worker in self.app.workers:
            node = worker.node
            if worker.group in READS and not worker.is_finished and (
                    node is screen or (getattr(node, "is_attached", False) and node.screen is screen)):
                return True
        return False


class FirstScreenPaintedOnce:
    """For the screen the app starts on: its first frame reaches the terminal drawn whole, once.

    - Textual draws the first screen inside its start-up batch, where the drawing is thrown
      away, and then again: the first frame waited for both (~25 ms). What is dirty is kept for
      the first drawing that reaches the terminal (the batch ends in milliseconds), and so in
      any later batch (paint-once's, coming back from a board): drawn whole when it ends.
    - Right after that first drawing, Textual asked for the whole screen again twice: for the
      repaint kept above, and in its ``ScreenResume`` handler, which draws the screen and then
      calls ``refresh()`` (Textual 8.2.8, ``Screen._on_screen_resume``). 9 KB more at 120x36, and
      a key pressed then waited for it. Neither is asked for.
    - Nor the layout Textual did again after it for the terminal's size reported as it started
      (the size just laid out), nor the one the empty toast rack asked for: each took the frame
      slot the first key typed was waiting for. Both with public API (a handler's
      ``prevent_default``, ``display``); no upstream issue covers either.

    Textual's own flags (``App._batch_count``, ``App._dom_ready``, ``Screen._repaint_required``):
    no API says when the first frame is drawn. Upstream: Textualize/textual#5009 (frames of a
    screen change not held); #6314 made the resume's style refresh optional, not its repaint.
    tests/tui/test_start_up_paint.py fails if the whole repaint or either layout comes back.
    """

    _first_frame_drawn = False

    def _compositor_refresh(self) -> None:
        app = self.app  # type: ignore[attr-defined]
        if app._batch_count and self.is_current:  # type: ignore[attr-defined]
            self._repaint_required = True
            return
        first = not app._dom_ready
        super()._compositor_refresh()  # type: ignore[misc]
        if first:
            self._repaint_required = False
            self._first_frame_drawn = True
            self.call_next(self._forget_first_frame)  # type: ignore[attr-defined]

    def _forget_first_frame(self) -> None:
        self._first_frame_drawn = False

    def on_mount(self) -> None:
        # Textual's toast rack is hidden by its own CSS, yet every ScreenResume sets its display
        # to False again, inline, a moment after the first frame: a new inline rule, so a whole
        # layout pass and every widget drawn again, in the frame of the first key (9 ms, not 1.5).
        # Set inline now, before the first layout, the later one changes nothing.
        for rack in self.query("#textual-toastrack"):  # type: ignore[attr-defined]
            rack.display = False

    def on_resize(self, event: events.Resize) -> None:
        # The terminal's size, reported as Textual starts, is handled by the screen after its first
        # frame: Textual lays it out again for the size it was just laid out for, and draws its
        # scrollbars, header, filter and footer again. That frame took the screen's frame slot
        # (Textual draws at most 60 a second), so a key typed then waited for the next: 27-46 ms
        # for the first key at 100,000 contracts, 5-7 for the others. A resize to another size
        # goes to Textual as always.
        if event.size == self.outer_size:  # type: ignore[attr-defined]
            event.stop()
            event.prevent_default()

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):  # noqa: ANN002, ANN201
        if self._first_frame_drawn and not (regions or layout or recompose):
            self._first_frame_drawn = False
            return self  # the whole screen, drawn whole a moment ago
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)  # type: ignore[misc]
