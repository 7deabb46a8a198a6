"""Time to the first useful frame: process start until the contract list shows contracts, read
back with tmux capture-pane, alternating with the bare Textual app (Header, Static, Footer) so
both see the same machine load."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from databases import PY, ROOT
from figures import Sample
from keys import ENV

BARE = [PY, str(ROOT / "bench" / "bare_app.py")]


def first_frame_tmux(argv: list[str], needles: list[str], *, cols=120, rows=36, timeout=60.0) -> float:
    """Seconds from starting the command in tmux until one of ``needles`` is on the screen."""
    name = f"bench{time.monotonic_ns()}"
    env = " ".join(f"{k}={v}" for k, v in ENV.items())
    cmd = f"cd {ROOT} && env {env} " + " ".join(argv)
    t0 = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-x", str(cols), "-y", str(rows), "-s", name, cmd], check=True)
    screen = ""
    try:
        while time.perf_counter() - t0 < timeout:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                                    text=True).stdout
            if any(n in screen for n in needles):
                return time.perf_counter() - t0
        raise TimeoutError(f"none of {needles[:3]} appeared: {screen[-500:]}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], stderr=subprocess.DEVNULL)


def measure(db: Path, needles: list[str], runs: int) -> tuple[Sample, Sample]:
    """(Cairn, bare app) first-frame times, alternating runs."""
    cairn, bare = Sample(), Sample()
    for _ in range(runs):
        bare.add(first_frame_tmux(BARE, ["BARE APP READY"]))
        cairn.add(first_frame_tmux([PY, "-m", "cairn", "--db", str(db)], needles))
    return cairn, bare
