"""Opening a screen paints the terminal once (issue 11 §4): in a real pseudo-terminal at 80x24,
each opening writes one synchronized frame, under 12 KB. bench/ssh_bytes.py measures the same
figures; this test fails if Textual's internals that tui/paint_once.py works move, or the extra
paints come back."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.field.helpers import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from pty_term import FRAME_END, PtyProgram  # noqa: E402

pytestmark = pytest.mark.slow


def test_the_internals_paint_once_works_are_there():
    from textual._compositor import Compositor
    from textual.app import App
    from textual.screen import Screen

    assert callable(App._begin_batch) and callable(App._end_batch) and callable(Screen._refresh_layout)
    screen = Screen()
    for name in ("_layout_required", "_repaint_required", "_dirty_widgets", "_compositor"):
        assert hasattr(screen, name), name
    assert hasattr(Compositor(), "_dirty_regions")


def test_the_screen_on_top_is_not_rendered_while_paints_are_held():
    """Textual renders a screen on each layout pass in a batch, then drops the frame: while a
    screen opens, those renders are skipped (the release draws it whole, once)."""
    import asyncio

    from textual.app import App
    from textual.widgets import Static

    from cairn.tui.paint_once import PaintOnce

    class Probe(App):
        def compose(self):
            yield Static("probe")

    async def scenario() -> list[int]:
        rendered: list[int] = []
        app = Probe()
        async with app.run_test():
            app._paint_once = PaintOnce(app)
            compositor = app.screen._compositor
            render = compositor.render_update
            compositor.render_update = lambda *a, **k: rendered.append(1) or render(*a, **k)
            app._paint_once.since = 0.0  # holding
            app.screen._compositor_refresh()
            held = len(rendered)
            app._paint_once.since = None
            app.screen._compositor_refresh()
        return [held, len(rendered)]

    assert asyncio.run(scenario()) == [0, 1]


@pytest.mark.cost(13)
def test_opening_a_board_a_dialog_help_and_the_form_paints_once(tmp_path):
    db = tmp_path / "demo.db"
    subprocess.run([sys.executable, "-m", "cairn", "demo", "--db", str(db)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    app = PtyProgram([sys.executable, "-m", "cairn", "--db", str(db)], cols=80, rows=24,
                     env={"TZ": "UTC", "TEXTUAL_ANIMATIONS": "none", "CAIRN_PAINT_HOLD": "30"})
    try:
        app.wait_for(b"Earnings")
        app.settle(1.0)

        def opened(key: bytes, needle: bytes) -> tuple[int, int]:
            app.settle(0.3)
            before = len(app.output)
            app.key_until(key, needle, timeout=30)
            app.settle(0.5)
            painted = bytes(app.output[before:])
            return len(painted), painted.count(FRAME_END)

        board = opened(b"\r", b"Acting as")
        dialog = opened(b"E", b"End contract")
        app.key_until(b"\x1b", b"Acting as", timeout=30)
        app.key_until(b"\x1b", b"Earnings", timeout=30)
        help_ = opened(b"?", b"Keys:")
        app.key_until(b"\x1b", b"Earnings", timeout=30)
        form = opened(b"n", b"Payment structure")
    finally:
        app.close()
    for name, (size, frames) in {"board": board, "dialog": dialog, "help": help_, "form": form}.items():
        assert frames == 1 and size < 12 * 1024, f"{name}: {frames} frames, {size} bytes"
