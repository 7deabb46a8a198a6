"""``cairn due``: the deadlines that matter (G3), soonest first."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, open_existing
from cairn.cli.group import cli
from cairn.storage.clock import Clock
from cairn.storage.dates import countdown, end_of_day_label
from cairn.storage.db import Database
from cairn.storage.errors import StorageError
from cairn.storage.text import printable

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


def apply_timers_if_writable(db: Database, clock: Clock) -> None:
    """Bring timers (M11, P5, P6) up to now so the answer is current; a read-only file is read as it is."""
    from cairn.storage.api import apply_timers

    with contextlib.suppress(StorageError):
        apply_timers(db, clock)


@cli.command()
@db_option
@click.option("--within", "within", default=None, metavar="DURATION", callback=_duration_option,
              help="Only deadlines up to this far ahead: 12h, 7d, 2w (overdue ones are always shown).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list, one object per deadline (shape in the README).")
@click.pass_context
def due(ctx: click.Context, db_path: Path | None, within: timedelta | None, as_json: bool) -> None:
    """Deadlines (G3), soonest first, in local time with the UTC instant."""
    from cairn.storage.queries import deadlines

    clock = ctx.find_object(State).clock
    db = open_existing(db_path_of(ctx, db_path))
    try:
        apply_timers_if_writable(db, clock)
        items = deadlines(db, clock)
    finally:
        db.close()
    # Filtered here rather than with deadlines(within=...): see the report on read._now.
    now = datetime.fromtimestamp(clock.now().timestamp(), UTC)
    if within is not None:
        items = [d for d in items if d.at <= now + within]
    if as_json:
        from cairn.cli import json_out

        json_out.echo([json_out.deadline(d, now) for d in items])
        return
    if not items:
        span = f" in the next {_human(within)}" if within else ""
        echo(f"No deadlines{span}.")
        return
    for d in items:
        # A due date is a calendar date: shown as that date, never as the next day's midnight.
        local, utc = ((end_of_day_label(d.day), "") if d.day is not None else
                      (f"{d.at.astimezone():%Y-%m-%d %H:%M %Z}", f"({d.at.astimezone(UTC):%Y-%m-%dT%H:%MZ})"))
        what = printable(f"{d.contract_title}: {d.label}", newlines=False)
        echo(f"{local:<22} {utc:<19}  {countdown(d.at, now):<16} {what}")


def _human(td: timedelta) -> str:
    secs = int(td.total_seconds())
    if secs % 604_800 == 0:
        n, unit = secs // 604_800, "week"
    elif secs % 86_400 == 0:
        n, unit = secs // 86_400, "day"
    else:
        n, unit = secs // 3600, "hour"
    return f"{n} {unit}{'s' if n != 1 else ''}"
