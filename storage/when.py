"""When something happened, as people type it: ``2026-11-20``, ``2026-11-20 14:30``, ``yesterday``,
``3d ago``, ``today 9:15``. Read in the user's local time zone (its real rules, with pendulum),
returned as a UTC instant; refused, naming what was wrong and what is accepted, with ``field="at"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pendulum

from cairn.storage.errors import DomainError

RULE = "R5"  # events record who did what and when
ACCEPTED = ("type a date and time such as 2026-11-20 14:30, a date such as 2026-11-20, or "
            "now, today 9:15, yesterday, yesterday 17:00, 3d ago, 2h ago")

_UNITS = {"m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
          "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
          "d": "days", "day": "days", "days": "days", "w": "weeks", "week": "weeks", "weeks": "weeks"}
_DAY_WORDS = {"yesterday": -1, "today": 0, "tomorrow": 1}
_AGO = re.compile(r"(\d{1,4})\s*([a-z]+)\s+ago")
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_OFFSET = re.compile(r"(?:z|utc|[+-]\d{2}:?\d{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class Moment:
    """A parsed time: the UTC instant, and whether only the day was given (``day_only``: the
    instant is that day's start, local time; the operation may place it later that day)."""

    at: pendulum.DateTime
    day_only: bool = False

    @property
    def day_end(self) -> pendulum.DateTime:
        """The end of the day a ``day_only`` moment names (exclusive), in UTC."""
        local = self.at.in_timezone(pendulum.local_timezone())
        return _local(local.date() + timedelta(days=1), time(0), local.timezone).in_timezone("UTC")


def parse(text: str, *, now: datetime, tz: pendulum.Timezone | None = None, field: str = "at") -> Moment:
    """Read ``text`` in the local time zone ``tz`` (the user's by default), as of ``now``."""
    tz = tz or pendulum.local_timezone()
    raw = " ".join(str(text).split())
    low = raw.lower()
    now_local = pendulum.instance(now).in_timezone(tz)

    def refuse(why: str, *, accepted: bool = True) -> DomainError:
        return DomainError(RULE, f"{why}; {ACCEPTED}." if accepted else f"{why}.", field=field)

    if not low or low == "now":
        return Moment(now_local.in_timezone("UTC"))
    if m := _AGO.fullmatch(low):
        unit = _UNITS.get(m.group(2))
        if unit is None:
            raise refuse(f"“{raw[:40]}”: {m.group(2)!r} is not a unit of time (use m, h, d or w)")
        return Moment(now_local.subtract(**{unit: int(m.group(1))}).in_timezone("UTC"))

    day_word, _, rest = low.partition(" ")
    if day_word in _DAY_WORDS:
        # "tomorrow" is read, so that the operation refuses it for what it is: in the future.
        day = now_local.date() + timedelta(days=_DAY_WORDS[day_word])
    elif m := _DATE.match(low):
        day = _day(m, raw, refuse)
        rest = low[m.end():].lstrip("t ").strip()
        if rest and _has_offset(rest):
            return Moment(_with_offset(raw, refuse))
    elif _TIME.fullmatch(low):
        day, rest = now_local.date(), low
    else:
        raise refuse(f"“{raw[:40]}” is not a time Cairn reads")
    rest = rest.removeprefix("at ").strip()
    if not rest:
        return Moment(_local(day, time(0), tz, raw=raw, refuse=refuse).in_timezone("UTC"), day_only=True)
    clock_time = _clock(rest, raw, refuse)
    return Moment(_local(day, clock_time, tz, raw=raw, refuse=refuse).in_timezone("UTC"))


def _day(m: re.Match, raw: str, refuse) -> date:
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        raise refuse(f"“{raw[:40]}” is not a date: there is no month {month}")
    try:
        return pendulum.date(year, month, day)
    except ValueError:
        days = pendulum.date(year, month, 1).days_in_month
        raise refuse(f"“{raw[:40]}” is not a date: {_MONTHS[month - 1]} {year} has {days} days; type a day "
                     "that exists", accepted=False) from None


def _clock(text: str, raw: str, refuse) -> time:
    m = _TIME.fullmatch(text)
    if m is None:
        m2 = re.fullmatch(r"(\d{1,2}):(\d{2}):(\d{2})", text)
        if m2 is None:
            raise refuse(f"“{raw[:40]}”: {text[:20]!r} is not a time of day")
        hour, minute, second = (int(g) for g in m2.groups())
    else:
        hour, minute, second = int(m.group(1)), int(m.group(2) or 0), 0
        if m.group(2) is None and m.group(3) is None:
            raise refuse(f"“{raw[:40]}”: write the time with minutes, such as {hour}:00")
        if m.group(3):
            if not 1 <= hour <= 12:
                raise refuse(f"“{raw[:40]}”: {hour}{m.group(3)} is not a time of day")
            hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise refuse(f"“{raw[:40]}”: {text[:20]} is not a time of day")
    return time(hour, minute, second)


def _has_offset(rest: str) -> bool:
    return bool(_OFFSET.search(rest.replace(" ", "")))


def _with_offset(raw: str, refuse) -> pendulum.DateTime:
    """An explicit offset (``2026-11-01 01:30 -04:00``, ``... UTC``, ISO ``...Z``) says which instant."""
    text = re.sub(r"\s*utc$", "Z", raw.strip(), flags=re.IGNORECASE)
    text = re.sub(r"^(\S+)\s+(\d)", r"\1T\2", text)
    text = re.sub(r"\s+([+-]\d)", r"\1", text)
    try:
        parsed = pendulum.parse(text, strict=True)
    except Exception:  # noqa: BLE001 - pendulum raises several kinds for bad text
        parsed = None
    if not isinstance(parsed, pendulum.DateTime):
        raise refuse(f"“{raw[:40]}” is not a time Cairn reads")
    return parsed.in_timezone("UTC")


def _local(day: date, clock_time: time, tz, *, raw: str = "", refuse=None) -> pendulum.DateTime:
    """The instant of a wall-clock time in ``tz``, refusing times the zone skips or repeats."""
    naive = datetime.combine(day, clock_time)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset() and refuse is not None:
        name = getattr(tz, "name", str(tz))
        exists = [d for d in (first, second)
                  if d.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive]
        shown = f"{day.isoformat()} {clock_time:%H:%M}"
        if not exists:
            jump = abs(second.utcoffset() - first.utcoffset())
            later = (naive + jump).strftime("%H:%M")
            raise refuse(f"{shown} does not exist in {name}: the clocks moved forward that night; "
                         f"give a time that exists, such as {day.isoformat()} {later}", accepted=False)
        raise refuse(f"{shown} happens twice in {name}: the clocks went back that night; say which, "
                     f"{shown} {_offset(first)} (the first) or {shown} {_offset(second)} (the second)",
                     accepted=False)
    return pendulum.instance(first)


def _offset(d: datetime) -> str:
    minutes = int(d.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def describe(instant: datetime, tz: pendulum.Timezone | None = None) -> str:
    """An instant as the user reads it: local date and time, e.g. ``2026-11-20 14:30``."""
    return pendulum.instance(instant).in_timezone(tz or pendulum.local_timezone()).format("YYYY-MM-DD HH:mm")
