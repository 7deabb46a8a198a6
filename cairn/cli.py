"""The ``cairn`` command: the dashboard, and the demo, export, import, due, report and check
subcommands for scripts.

Every failure a user can cause (bad arguments, a missing, unreadable, locked or foreign file, a
refused import) ends in one clear line on stderr and a non-zero exit status, never a traceback:
``CairnGroup.main`` is the one boundary where errors become messages.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from cairn.storage.clock import Clock, FixedClock, SystemClock
from cairn.storage.db import Database, resolve_path
from cairn.storage.errors import DomainError, StorageError

EXIT_PROBLEMS = 1  # check found problems, import refused, a file could not be used
EXIT_USAGE = 2  # click's own status for bad arguments


class CliError(click.ClickException):
    """A refusal worded for the user; shown as one line."""


class CairnGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: D102
        try:
            rv = super().main(args, prog_name or "cairn", complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            path = e.ctx.command_path if e.ctx else "cairn"
            _fail(f"{e.format_message().rstrip('.')}; see '{path} --help'.", e.exit_code)
        except click.ClickException as e:
            _fail(e.format_message(), e.exit_code)
        except (StorageError, DomainError) as e:
            _fail(str(e), EXIT_PROBLEMS)
        except sqlite3.DatabaseError as e:
            _fail(f"the database cannot be used ({e}).", EXIT_PROBLEMS)
        except BrokenPipeError:
            # The reader went away (cairn export | head): stop quietly.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            sys.exit(EXIT_PROBLEMS)
        except OSError as e:
            where = f"{e.filename}: " if e.filename else ""
            _fail(f"{where}{e.strerror or e}.", EXIT_PROBLEMS)
        except (click.Abort, KeyboardInterrupt, EOFError):
            _fail("interrupted.", 130)
        sys.exit(rv if isinstance(rv, int) else 0)


def _fail(message: str, code: int) -> None:
    click.echo(f"cairn: {message}", err=True)
    sys.exit(code)


@dataclass
class State:
    db_path: Path | None
    clock: Clock


def _db_option(f):
    return click.option("--db", "db_path", type=click.Path(path_type=Path), default=None, metavar="PATH",
                        help="Database file (default: $CAIRN_DB, else the user data directory).")(f)


def _path(ctx: click.Context, db_path: Path | None) -> Path:
    return resolve_path(db_path or ctx.find_object(State).db_path)


def _open_existing(path: Path) -> Database:
    if not path.exists():
        raise CliError(f"{path}: no such database; create one with 'cairn demo --db {path}' or open the dashboard.")
    return Database.open(path)


# --- the group ----------------------------------------------------------------------------
@click.group(cls=CairnGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@_db_option
@click.option("--no-mouse", is_flag=True, help="Run the dashboard without mouse support (useful over SSH).")
@click.option("--now", "now", default=None, hidden=True, help="Freeze the clock at this instant (for tests).")
@click.version_option(package_name="cairn", prog_name="cairn")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, no_mouse: bool, now: str | None) -> None:
    """Cairn: fixed-price contracts, milestones and escrow, in your terminal.

    With no command, opens the dashboard on the database.
    """
    clock: Clock = SystemClock()
    if now:
        try:
            clock = FixedClock(now)
        except Exception:  # noqa: BLE001 - pendulum raises several kinds for bad text
            raise click.BadParameter(f"{now!r} is not an instant such as 2026-01-31T09:00:00Z.",
                                     param_hint="'--now'") from None
    ctx.obj = State(db_path, clock)
    if ctx.invoked_subcommand is None:
        path = resolve_path(db_path)
        Database.open(path).close()  # a bad file is refused here, in one line, before the screen opens
        from cairn.tui.app import run

        run(path, mouse=not no_mouse)


# --- demo ---------------------------------------------------------------------------------
@cli.command()
@_db_option
@click.option("--contracts", type=click.IntRange(0, 1_000_000), default=0, show_default=True,
              help="Also add this many synthetic contracts (3-12 milestones each), for scale.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed for the synthetic contracts.")
@click.option("--force", is_flag=True, help="Replace a database that already holds contracts.")
@click.pass_context
def demo(ctx: click.Context, db_path: Path | None, contracts: int, seed: int, force: bool) -> None:
    """Write a realistic demo database, with dates relative to now."""
    from cairn.storage import demo as demo_data
    from cairn.storage.exchange import is_empty

    path = _path(ctx, db_path)
    db = Database.open(path)
    if not is_empty(db):
        if not force:
            db.close()
            raise CliError(f"{path} already holds contracts; add --force to replace it with the demo, "
                           "or choose another file with --db.")
        demo_data.wipe(db)
    try:
        summary = demo_data.build(db, now=ctx.find_object(State).clock.now(), contracts=contracts, seed=seed)
    finally:
        db.close()
    extra = f" and {summary.synthetic:,} synthetic" if summary.synthetic else ""
    opener = f"cairn --db {path}" if (db_path or ctx.find_object(State).db_path) else "cairn"
    click.echo(f"Demo database {path}: {summary.contracts} contracts{extra} in {summary.seconds:.1f}s. "
               f"Open it with: {opener}")


# --- export and import --------------------------------------------------------------------
@cli.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "ics"]), default="json", show_default=True,
              help="json: complete dump for import; csv: one row per milestone; ics: deadlines calendar.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@click.pass_context
def export(ctx: click.Context, db_path: Path | None, fmt: str, output: Path) -> None:
    """Export the database as JSON, CSV or iCalendar."""
    from cairn.storage import exchange

    db = _open_existing(_path(ctx, db_path))
    try:
        if fmt == "json":
            data: bytes = exchange.export_json(db).encode()
        elif fmt == "csv":
            data = exchange.export_csv(db).encode()
        else:
            data = exchange.export_ics(db, ctx.find_object(State).clock)
    finally:
        db.close()
    if str(output) == "-":
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(data.decode())
        sys.stdout.flush()
    else:
        if output.is_dir():
            raise CliError(f"{output} is a folder; give a file name with -o.")
        # Owner-only, like the database: an export holds everything in it.
        tmp = output.with_name(output.name + ".part")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        tmp.replace(output)
        click.echo(f"Exported {fmt.upper()} to {output}.", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@_db_option
@click.pass_context
def import_(ctx: click.Context, file: Path, db_path: Path | None) -> None:
    """Import a JSON export into a new, empty database.

    Everything is checked before anything is written; a refused import lists every problem.
    """
    from cairn.storage import exchange

    if str(file) == "-":
        text = sys.stdin.buffer.read()
    else:
        if file.is_dir():
            raise CliError(f"{file} is a folder, not an export file.")
        if not file.exists():
            raise CliError(f"{file}: no such file.")
        text = file.read_bytes()
    path = _path(ctx, db_path)
    existed = path.exists()
    db = Database.open(path)
    try:
        counts = exchange.import_json(db, text)
    except exchange.ImportRefused as refused:
        click.echo(f"cairn: {refused}", err=True)
        for p in refused.problems:
            click.echo(f"  - {p}", err=True)
        _forget_new(db, path, existed)
        sys.exit(EXIT_PROBLEMS)
    except BaseException:
        _forget_new(db, path, existed)
        raise
    db.close()
    click.echo(f"Imported into {path}: {counts['contract']:,} contracts, {counts['milestone']:,} milestones, "
               f"{counts['ledger_entry']:,} ledger entries, {counts['event']:,} events.")


def _forget_new(db: Database, path: Path, existed: bool) -> None:
    """A refused import leaves no trace: remove the database file it created, if it did."""
    db.close()
    if not existed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- due ----------------------------------------------------------------------------------
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """'12h', '7d', '2w' -> timedelta; anything else is refused."""
    m = re.fullmatch(r"\s*(\d{1,5})\s*([hdw])\s*", text or "", re.IGNORECASE)
    if not m:
        raise ValueError(f"{text!r} is not a duration; use a number and h, d or w, such as 12h, 7d or 2w.")
    return timedelta(**{_UNITS[m.group(2).lower()]: int(m.group(1))})


def _duration_option(ctx, param, value):
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def countdown(at: datetime, now: datetime) -> str:
    """'in 2d 4h', 'in 35m', 'overdue 3d 1h'."""
    delta = at - now
    secs = abs(int(delta.total_seconds()))
    d, rem = divmod(secs, 86_400)
    h, rem = divmod(rem, 3600)
    mins = rem // 60
    if d:
        body = f"{d}d {h}h" if h else f"{d}d"
    elif h:
        body = f"{h}h {mins}m" if mins else f"{h}h"
    else:
        body = f"{mins}m"
    return f"in {body}" if delta.total_seconds() > 0 else f"overdue {body}"


def _apply_timers(db: Database, clock: Clock) -> None:
    """Bring timers (M11, P5, P6) up to now so the answer is current; a read-only file is read as it is."""
    from cairn.storage.api import apply_timers

    with contextlib.suppress(StorageError):
        apply_timers(db, clock)


@cli.command()
@_db_option
@click.option("--within", "within", default=None, metavar="DURATION", callback=_duration_option,
              help="Only deadlines up to this far ahead: 12h, 7d, 2w (overdue ones are always shown).")
@click.pass_context
def due(ctx: click.Context, db_path: Path | None, within: timedelta | None) -> None:
    """Deadlines (G3), soonest first, in local time with the UTC instant."""
    from cairn.storage.read import deadlines

    clock = ctx.find_object(State).clock
    db = _open_existing(_path(ctx, db_path))
    try:
        _apply_timers(db, clock)
        items = deadlines(db, clock)
    finally:
        db.close()
    # Filtered here rather than with deadlines(within=...): see the report on read._now.
    now = datetime.fromtimestamp(clock.now().timestamp(), UTC)
    if within is not None:
        items = [d for d in items if d.at <= now + within]
    if not items:
        span = f" in the next {_human(within)}" if within else ""
        click.echo(f"No deadlines{span}.")
        return
    for d in items:
        local = d.at.astimezone()
        click.echo(f"{local:%Y-%m-%d %H:%M %Z}  ({d.at.astimezone(UTC):%Y-%m-%dT%H:%MZ})  "
                   f"{countdown(d.at, now):<16} {d.contract_title}: {d.label}")


def _human(td: timedelta) -> str:
    secs = int(td.total_seconds())
    if secs % 604_800 == 0:
        n, unit = secs // 604_800, "week"
    elif secs % 86_400 == 0:
        n, unit = secs // 86_400, "day"
    else:
        n, unit = secs // 3600, "hour"
    return f"{n} {unit}{'s' if n != 1 else ''}"


# --- report -------------------------------------------------------------------------------
_HEADINGS = ("Work in progress", "In review", "Pending", "Available")


@cli.command()
@_db_option
@click.option("--per-contract", is_flag=True, help="One row per contract as well as the totals per currency.")
@click.pass_context
def report(ctx: click.Context, db_path: Path | None, per_contract: bool) -> None:
    """Earnings (P8) where you are the freelancer, per currency."""
    from cairn.storage.money import format_amount
    from cairn.storage.read import earnings

    clock = ctx.find_object(State).clock
    db = _open_existing(_path(ctx, db_path))
    try:
        _apply_timers(db, clock)
        totals = earnings(db, clock)
        rows = earnings(db, clock, per_contract=True) if per_contract else []
    finally:
        db.close()
    now = clock.now().astimezone(UTC)
    click.echo(f"Earnings as the freelancer (P8), as of {now.astimezone():%Y-%m-%d %H:%M %Z}")
    if not totals:
        click.echo("No contracts where you are the freelancer.")
        return
    table: list[tuple[str, ...]] = [("", *_HEADINGS)]
    for e in totals:
        table.append((e.currency, *(format_amount(v, e.currency) for v in
                                    (e.work_in_progress, e.in_review, e.pending, e.available))))
    _print_table(table)
    if per_contract:
        click.echo("")
        table = [("Contract", "Currency", *_HEADINGS)]
        for e in rows:
            title = e.contract_title or ""
            title = title if len(title) <= 40 else title[:39] + "…"
            table.append((f"{title} (#{e.contract_id})", e.currency,
                          *(format_amount(v, e.currency) for v in
                            (e.work_in_progress, e.in_review, e.pending, e.available))))
        _print_table(table)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        click.echo("  ".join(cells).rstrip())


# --- check --------------------------------------------------------------------------------
@cli.command("check")
@_db_option
@click.pass_context
def check_(ctx: click.Context, db_path: Path | None) -> None:
    """SQLite's integrity check and every ledger invariant (P4, M4, R3); exit 1 on any problem."""
    from cairn.storage import check

    path = _path(ctx, db_path)
    db = _open_existing(path)
    try:
        problems = check.problems(db)
        totals = check.totals(db) if not problems else {}
    finally:
        db.close()
    if problems:
        click.echo(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} found:")
        for p in problems:
            click.echo(f"  - {p}")
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"OK {path}: integrity ok; {totals['contract']:,} contracts, {totals['milestone']:,} milestones, "
               f"{totals['ledger_entry']:,} ledger entries and {totals['event']:,} events pass P4, M4 and R3.")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cairn")


__all__ = ["cli", "main", "parse_duration", "countdown"]
