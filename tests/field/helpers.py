"""Shared set-up for the field tests: a database with one contract both processes work on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def seed_shared_contract(path: Path, milestones: int = 40) -> int:
    from cairn.storage import api

    db = api.Database.open(path)
    clock = api.SystemClock()
    b = api.create_contract(db, title="Shared", client_name="Both sessions", my_side="client",
                            milestones=[api.MilestoneIn(f"M{i}", "50.00") for i in range(milestones)],
                            clock=clock)
    db.close()
    return b.id


def driver(path: Path, contract: int, worker: str, ops: int, seed: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.field.driver", "--db", str(path), "--contract", str(contract),
         "--worker", worker, "--ops", str(ops), "--seed", str(seed)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def acked(output: str) -> dict[str, str]:
    out = {}
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] == "ACK":
            out[parts[1]] = parts[2]
    return out


def cairn_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cairn", "--db", str(path), "check"], cwd=ROOT,
                          capture_output=True, text=True)


def recorded(path: Path) -> tuple[list[str], list[str]]:
    """Bonus notes and milestone titles as stored: each tag must appear at most once."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        notes = [r[0] for r in conn.execute("select note from ledger_entry where kind = 'bonus'")]
        titles = [r[0] for r in conn.execute("select title from milestone")]
    finally:
        conn.close()
    return notes, titles
