"""The command line's costs, each a process of its own as a user (or a cron job) runs it:

- ``cairn report`` and ``cairn due``, interleaved run by run with ``cairn --help`` (the floor of
  any command: Python, click and Cairn's command table);
- ``cairn export --format json``, ``--format csv`` and ``cairn import``: peak memory (VmHWM of
  the process, from wait4), and the import's time against its floor (bench/import_floor.py:
  ``json.load`` of the same file plus one transaction inserting every row), interleaved.

Output goes to /dev/null (``due`` prints every deadline; the terminal's own drawing is not
Cairn's cost). The environment is the keys' (TZ=UTC).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from databases import PY, ROOT
from figures import Sample
from keys import ENV

CAIRN = [PY, "-m", "cairn"]


@dataclass
class Run:
    seconds: float
    peak_mb: float


def run(argv: list[str], *, stdout=subprocess.DEVNULL) -> Run:
    """One process: its wall time and peak resident memory."""
    env = {**os.environ, **ENV}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv[2:])} failed: {err[-500:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


@dataclass
class CliCosts:
    help: Sample = field(default_factory=Sample)
    report: Sample = field(default_factory=Sample)
    due: Sample = field(default_factory=Sample)


def measure_cli(db: Path, runs: int) -> CliCosts:
    """``report`` and ``due`` beside ``--help``, interleaved; one warm-up round first (and it
    applies whatever timers are due, as the user's first command of the day would)."""
    costs = CliCosts()
    commands = {"help": [*CAIRN, "--help"], "report": [*CAIRN, "report", "--db", str(db)],
                "due": [*CAIRN, "due", "--db", str(db)]}
    for argv in commands.values():
        run(argv)
    for _ in range(runs):
        for name, argv in commands.items():
            getattr(costs, name).add(run(argv).seconds)
    return costs


@dataclass
class ExchangeCosts:
    export_json_mb: float = 0.0
    export_csv_mb: float = 0.0
    import_mb: float = 0.0
    file_mb: float = 0.0
    import_s: Sample = field(default_factory=Sample)
    floor_s: Sample = field(default_factory=Sample)
    floor_mb: float = 0.0


def measure_exchange(db: Path, runs: int) -> ExchangeCosts:
    """Export the database as JSON and CSV (peak memory), then import the JSON into new files,
    interleaved with the floor (time; the last import's peak memory)."""
    costs = ExchangeCosts()
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        out = Path(tmp)
        dump = out / "export.json"
        costs.export_json_mb = run([*CAIRN, "export", "--db", str(db), "--format", "json", "-o", str(dump)]).peak_mb
        costs.export_csv_mb = run([*CAIRN, "export", "--db", str(db), "--format", "csv",
                                   "-o", str(out / "export.csv")]).peak_mb
        costs.file_mb = dump.stat().st_size / 1e6
        for i in range(runs):
            target, floor = out / f"import-{i}.db", out / f"floor-{i}.db"
            f = run([PY, str(ROOT / "bench" / "import_floor.py"), str(dump), str(floor)])
            costs.floor_s.add(f.seconds)
            costs.floor_mb = max(costs.floor_mb, f.peak_mb)
            r = run([*CAIRN, "import", "--db", str(target), str(dump)])
            costs.import_s.add(r.seconds)
            costs.import_mb = max(costs.import_mb, r.peak_mb)
            for path in out.glob(f"*-{i}.db*"):
                path.unlink()
    return costs
