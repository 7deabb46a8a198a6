"""``cairn export`` and ``cairn import``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cairn.cli.common import (
    EXIT_PROBLEMS,
    State,
    db_option,
    db_path_of,
    echo,
    input_file,
    open_database,
    open_existing,
)
from cairn.cli.group import cli
from cairn.storage.db import Database


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "ics"]), default="json", show_default=True,
              help="json: complete dump for import; csv: one row per milestone; ics: deadlines calendar.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@click.pass_context
def export(ctx: click.Context, db_path: Path | None, fmt: str, output: Path) -> None:
    """Export the database as JSON, CSV or iCalendar."""
    from cairn.storage import files

    if str(output) != "-":
        files.output_target(output)  # a device, a folder or a missing folder: refused before any work
    with open_existing(db_path_of(ctx, db_path)) as db:
        # Written as it is made, a row at a time: 100,000 contracts are a gigabyte of JSON.
        if fmt == "json":
            from cairn.storage.exchange.json_dump import json_chunks

            data = (piece.encode() for piece in json_chunks(db))
        elif fmt == "csv":
            from cairn.storage.exchange.csv_export import csv_chunks

            data = (piece.encode() for piece in csv_chunks(db))
        else:
            from cairn.storage.exchange.ics_export import export_ics

            data = iter([export_ics(db, ctx.find_object(State).clock)])
        if str(output) == "-":
            out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
            for piece in data:
                out.write(piece) if out is not None else sys.stdout.write(piece.decode())
            sys.stdout.flush()
        else:
            files.write_private(output, data)  # owner-only, like the database: an export holds everything in it
    if str(output) != "-":
        echo(f"Exported {fmt.upper()} to {output}.", err=True)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@db_option
@click.pass_context
def import_(ctx: click.Context, file: Path, db_path: Path | None) -> None:
    """Import a JSON export into a new, empty database.

    Everything is checked before anything is written; a refused import lists every problem.
    """
    from cairn.storage.exchange.json_import import ImportRefused, import_json

    if str(file) == "-":
        import shutil
        import tempfile

        source = tempfile.TemporaryFile()  # noqa: SIM115 - read back a row at a time, closed on exit
        shutil.copyfileobj(sys.stdin.buffer, source)
    else:
        source = input_file(file, "an export file")
    path = db_path_of(ctx, db_path)
    existed = path.exists()
    db = open_database(path)
    try:
        counts = import_json(db, source)
    except ImportRefused as refused:
        echo(f"cairn: {refused}", err=True)
        for p in refused.problems:
            echo(f"  - {p}", err=True)
        _forget_new(db, path, existed)
        sys.exit(EXIT_PROBLEMS)
    except BaseException:
        _forget_new(db, path, existed)
        raise
    db.close()
    echo(f"Imported into {path}: {counts['contract']:,} contracts, {counts['milestone']:,} milestones, "
               f"{counts['ledger_entry']:,} ledger entries, {counts['event']:,} events.")


def _forget_new(db: Database, path: Path, existed: bool) -> None:
    """A refused import leaves no trace: remove the database file it created, if it did."""
    db.close()
    if not existed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
