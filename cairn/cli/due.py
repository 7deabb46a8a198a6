"""``cairn due``: the deadlines that matter (G3), soonest first."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, echo_lines, open_existing
from cairn.cli.group import cli
from cairn.storage.clock import Clock
from cairn.storage.dates import countdown, end_of_day_label
from cairn.storage.db import Database
from cairn.storage.errors import StorageError

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
    """Bring timers (M11, P5, P6) up to now so the answer is current; a read-only file is read as it is.
    The ORM (about a second to import) is loaded only when a timer is actually due."""
    from cairn.storage.queries.timers import timers_due

    if not timers_due(db, clock):
        return
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
    from cairn.storage.queries import deadlines, instant

    clock = ctx.find_object(State).clock
    db = open_existing(db_path_of(ctx, db_path))
    try:
        apply_timers_if_writable(db, clock)
        items = deadlines(db, clock)
    finally:
        db.close()
    # Filtered here rather than with deadlines(within=...): see the report on read._now.
    now = instant(clock)  # a plain UTC datetime: no pendulum to import
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
    days: dict = {}  # a due date's columns are the same on every line that has it: worked out once
    echo_lines(_columns(d, now, days) + f"{d.contract_title}: {d.label}" for d in items)


def _columns(d, now: datetime, days: dict) -> str:
    """The local time, UTC instant and countdown columns of a deadline's line."""
    if d.day is None:
        local, utc = f"{d.at.astimezone():%Y-%m-%d %H:%M %Z}", f"({d.at.astimezone(UTC):%Y-%m-%dT%H:%MZ})"
        return f"{local:<22} {utc:<19}  {countdown(d.at, now):<16} "
    cols = days.get(d.day)
    if cols is None:
        # A due date is a calendar date: shown as that date, never as the next day's midnight.
        cols = days[d.day] = f"{end_of_day_label(d.day):<22} {'':<19}  {countdown(d.at, now):<16} "
    return cols


def _human(td: timedelta) -> str:
    secs = int(td.total_seconds())
    if secs % 604_800 == 0:
        n, unit = secs // 604_800, "week"
    elif secs % 86_400 == 0:
        n, unit = secs // 86_400, "day"
    else:
        n, unit = secs // 3600, "hour"
    return f"{n} {unit}{'s' if n != 1 else ''}"
