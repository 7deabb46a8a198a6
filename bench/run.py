"""Cairn's field benchmark: builds a 10,000-contract database and prints a table.

    .venv/bin/python bench/run.py [--contracts 10000] [--runs 9] [--keys 200]

Measured outside the process, as a user's terminal sees it:
- time to first useful frame: process start until the contract list shows contracts, read
  with tmux capture-pane, beside a bare Textual app (Header, Static, Footer) in the same run
  (Cairn's modules byte-compiled first, as Textual's are);
- keypress to screen (95th percentile): cursor down in the contract list, opening a contract,
  moving a milestone (including its durable commit), in a real pty;
- bytes written to the terminal per cursor move in the contract list;
- peak memory (VmHWM) of the app with the database open.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from pty_term import PtyProgram  # noqa: E402

PY = sys.executable
CAIRN = [PY, "-m", "cairn"]
BARE = [PY, str(HERE / "bare_app.py")]
DOWN, UP = b"\x1b[B", b"\x1b[A"
ENTER, ESC = b"\r", b"\x1b"
SHIFT_DOWN, SHIFT_UP = b"\x1b[1;2B", b"\x1b[1;2A"
ENV = {"TZ": "UTC", "TEXTUAL_ANIMATIONS": "none"}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def build(db: Path, contracts: int) -> float:
    if db.exists():
        return 0.0
    db.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    subprocess.run([*CAIRN, "demo", "--db", str(db), "--contracts", str(contracts)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def first_frame_tmux(argv: list[str], needles: list[str], *, cols=120, rows=36, timeout=30.0) -> float:
    """Seconds from starting the command in tmux until one of ``needles`` is on the screen."""
    name = f"bench{time.monotonic_ns()}"
    env = " ".join(f"{k}={v}" for k, v in ENV.items())
    cmd = f"cd {ROOT} && env {env} " + " ".join(argv)
    t0 = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-x", str(cols), "-y", str(rows), "-s", name, cmd], check=True)
    try:
        while time.perf_counter() - t0 < timeout:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                                    text=True).stdout
            if any(n in screen for n in needles):
                return time.perf_counter() - t0
        raise TimeoutError(f"none of {needles[:3]} appeared: {screen[-500:]}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], stderr=subprocess.DEVNULL)


def titles(db: Path, n: int = 40) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0][:12] for r in conn.execute("select title from contract order by id desc limit ?", (n,))]
    finally:
        conn.close()


# After moving the last milestone up, the board shows the draft; moving it back empties it.
MOVE_NEEDLES = (b"your draft", b"Plan")


def movable_contract(db: Path) -> tuple[int, str]:
    """The row index (in the list's default order: open, not archived, newest first) of a
    contract that has at least three future milestones and no draft."""
    conn = sqlite3.connect(db)
    try:
        ids = [r[0] for r in conn.execute(
            "select id from contract where status = 'open' and archived = 0 order by id desc")]
        for index, cid in enumerate(ids[:300]):
            futures = conn.execute("select count(*) from milestone where contract_id = ? and state = 'future'",
                                   (cid,)).fetchone()[0]
            drafts = conn.execute("select count(*) from plan_draft where contract_id = ?", (cid,)).fetchone()[0]
            if futures >= 3 and not drafts:
                title = conn.execute("select title from contract where id = ?", (cid,)).fetchone()[0]
                return index, title
        raise SystemExit("no contract with three future milestones near the top of the list")
    finally:
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contracts", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--keys", type=int, default=200, help="cursor moves to time")
    args = ap.parse_args()
    db = HERE / "out" / f"bench-{args.contracts}.db"
    # Byte-compile Cairn's own modules first, as an installed package is: the bare app's
    # Textual comes compiled from its wheel, and with PYTHONDONTWRITEBYTECODE set (as on these
    # machines) an editable checkout would otherwise be compiled from source on every start.
    subprocess.run([PY, "-m", "compileall", "-q", "cairn", "storage", "tui"], check=True, cwd=ROOT)
    built = build(db, args.contracts)
    if built:
        print(f"built {db.relative_to(ROOT)} with cairn demo --contracts {args.contracts} in {built:.1f} s")
    needles = titles(db)
    # A session that outlives every measured one, so tmux's server never exits mid-run.
    subprocess.run(["tmux", "new-session", "-d", "-s", "bench-anchor", "sleep 3600"], check=False)

    # 1. Time to first useful frame, alternating runs so both see the same machine load.
    cairn_ff, bare_ff = [], []
    for _ in range(args.runs):
        bare_ff.append(first_frame_tmux(BARE, ["BARE APP READY"]))
        cairn_ff.append(first_frame_tmux([*CAIRN, "--db", str(db)], needles))
    ff_cairn, ff_bare = statistics.median(cairn_ff), statistics.median(bare_ff)

    # 2-4. Keys, bytes and memory in a real pty.
    index, title = movable_contract(db)
    app = PtyProgram([*CAIRN, "--db", str(db)], env=ENV)
    try:
        app.wait_for(needles[0].encode())
        app.settle(2.0)  # the full list and the timers load after the first frame
        moves, sizes = [], []
        for i in range(args.keys):
            seconds, size = app.key(DOWN if (i // 50) % 2 == 0 else UP)
            moves.append(seconds)
            sizes.append(size)
        opens = []
        for _ in range(20):
            seconds, _ = app.key_until(ENTER, b"Acting as")
            opens.append(seconds)
            app.key_until(ESC, b"Earnings")
            app.key(DOWN)
        # A contract whose last milestones are future ones: move the last one up and down.
        for _ in range(120):
            app.tap(UP)
        for _ in range(index):
            app.tap(DOWN)
        app.key_until(ENTER, b"Acting as")
        app.settle(0.5)
        for _ in range(15):
            app.tap(DOWN)
        move = []
        for i in range(30):
            seconds, _ = app.key_until(SHIFT_UP if i % 2 == 0 else SHIFT_DOWN, MOVE_NEEDLES[i % 2])
            move.append(seconds)
        peak_mb = app.peak_rss_kb() / 1024
    finally:
        app.close()

    rows = [
        ("time to first useful frame (median)", f"{ff_cairn * 1000:.0f} ms",
         f"bare Textual app {ff_bare * 1000:.0f} ms; ratio {ff_cairn / ff_bare:.2f}x", "<= 1.5x bare",
         ff_cairn / ff_bare <= 1.5),
        ("cursor move in the list (p95)", f"{p95(moves) * 1000:.1f} ms", f"median {statistics.median(moves) * 1000:.1f} ms",
         "16 ms", p95(moves) <= 0.016),
        ("open a contract (p95)", f"{p95(opens) * 1000:.1f} ms", f"median {statistics.median(opens) * 1000:.1f} ms",
         "100 ms", p95(opens) <= 0.100),
        ("move a milestone, committed (p95)", f"{p95(move) * 1000:.1f} ms",
         f"median {statistics.median(move) * 1000:.1f} ms", "50 ms", p95(move) <= 0.050),
        ("bytes per cursor move (p95)", f"{p95(sizes):.0f} B", f"median {statistics.median(sizes):.0f} B",
         "< 1 KB", p95(sizes) < 1024),
        ("peak memory", f"{peak_mb:.0f} MB", "VmHWM of the app process", "< 150 MB", peak_mb < 150),
    ]
    print(f"\nCairn field benchmark: {args.contracts:,} contracts, {args.runs} start-ups, {args.keys} cursor moves")
    print(f"{'measure':38} {'result':>10}  {'target':>13}  ok   detail")
    for name, value, detail, target, ok in rows:
        print(f"{name:38} {value:>10}  {target:>13}  {'yes' if ok else 'NO ':3}  {detail}")
    subprocess.run(["tmux", "kill-session", "-t", "bench-anchor"], stderr=subprocess.DEVNULL)
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
