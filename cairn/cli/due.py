"""``cairn due``: the deadlines that matter (G3), soonest first."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from cairn.cli.common import (
    State,
    db_option,
    db_path_of,
    echo,
    echo_lines,
    no_collector_passes,
    open_existing,
)
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


def apply_timers_if_writable(db: Database, clock: Clock, *, availability: bool = True) -> None:
    """Bring timers (M11, P5, P6) up to now so the answer is current; a read-only file is read as it is.
    The ORM (about a second to import) is loaded only when a timer is actually due.

    ``availability=False``, for an answer P5 cannot change (``due``, ``report``): P5 alone
    due is left to the next writer (the dashboard, any operation), which records it at the
    same instant (when the money became available)."""
    from cairn.storage.operations.timer_pass import apply_timers

    with contextlib.suppress(StorageError):
        apply_timers(db, clock, availability=availability)


@cli.command()
@db_option
@click.option("--within", "within", default=None, metavar="DURATION", callback=_duration_option,
              help="Only deadlines up to this far ahead: 12h, 7d, 2w (overdue ones are always shown).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list, one object per deadline (shape in the README).")
@click.pass_context
@no_collector_passes()
def due(ctx: click.Context, db_path: Path | None, within: timedelta | None, as_json: bool) -> None:
    """Deadlines (G3), soonest first, in local time with the UTC instant."""
    from cairn.storage.queries.deadlines import deadline_rows, deadlines
    from cairn.storage.queries.reading import instant

    clock = ctx.find_object(State).clock
    with open_existing(db_path_of(ctx, db_path)) as db:
        apply_timers_if_writable(db, clock, availability=False)  # no deadline reads P5's event
        # The text needs each deadline's time, contract and words only: the lean reading.
        items = deadlines(db, clock) if as_json else deadline_rows(db, clock)
    # Filtered here rather than with deadlines(within=...): see the report on read._now.
    now = instant(clock)  # a plain UTC datetime: no pendulum to import
    if within is not None:
        items = [d for d in items if d[0] <= now + within]  # a Deadline's and a row's first field: its instant
    if as_json:
        from cairn.cli import json_out

        json_out.echo([json_out.deadline(d, now) for d in items])
        return
    if not items:
        span = f" in the next {_human(within)}" if within else ""
        echo(f"No deadlines{span}.")
        return
    echo_lines(_lines(items, now))


def _lines(rows, now: datetime) -> list[str]:
    """A line per deadline row (``deadline_rows``): local time, UTC instant, countdown, contract
    and what is due. A due date's columns are the same on every line that has it (most of
    them): worked out once."""
    days: dict = {}
    out = []
    add = out.append
    for at, day, _cid, title, label in rows:
        if day is None:
            local, utc = f"{at.astimezone():%Y-%m-%d %H:%M %Z}", f"({at.astimezone(UTC):%Y-%m-%dT%H:%MZ})"
            cols = f"{local:<22} {utc:<19}  {countdown(at, now):<16} "
        else:
            cols = days.get(day)
            if cols is None:
                # A due date is a calendar date: shown as that date, never as the next day's midnight.
                cols = days[day] = f"{end_of_day_label(day):<22} {'':<19}  {countdown(at, now):<16} "
        add(f"{cols}{title}: {label}")
    return out


def _human(td: timedelta) -> str:
    secs = int(td.total_seconds())
    if secs % 604_800 == 0:
        n, unit = secs // 604_800, "week"
    elif secs % 86_400 == 0:
        n, unit = secs // 86_400, "day"
    else:
        n, unit = secs // 3600, "hour"
    return f"{n} {unit}{'s' if n != 1 else ''}"
