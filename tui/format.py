"""How values look on screen: money, instants in local time, countdowns. Pure functions."""

from __future__ import annotations

from datetime import date, datetime

import pendulum
from rich.markup import escape

from storage.money import format_amount

__all__ = ["money", "local", "countdown", "day", "safe", "escape"]


def money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)


def local(instant: datetime | None, fmt: str = "YYYY-MM-DD HH:mm") -> str:
    if instant is None:
        return ""
    return pendulum.instance(instant).in_timezone(pendulum.local_timezone()).format(fmt)


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def countdown(instant: datetime | None, now: datetime) -> str:
    """'in 3d 4h', '5h ago': compact, for tables at 80 columns."""
    if instant is None:
        return ""
    seconds = int((instant - now).total_seconds())
    past = seconds < 0
    seconds = abs(seconds)
    d, rem = divmod(seconds, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    if d:
        body = f"{d}d {h}h" if d < 10 else f"{d}d"
    elif h:
        body = f"{h}h {m}m"
    else:
        body = f"{m}m"
    return f"{body} ago" if past else f"in {body}"


def safe(text: str | None) -> str:
    """User text as data inside markup: escaped, and with control characters made visible."""
    if not text:
        return ""
    cleaned = "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)
    return escape(cleaned)
