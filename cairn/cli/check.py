"""``cairn check``: SQLite's integrity check and every ledger invariant."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cairn.cli.common import EXIT_PROBLEMS, db_option, db_path_of, echo, open_existing
from cairn.cli.group import cli


@cli.command("check")
@db_option
@click.pass_context
def check_(ctx: click.Context, db_path: Path | None) -> None:
    """SQLite's integrity check and every ledger invariant (P4, M4, R3); exit 1 on any problem."""
    from cairn.storage.queries import check

    path = db_path_of(ctx, db_path)
    with open_existing(path) as db:
        problems = check.problems(db)
        totals = check.totals(db) if not problems else {}
    if problems:
        if problems[0].startswith(check.UNREADABLE):  # the file itself: said as every command says it
            from cairn.storage.files import damaged

            echo(f"cairn: {damaged(path, problems[0].split(': ', 1)[-1])}", err=True)
        echo(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} found:")
        for p in problems:
            echo(f"  - {p}")
        sys.exit(EXIT_PROBLEMS)
    echo(f"OK {path}: integrity ok; {totals['contract']:,} contracts, {totals['milestone']:,} milestones, "
               f"{totals['ledger_entry']:,} ledger entries and {totals['event']:,} events pass every ledger and state check.")
