"""The benchmark's databases, all under bench/out/ (git-ignored).

``bench-N.db`` is ``cairn demo --contracts N`` plus three contracts whose plans have 12, 400 and
1,000 future milestones ("Bench plan 12" ...), made last so they are the newest (the top of the
list, 1,000 first).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = sys.executable
PLAN_SIZES = (12, 400, 1000)
# Every program measured runs in this environment. The machine's own Cairn settings stay out: a
# theme chosen in the palette is written to the user's config file, and a theme set at start-up
# made the first frame re-parse every stylesheet, so the figures depended on whoever last ran
# Cairn here. ``CAIRN_CONFIG`` and ``CAIRN_THEME`` set empty are unset for Cairn (every database
# is named with --db).
HOME = OUT / "home"
ENV = {"TZ": "UTC", "TEXTUAL_ANIMATIONS": "none", "XDG_CONFIG_HOME": str(HOME / "config"),
       "XDG_DATA_HOME": str(HOME / "data"), "XDG_STATE_HOME": str(HOME / "state"), "CAIRN_CONFIG": "",
       "CAIRN_THEME": ""}


@dataclass
class Built:
    seconds: float
    peak_mb: float


def path_for(contracts: int) -> Path:
    return OUT / f"bench-{contracts}.db"


def build_demo(db: Path, contracts: int) -> Built:
    """``cairn demo --contracts N`` into a new file: its wall time and peak memory (VmHWM)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "cairn", "demo", "--db", str(db), "--contracts", str(contracts)],
                            cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"cairn demo --contracts {contracts} failed ({proc.returncode})")
    return Built(time.perf_counter() - started, usage.ru_maxrss / 1024)


_ADD_PLANS = """
import sys
from cairn.storage import api
db = api.Database.open(sys.argv[1])
clock = api.SystemClock()
for n in map(int, sys.argv[2:]):
    api.create_contract(db, title=f"Bench plan {n}", client_name="Bench", clock=clock,
                        milestones=[api.MilestoneIn(f"Step {i}", 10000) for i in range(1, n + 1)])
db.close()
"""


def ensure(contracts: int, *, rebuild: bool = False) -> tuple[Path, Built | None]:
    """The database for ``contracts``, built if missing (or asked to), with its plan contracts
    and none of their drafts (a run stopped half-way leaves one)."""
    db = path_for(contracts)
    built = build_demo(db, contracts) if rebuild or not db.exists() else None
    conn = sqlite3.connect(db)
    try:
        have = {r[0] for r in conn.execute("select title from contract where client_name = 'Bench'")}
        missing = [n for n in PLAN_SIZES if f"Bench plan {n}" not in have]
        conn.execute("""delete from plan_item where draft_id in (select d.id from plan_draft d
                        join contract c on c.id = d.contract_id where c.client_name = 'Bench')""")
        conn.execute("""delete from plan_draft where contract_id in
                        (select id from contract where client_name = 'Bench')""")
        conn.commit()
    finally:
        conn.close()
    if missing and len(missing) != len(PLAN_SIZES):
        raise SystemExit(f"{db} has some of the plan contracts only; delete it to rebuild")
    if missing:
        subprocess.run([PY, "-c", _ADD_PLANS, str(db), *map(str, PLAN_SIZES)], cwd=ROOT, check=True)
    return db, built


def count(db: Path, sql: str, *args) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def newest_titles(db: Path, n: int = 40) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0][:12] for r in conn.execute("select title from contract order by id desc limit ?", (n,))]
    finally:
        conn.close()
