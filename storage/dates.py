"""Due dates and countdowns: one definition for the dashboard, the CLI and the exports.

A due date is a calendar date (M12). It falls due at the end of that day in the user's time
zone, by the zone's real rules: a date in summer ends at summer time's midnight, not at an
offset taken from today. Standard library only, so the first screen needs no pendulum.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def due_instant(day: date) -> datetime:
    """The UTC instant at which ``day`` ends in the local zone (the next day's local midnight)."""
    # A naive datetime's astimezone() asks the C library for the local zone's rules at that
    # very date (TZ or /etc/localtime); ``datetime.now().astimezone().tzinfo`` would be
    # today's fixed offset, an hour off across a summer-time change.
    try:
        return datetime.combine(day + timedelta(days=1), time(0)).astimezone().astimezone(UTC)
    except (OverflowError, ValueError):  # a date no door accepts any more (9999-12-31, from an older Cairn)
        return datetime(9999, 1, 1, tzinfo=UTC)


# M12: a due date is the freelancer's until the work is handed over. A milestone submitted for
# review is delivered (on time or not, the journal says when); its next clock is the client's
# review (M11), and only a request for changes (back to active) makes its due date count again.
TO_DELIVER = ("future", "active")


def is_overdue(state: str, day: date | None, now: datetime) -> bool:
    """Past due (M12): a milestone still to deliver whose due date has ended."""
    return day is not None and state in TO_DELIVER and due_instant(day) <= now


def countdown(at: datetime | None, now: datetime) -> str:
    """How far ``at`` is from ``now``: 'in 13d 23h', 'in 5h 3m', 'in 35m', 'overdue 2d 1h'.

    Days and hours, hours and minutes, or minutes: two units at most, both shown even when
    the second is zero, truncated (never rounded up: 'in 0m' still lies ahead). The same text
    in the list, on the board and in ``cairn due``.
    """
    if at is None:
        return ""
    seconds = int(at.timestamp() - now.timestamp())  # timestamps: pendulum's __sub__ is slow
    past = seconds < 0
    seconds = abs(seconds)
    d, rem = divmod(seconds, 86_400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    if d:
        body = f"{d}d {h}h"
    elif h:
        body = f"{h}h {m}m"
    else:
        body = f"{m}m"
    return f"overdue {body}" if past else f"in {body}"


def end_of_day_label(day: date) -> str:
    """How a due date reads wherever an instant would be shown: the date itself, never the
    next day's midnight."""
    return f"{day.isoformat()} end of day"


__all__ = ["TO_DELIVER", "due_instant", "countdown", "end_of_day_label", "is_overdue"]
