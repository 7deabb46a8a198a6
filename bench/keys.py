"""Keypress costs, each measured interleaved with its baseline in the same run: Cairn and the
bare Textual table app (bench/bare_app.py --table) run side by side in two real ptys, and
their keys alternate, so both see the same machine load.

- cursor move: a key down or up in the contract list / in the bare table, within the page;
- open a contract (Enter until the board's frame is complete) / the bare app's screen push;
- move a milestone, durable commit included (shift+down, shift+up on the first milestone of
  the 12-, 400- and 1,000-milestone plans) / the bare app's screen push, again interleaved.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from databases import ENV, PLAN_SIZES, ROOT
from figures import Sample
from pty_term import PtyProgram

PY = sys.executable
DOWN, UP = b"\x1b[B", b"\x1b[A"
ENTER, ESC = b"\r", b"\x1b"
SHIFT_DOWN, SHIFT_UP = b"\x1b[1;2B", b"\x1b[1;2A"
BARE_TABLE = [PY, str(ROOT / "bench" / "bare_app.py"), "--table"]
# The plan's border title: "Plan — your draft (side)" while a draft changes it, "Plan" when not.
DRAFT = b"your draft"
# The plan panel's title without a draft: "Plan", or "Plan · <its platform profile>".
NO_DRAFT = (b"Plan\x1b", "Plan ·".encode())
PAGE_RUN = 20  # cursor moves one way before turning back: they stay within the first page


@dataclass
class KeyCosts:
    cursor: Sample = field(default_factory=Sample)
    bare_cursor: Sample = field(default_factory=Sample)
    bytes_per_move: Sample = field(default_factory=Sample)
    cursor_ahead: Sample = field(default_factory=Sample)  # once boards are made ready behind the list
    bare_cursor_ahead: Sample = field(default_factory=Sample)
    open: Sample = field(default_factory=Sample)
    bare_push: Sample = field(default_factory=Sample)
    open_plan: dict[int, Sample] = field(default_factory=dict)
    move: dict[int, Sample] = field(default_factory=dict)
    bare_push_for_move: dict[int, Sample] = field(default_factory=dict)
    peak_mb: float = 0.0


def cairn_program(db: Path, **kw) -> PtyProgram:
    return PtyProgram([PY, "-m", "cairn", "--db", str(db)], env=ENV, **kw)


def _cursor_moves(app: PtyProgram, bare: PtyProgram, n: int, cursor: Sample, bare_cursor: Sample,
                  sizes: Sample) -> None:
    """``n`` cursor moves within the first page, alternating key by key with the bare table; the
    cursor ends where it began."""
    row = 0
    for i in range(n):
        down = (i // PAGE_RUN) % 2 == 0
        seconds, _ = bare.key(DOWN if down else UP)
        bare_cursor.add(seconds)
        seconds, size = app.key(DOWN if down else UP)
        cursor.add(seconds)
        sizes.add(size)
        row += 1 if down else -1
    for _ in range(row):  # back to where it began
        app.tap(UP if row > 0 else DOWN)


def measure(db: Path, first_title: str, *, cursor_moves: int = 100, opens: int = 20,
            moves: int = 15) -> KeyCosts:
    costs = KeyCosts()
    bare = PtyProgram(BARE_TABLE, env=ENV)
    app = cairn_program(db)
    try:
        bare.wait_for(b"BARE TABLE READY")
        app.wait_for(first_title.encode())
        app.settle(2.0)  # the full list and the timers load after the first frame
        bare.settle(0.5)

        # Cursor moves, alternating between the two programs key by key.
        _cursor_moves(app, bare, cursor_moves, costs.cursor, costs.bare_cursor, costs.bytes_per_move)

        # Opening contracts (below the three plan contracts) / pushing the bare screen.
        app.settle(0.3)
        for _ in range(len(PLAN_SIZES)):
            app.tap(DOWN)
        for _ in range(opens):
            costs.bare_push.add(bare.key_until(ENTER, b"PUSHED SCREEN")[0])
            bare.key_until(ESC, b"BARE TABLE READY")
            costs.open.add(app.key_until(ENTER, b"Acting as")[0])
            app.key_until(ESC, b"Earnings")
            app.tap(DOWN)

        # The plan contracts: the newest three, 1,000 milestones first.
        for _ in range(opens + len(PLAN_SIZES)):
            app.tap(UP)

        # Cursor moves again, now that a board has been opened: from here on each row the cursor
        # rests on has its board made ready behind the list (cairn.tui.board_ahead).
        app.settle(0.3)
        _cursor_moves(app, bare, cursor_moves // 2, costs.cursor_ahead, costs.bare_cursor_ahead, Sample())
        for n in sorted(PLAN_SIZES, reverse=True):
            opened, pushed, moved = Sample(), Sample(), Sample()
            app.settle(0.3)
            opened.add(app.key_until(ENTER, b"Acting as")[0])
            app.settle(0.5)
            for i in range(2 * moves):
                if i % 2 == 0:
                    pushed.add(bare.key_until(ENTER, b"PUSHED SCREEN")[0])
                    bare.key_until(ESC, b"BARE TABLE READY")
                if i % 2 == 0:
                    moved.add(app.key_until(SHIFT_DOWN, DRAFT)[0])
                else:
                    moved.add(app.key_until_frame(SHIFT_UP, lambda got: any(n in got for n in NO_DRAFT),
                                                  settle=0.15, what="the plan without a draft")[0])
            costs.open_plan[n], costs.bare_push_for_move[n], costs.move[n] = opened, pushed, moved
            app.key_until(ESC, b"Earnings")
            app.tap(DOWN)
        costs.peak_mb = app.peak_rss_kb() / 1024
    finally:
        app.close()
        bare.close()
    return costs
