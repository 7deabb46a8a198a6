"""Cairn's field benchmark: every cost beside a baseline measured in the same run, and its target.

    .venv/bin/python bench/run.py            # the targets: keys at 10k, loading and memory at 100k
    .venv/bin/python bench/run.py --scale    # every cost at 1k, 10k and 100k, and how it grows
    .venv/bin/python bench/run.py --reuse    # keep bench/out/bench-100000.db (no `cairn demo` figure)

Measured outside the process, as a user's terminal sees it (the machine is shared and noisy, so
costs are ratios to baselines measured interleaved with them; medians with the middle half
[p25–p75] and the p95):
- time to first useful frame, beside a bare Textual app (Header, Static, Footer);
- keys, interleaved key by key with a bare Textual app holding a 10,000-row table where Enter
  pushes a small screen (bench/bare_app.py --table): cursor move against its cursor move (before
  any board was opened, and again once boards are made ready behind the list); open a
  contract, and move a milestone (durable commit included) in plans of 12, 400 and 1,000
  milestones, against its screen push;
- while the full list loads: the longest a key waited for its echo (bench/loading.py);
- the full list's build against its summary SQL alone (bench/list_cost.py);
- peak memory (VmHWM) of the dashboard with the list loaded, and of `cairn demo`;
- `cairn report` and `cairn due` against `cairn --help`, interleaved (bench/commands.py);
- `cairn export` (JSON, CSV) and `cairn import`: peak memory, and the import against its floor
  (bench/import_floor.py: json load plus one insert transaction), interleaved;
- bytes over SSH at 80x24 (bench/ssh_bytes.py): opening a board, a board dialog, help and the
  new-contract form, each one frame under 12 KB; nothing written while idle in a field (the
  cursor does not blink); mouse reporting of clicks and drags only (``--only bytes``).
The databases are built under bench/out/ (bench/databases.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import commands  # noqa: E402
import databases  # noqa: E402
import keys  # noqa: E402
import loading  # noqa: E402
import ssh_bytes  # noqa: E402
import startup  # noqa: E402
from figures import Figure, Sample, growth, print_table, ratio_figure  # noqa: E402

PY, ROOT = databases.PY, databases.ROOT
TARGET = {"first_frame": 1.5, "cursor": 1.0, "open": 1.2, "move": 1.5, "move_growth": 3.0, "gap_ms": 50,
          "list": 3.0, "memory_mb": 200, "demo_mb": 300, "command": 3.0, "exchange_mb": 200, "import": 2.0}


@dataclass
class Measured:
    """Everything measured on one database."""

    contracts: int
    built: databases.Built | None = None
    first_frame: tuple[Sample, Sample] | None = None
    keys: keys.KeyCosts | None = None
    load: loading.LoadCosts | None = None
    list_cost: dict[str, Sample] = field(default_factory=dict)
    cli: commands.CliCosts | None = None
    exchange: commands.ExchangeCosts | None = None


def list_cost(db, runs: int) -> dict[str, Sample]:
    out = subprocess.run([PY, str(ROOT / "bench" / "list_cost.py"), str(db), str(runs)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return {name: Sample(values) for name, values in json.loads(out).items()}


def measure(contracts: int, args, *, what: set[str], rebuild: bool) -> Measured:
    db, built = databases.ensure(contracts, rebuild=rebuild)
    if built:
        print(f"built {db.relative_to(ROOT)}: cairn demo --contracts {contracts} in {built.seconds:.1f} s, "
              f"peak {built.peak_mb:.0f} MB", flush=True)
    m = Measured(contracts, built)
    needles = databases.newest_titles(db)
    if "first_frame" in what:
        m.first_frame = startup.measure(db, needles, args.runs)
        print(f"{contracts:,}: first frame measured", flush=True)
    if "keys" in what:
        m.keys = keys.measure(db, needles[0], cursor_moves=args.keys, opens=args.opens, moves=args.moves)
        print(f"{contracts:,}: keys measured", flush=True)
    if "load" in what:
        total = databases.count(db, "select count(*) from contract")
        m.load = loading.measure(db, total)
        print(f"{contracts:,}: loading measured", flush=True)
    if "list" in what:
        m.list_cost = list_cost(db, args.list_runs)
        print(f"{contracts:,}: list build measured", flush=True)
    if "cli" in what:
        m.cli = commands.measure_cli(db, args.cli_runs)
        print(f"{contracts:,}: report and due measured", flush=True)
    if "exchange" in what:
        m.exchange = commands.measure_exchange(db, args.import_runs)
        print(f"{contracts:,}: export and import measured", flush=True)
    return m


def figures(m: Measured) -> list[Figure]:
    out: list[Figure] = []
    at = f" at {m.contracts // 1000}k"
    if m.first_frame:
        cairn, bare = m.first_frame
        out.append(ratio_figure("first useful frame" + at, cairn, bare, "bare app", TARGET["first_frame"]))
    if m.keys:
        k = m.keys
        out.append(ratio_figure("cursor move" + at, k.cursor, k.bare_cursor, "bare cursor move", TARGET["cursor"]))
        if k.cursor_ahead.values:
            out.append(ratio_figure("cursor move, boards made ready" + at, k.cursor_ahead, k.bare_cursor_ahead,
                                    "bare cursor move", TARGET["cursor"]))
        out.append(ratio_figure("open a contract" + at, k.open, k.bare_push, "bare screen push", TARGET["open"]))
        for n in sorted(k.move):
            out.append(ratio_figure(f"move a milestone, {n} in plan", k.move[n], k.bare_push_for_move[n],
                                    "bare screen push", TARGET["move"]))
        small, big = min(k.move), max(k.move)
        grows = k.move[big].median / k.move[small].median
        out.append(Figure(f"move at {big} / move at {small}", f"{grows:.2f}x", target=f"<= {TARGET['move_growth']:g}x",
                          ok=grows <= TARGET["move_growth"]))
        for n in sorted(k.open_plan):
            out.append(Figure(f"open a plan of {n}", f"{k.open_plan[n].median * 1000:.0f} ms",
                              detail=f"one open; bare screen push median {k.bare_push.median * 1000:.1f} ms"))
        out.append(Figure("bytes per cursor move" + at, f"{k.bytes_per_move.median:.0f} B",
                          detail=f"p95 {k.bytes_per_move.p95:.0f} B"))
        out.append(Figure("peak memory after the keys" + at, f"{k.peak_mb:.0f} MB", detail="VmHWM"))
    if m.load:
        gap = m.load.echo.values and max(m.load.echo.values) * 1000
        out.append(Figure("longest key wait while loading" + at, f"{gap:.0f} ms", target=f"<= {TARGET['gap_ms']} ms",
                          ok=gap <= TARGET["gap_ms"],
                          detail=f"{m.load.echo.spread_ms()}; list in {m.load.loaded_after:.2f} s after the first frame"))
        out.append(Figure("dashboard peak memory, list loaded" + at, f"{m.load.peak_mb:.0f} MB",
                          target=f"< {TARGET['memory_mb']} MB", ok=m.load.peak_mb < TARGET["memory_mb"],
                          detail="VmHWM"))
    if m.list_cost:
        build, sql = m.list_cost["build"], m.list_cost["sql"]
        out.append(Figure("full list build" + at, f"{build.median / sql.median:.2f}x", f"summary SQL alone {sql.spread_ms()}",
                          f"<= {TARGET['list']:g}x", build.median / sql.median <= TARGET["list"], build.spread_ms()))
    if m.cli:
        for name in ("report", "due"):
            out.append(ratio_figure(f"cairn {name}" + at, getattr(m.cli, name), m.cli.help, "cairn --help",
                                    TARGET["command"]))
    if m.exchange:
        x = m.exchange
        for name, mb in (("export --format json", x.export_json_mb), ("export --format csv", x.export_csv_mb),
                         ("import", x.import_mb)):
            out.append(Figure(f"cairn {name} peak memory" + at, f"{mb:.0f} MB", target=f"< {TARGET['exchange_mb']} MB",
                              ok=mb < TARGET["exchange_mb"], detail=f"VmHWM; the export is {x.file_mb:.0f} MB"))
        out.append(ratio_figure("cairn import" + at, x.import_s, x.floor_s, "its floor (json load + one insert "
                                f"transaction, peak {x.floor_mb:.0f} MB)", TARGET["import"]))
    if m.built:
        out.append(Figure(f"cairn demo --contracts {m.contracts}", f"{m.built.peak_mb:.0f} MB",
                          target=f"< {TARGET['demo_mb']} MB", ok=m.built.peak_mb < TARGET["demo_mb"],
                          detail=f"peak (ru_maxrss); {m.built.seconds:.1f} s"))
    return out


def growth_table(all_measured: list[Measured]) -> None:
    """Each cost at every size, and how it grows."""
    rows: list[tuple[str, dict[int, float], str]] = []

    def add(name: str, unit: str, pick) -> None:
        values = {}
        for m in all_measured:
            with contextlib.suppress(AttributeError, KeyError, TypeError, ZeroDivisionError, ValueError):
                values[m.contracts] = pick(m)  # not measured at this size
        if values:
            rows.append((name, values, unit))

    add("first frame / bare", "x", lambda m: m.first_frame[0].median / m.first_frame[1].median)
    add("cursor move", "ms", lambda m: m.keys.cursor.median * 1000)
    add("open a contract", "ms", lambda m: m.keys.open.median * 1000)
    for n in databases.PLAN_SIZES:
        add(f"open a plan of {n}", "ms", lambda m, n=n: m.keys.open_plan[n].median * 1000)
        add(f"move in a plan of {n}", "ms", lambda m, n=n: m.keys.move[n].median * 1000)
    add("bare screen push", "ms", lambda m: m.keys.bare_push.median * 1000)
    add("longest key wait, loading", "ms", lambda m: max(m.load.echo.values) * 1000)
    add("list loaded after first frame", "s", lambda m: m.load.loaded_after)
    add("list summary SQL", "s", lambda m: m.list_cost["sql"].median)
    add("list build", "s", lambda m: m.list_cost["build"].median)
    add("dashboard memory, loaded", "MB", lambda m: m.load.peak_mb)
    add("cairn --help", "s", lambda m: m.cli.help.median)
    add("cairn report", "s", lambda m: m.cli.report.median)
    add("cairn due", "s", lambda m: m.cli.due.median)
    add("export json peak memory", "MB", lambda m: m.exchange.export_json_mb)
    add("export csv peak memory", "MB", lambda m: m.exchange.export_csv_mb)
    add("import peak memory", "MB", lambda m: m.exchange.import_mb)
    add("import", "s", lambda m: m.exchange.import_s.median)
    add("import floor", "s", lambda m: m.exchange.floor_s.median)
    add("cairn demo peak memory", "MB", lambda m: m.built.peak_mb)
    add("cairn demo time", "s", lambda m: m.built.seconds)
    sizes = [m.contracts for m in all_measured]
    print("\nHow each cost grows with the number of contracts")
    print(f"{'cost':32}" + "".join(f"{f'{s // 1000}k':>10}" for s in sizes) + "  growth")
    for name, values, unit in rows:
        cells = "".join(f"{values[s]:>8.{1 if unit in ('s', 'x') else 0}f}{unit:2}" if s in values else f"{'':>10}"
                        for s in sizes)
        print(f"{name:32}{cells}  {growth(values)}")
    print("\nHow a move grows with the plan's length (at each size)")
    for m in all_measured:
        if m.keys:
            moves = {n: s.median for n, s in m.keys.move.items()}
            print(f"{m.contracts // 1000}k: " + ", ".join(f"{n}: {v * 1000:.0f} ms" for n, v in sorted(moves.items()))
                  + f"  -> {growth(moves)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contracts", type=int, default=10_000, help="database for the keys")
    ap.add_argument("--big", type=int, default=100_000, help="database for loading, list build and memory")
    ap.add_argument("--scale", action="store_true", help="every cost at 1k, 10k and 100k contracts")
    ap.add_argument("--reuse", action="store_true", help="keep an existing big database (no demo figure)")
    # 15, not 9: a median of 9 start-ups of either app moved by a tenth from run to run on these
    # shared machines (the bare app's 234-296 ms), and the ratio with it.
    ap.add_argument("--runs", type=int, default=15, help="start-ups to time")
    ap.add_argument("--keys", type=int, default=100, help="cursor moves to time")
    ap.add_argument("--opens", type=int, default=20, help="contracts to open")
    ap.add_argument("--moves", type=int, default=15, help="milestone moves each way, per plan")
    ap.add_argument("--list-runs", type=int, default=5, help="full list builds to time")
    ap.add_argument("--cli-runs", type=int, default=15, help="runs of report, due and --help each")
    ap.add_argument("--import-runs", type=int, default=3, help="imports (and floors) to time")
    ap.add_argument("--bytes-runs", type=int, default=5, help="terminals to count the bytes written in")
    ap.add_argument("--only", default="", help="comma-separated parts to measure: first_frame, keys, load, list, "
                    "cli, exchange, demo, bytes (default: all)")
    args = ap.parse_args()
    # Byte-compile Cairn's own modules first, as an installed package is: the bare app's
    # Textual comes compiled from its wheel, and with PYTHONDONTWRITEBYTECODE set (as on these
    # machines) an editable checkout would otherwise be compiled from source on every start.
    subprocess.run([PY, "-m", "compileall", "-q", "cairn", "storage", "tui"], check=True, cwd=ROOT)
    # A session that outlives every measured one, so tmux's server never exits mid-run.
    anchor = f"bench-anchor-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", anchor, "sleep 3600"], check=False)
    try:
        only = set(filter(None, args.only.split(","))) or None
        if only == {"bytes"}:
            measured = []
        elif args.scale:
            every_part = {"first_frame", "keys", "load", "list", "cli", "exchange"}
            measured = [measure(n, args, what=every_part & (only or every_part), rebuild=True)
                        for n in (1_000, 10_000, 100_000)]
        else:
            small, big = {"first_frame", "keys", "cli"}, {"load", "list", "exchange"}
            measured = [measure(args.contracts, args, what=small & (only or small), rebuild=False),
                        measure(args.big, args, what=big & (only or big), rebuild=not args.reuse and
                                (only is None or "demo" in only))]
    finally:
        subprocess.run(["tmux", "kill-session", "-t", anchor], stderr=subprocess.DEVNULL)
    every = []
    for m in measured:
        every += figures(m)
    if only is None or "bytes" in only:
        every += [Figure(name, value, target=target, ok=ok, detail=detail)
                  for name, value, target, ok, detail in ssh_bytes.figures(ssh_bytes.run(args.bytes_runs))]
    print_table("Cairn field benchmark (ratios: median over the baseline's median, same run)", every)
    if args.scale:
        growth_table(measured)
    command = " ".join(["bench/run.py", *sys.argv[1:]])
    print(f"\ncommand: .venv/bin/python {command}")
    return 0 if all(f.ok is not False for f in every) else 1


if __name__ == "__main__":
    sys.exit(main())
