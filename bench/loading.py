"""Does the screen keep answering while the full list loads, and what does it weigh once loaded?

Cairn starts on a database; from its first frame until the full list is in (the list's status
line shows every contract) and half a second after, cursor keys go to the list one at a time,
10 ms after the previous one showed. A key's echo is the first complete frame after which the
cursor is drawn on the row it moved to (read back from the terminal output: the first run of
the cursor's row is drawn in the cursor's style). The longest wait is the longest the screen
stopped answering keys.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from figures import Sample
from keys import DOWN, UP, cairn_program
from pty_term import FRAME_END

PAUSE = 0.010  # between an echo and the next key


@dataclass
class LoadCosts:
    echo: Sample = field(default_factory=Sample)  # key -> echo, from the first frame until loaded
    loaded_after: float = 0.0  # seconds from the first frame until the whole list showed
    peak_mb: float = 0.0  # VmHWM once loaded and settled


def measure(db: Path, total: int) -> LoadCosts:
    """On a bench database, whose newest contracts (the list's first rows) are the plans of
    1,000 and 400 milestones."""
    costs = LoadCosts()
    loaded = re.compile(rb"\d+ of %d\b" % total)
    rows = (b"Bench plan 1000", b"Bench plan 400")
    app = cairn_program(db)
    try:
        app.wait_for(rows[1])
        app.wait_for(FRAME_END)
        shown = time.perf_counter()
        cursor_style = app.line_style(app.line_with(rows[0]))
        if cursor_style is None or cursor_style == app.line_style(app.line_with(rows[1])):
            raise SystemExit(f"cannot tell the cursor's row from the others: {app.lines}")
        done_at = None
        at = 0
        while done_at is None or time.perf_counter() - done_at < 0.5:
            target, other = rows[1 - at], rows[at]

            def echoed(_got: bytes, target=target, other=other) -> bool:
                return (app.line_style(app.line_with(target)) == cursor_style
                        and app.line_style(app.line_with(other)) != cursor_style)

            seconds, _ = app.key_until_frame(DOWN if at == 0 else UP, echoed, settle=0, timeout=60,
                                             what="the cursor's move")
            costs.echo.add(seconds)
            at = 1 - at
            if done_at is None and loaded.search(app.output):
                done_at = time.perf_counter()
                costs.loaded_after = done_at - shown
            app.read_for(PAUSE)
        app.settle(1.0)
        costs.peak_mb = app.peak_rss_kb() / 1024
    finally:
        app.close()
    return costs
