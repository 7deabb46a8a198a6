"""``cairn demo``: a realistic demo database, dates relative to now."""

from __future__ import annotations

from pathlib import Path

import click

from cairn.cli.common import CliError, State, db_option, db_path_of, echo, open_database
from cairn.cli.group import cli


@cli.command()
@db_option
@click.option("--contracts", type=click.IntRange(0, 1_000_000), default=0, show_default=True,
              help="Also add this many synthetic contracts (3-12 milestones each), for scale.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed for the synthetic contracts.")
@click.option("--force", is_flag=True, help="Replace a database that already holds contracts.")
@click.pass_context
def demo(ctx: click.Context, db_path: Path | None, contracts: int, seed: int, force: bool) -> None:
    """Write a realistic demo database, with dates relative to now."""
    from cairn.storage import demo as demo_data
    from cairn.storage.exchange.json_dump import is_empty

    path = db_path_of(ctx, db_path)
    db = open_database(path)
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
    echo(f"Demo database {path}: {summary.contracts} contracts{extra} in {summary.seconds:.1f}s. "
               f"Open it with: {opener}")
