"""``cairn backup``: a consistent, checked copy of the database, even while the dashboard runs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cairn.cli.common import EXIT_PROBLEMS, State, db_option, db_path_of, echo
from cairn.cli.group import cli


@cli.command("backup")
@db_option
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE", help="Write the copy here (a new file). Without it: backups/ in the user data "
              "directory, keeping the newest N (the config's 'backups', default 7).")
@click.pass_context
def backup_(ctx: click.Context, db_path: Path | None, output: Path | None) -> None:
    """Copy the database consistently (SQLite's VACUUM INTO) and check the copy as 'cairn check' does."""
    from cairn.storage.backup import BackupFailed, backup, default_target, rotate

    state = ctx.find_object(State)
    source = db_path_of(ctx, db_path)
    target = output.expanduser() if output else default_target(source, state.clock.now())
    if not output and target.exists():  # two backups in one second: keep both
        target = target.with_name(f"{target.stem}-2{target.suffix}")
    try:
        done = backup(source, target)
    except BackupFailed as failed:
        echo(f"cairn: {failed}", err=True)
        for problem in failed.problems:
            echo(f"  - {problem}", err=True)
        sys.exit(EXIT_PROBLEMS)
    removed = () if output else rotate(target.parent, source.stem, state.settings().backups)
    t = done.totals
    echo(f"Backed up {source} to {done.path} ({_size(done.size)}); the copy passes cairn check: "
               f"{t['contract']:,} contracts, {t['milestone']:,} milestones, {t['ledger_entry']:,} ledger entries, "
               f"{t['event']:,} events.")
    if removed:
        echo(f"Removed {len(removed)} older backup{'s' if len(removed) != 1 else ''} "
                   f"(keeping the newest {state.settings().backups}): {', '.join(p.name for p in removed)}")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"
