"""What Cairn writes to a terminal at 80x24, as an SSH link carries it (issue 11 §4):

    .venv/bin/python bench/ssh_bytes.py [--runs 9]

- bytes to open a board (Enter on a contract), to open a dialog (? help, n the new-contract
  form), and frames each takes (synchronized updates): one paint each, under 12 KB;
- the mouse modes asked for: clicks and drags (1000, 1002), never any motion (1003);
- bytes written in 2 s of idle with a text field focused: the cursor does not blink.

The demo database (``cairn demo``) in a temporary folder; each figure is the median of
``--runs`` tries, with the spread. A measurement of its own, beside ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from databases import ENV  # noqa: E402
from pty_term import PtyProgram  # noqa: E402

PY = sys.executable
CAIRN = [PY, "-m", "cairn"]
ENTER, ESC = b"\r", b"\x1b"
FRAME_END = b"\x1b[?2026l"
TARGET = 12 * 1024


OPENS = ("open a board", "open a board dialog (E)", "open help (?)", "open the new-contract form")


def _opened(app: PtyProgram, key: bytes, needle: bytes) -> tuple[int, int]:
    """Bytes and frames written for ``key`` until the screen it opens stands."""
    app.settle(0.3)
    before = len(app.output)
    app.key_until(key, needle)
    app.settle(0.4)  # everything the key caused, a late second paint included
    painted = bytes(app.output[before:])
    return len(painted), painted.count(FRAME_END)


def measure(db: Path) -> dict[str, object]:
    app = PtyProgram([*CAIRN, "--db", str(db)], cols=80, rows=24, env=ENV)
    try:
        app.wait_for(b"Earnings")
        app.settle(1.5)  # the full list and the first timer pass
        start = bytes(app.output)
        out: dict[str, object] = {
            "mouse_any_motion": b"\x1b[?1003h" in start,
            "mouse_drag": b"\x1b[?1002h" in start,
        }
        out["open a board"] = _opened(app, ENTER, b"Acting as")
        out["open a board dialog (E)"] = _opened(app, b"E", b"End contract")
        app.key_until(ESC, b"Acting as")
        app.key_until(ESC, b"Earnings")
        out["open help (?)"] = _opened(app, b"?", b"Keys:")
        app.key_until(ESC, b"Earnings")
        out["open the new-contract form"] = _opened(app, b"n", b"Payment structure")
        out["idle with a field focused (2 s)"] = len(app.read_for(2.0))
        app.key_until(ESC, b"Earnings")
        return out
    finally:
        app.close()


def figures(runs: list[dict[str, object]]) -> list[tuple[str, str, str, bool, str]]:
    """(measure, result, target, ok, detail) for each figure, over every run."""
    rows = []
    for name in OPENS:
        sizes = [r[name][0] for r in runs]
        frames = [r[name][1] for r in runs]
        ok = statistics.median(sizes) < TARGET and statistics.median(frames) <= 1
        rows.append((f"bytes to {name}, 80x24", f"{statistics.median(sizes) / 1024:.1f} KB", "< 12 KB, 1 frame",
                     ok, f"[{min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f} KB], frames {min(frames)}-{max(frames)}"))
    idle = [r["idle with a field focused (2 s)"] for r in runs]
    rows.append(("bytes idle 2 s, a field focused", f"{statistics.median(idle):.0f} B", "0 B", max(idle) == 0,
                 f"the cursor does not blink (max {max(idle)} B)"))
    motion = any(r["mouse_any_motion"] for r in runs)
    drag = all(r["mouse_drag"] for r in runs)
    rows.append(("mouse reporting asked for", "1002" if drag else "-", "no 1003", drag and not motion,
                 f"clicks and drags only; plain motion {'asked for' if motion else 'not asked for'}"))
    return rows


def run(count: int) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run([*CAIRN, "demo", "--db", str(db)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        return [measure(db) for _ in range(count)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    rows = figures(run(args.runs))
    print(f"\nCairn over SSH at 80x24: {args.runs} runs (median, [min-max])")
    print(f"{'measure':42} {'result':>9}  {'target':>16}  ok   detail")
    for name, value, target, ok, detail in rows:
        print(f"{name:42} {value:>9}  {target:>16}  {'yes' if ok else 'NO ':3}  {detail}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
