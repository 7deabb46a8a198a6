"""How values look on screen: money, instants in local time, countdowns. Pure functions."""

from __future__ import annotations

from datetime import date, datetime

from rich.markup import escape
from rich.text import Text

from cairn.storage.dates import countdown
from cairn.storage.money import format_amount
from cairn.storage.text import printable

__all__ = ["money", "local", "countdown", "day", "safe", "plain", "escape", "bar", "amount_read"]


def money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)


def amount_read(typed: str, currency: str, *, blank: int | None = None) -> tuple[int | None, Text]:
    """A typed amount as storage reads it, and a line that shows it ("= $1,500.00") or says why it
    cannot be read, so a form shows what it understood before anything is recorded. ``blank`` is
    what an empty field means (``None``: nothing)."""
    from cairn.storage.errors import DomainError
    from cairn.storage.money import parse_amount

    if not typed.strip():
        if blank is None:
            return None, Text("")
        return blank, Text(f"= {format_amount(blank, currency)}")
    try:
        minor = parse_amount(typed, currency)
    except DomainError as error:
        return None, Text(f"✗ {error.message[:1].upper()}{error.message[1:]}")
    return minor, Text(f"= {format_amount(minor, currency)}")


def local(instant: datetime | None, fmt: str = "YYYY-MM-DD HH:mm") -> str:
    if instant is None:
        return ""
    import pendulum

    return pendulum.instance(instant).in_timezone(pendulum.local_timezone()).format(fmt)


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def plain(text: str | None, *, newlines: bool = True) -> str:
    """User text with control characters (escape sequences, tabs) made visible as ``\\xNN``.

    For ``rich.text.Text`` (which never parses markup); ``newlines=False`` also shows line
    breaks as ``\\x0a`` so a one-line cell stays one line.
    """
    return printable(text, newlines=newlines)


def safe(text: str | None) -> str:
    """User text as data inside markup: escaped, and with control characters made visible."""
    return escape(plain(text))


BAR_PAID, BAR_ESCROW, BAR_UNFUNDED = "█", "▓", "░"


def bar(paid: int, escrow: int, value: int, width: int = 10) -> str:
    """Progress as text of a fixed width: paid █, in escrow ▓, not yet funded ░.

    Readable without colour; a contract with no plan shows a dotted line.
    """
    if value <= 0:
        return "·" * width
    paid_n = min(width, round(width * max(paid, 0) / value))
    funded_n = min(width, round(width * (max(paid, 0) + max(escrow, 0)) / value))
    if paid and not paid_n:
        paid_n = 1
    funded_n = max(funded_n, paid_n)
    if escrow and funded_n <= paid_n and paid_n < width:
        funded_n = paid_n + 1
    return BAR_PAID * paid_n + BAR_ESCROW * (funded_n - paid_n) + BAR_UNFUNDED * (width - funded_n)
