"""Checks of typed input (M1, C2): refuse with the rule and the field, or return clean values."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pendulum

from cairn.storage.errors import DomainError
from cairn.storage.money import parse_amount

# The dates Cairn keeps: anything outside is a typo (9999-12-31, 0202-05-01), and far dates
# overflowed the arithmetic of deadlines. Operations and import refuse the same window.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def text(value: str | None, *, rule: str, field: str, label: str, max_len: int,
         required: bool = False, multiline: bool = False) -> str:
    value = "" if value is None else str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise DomainError(rule, f"the {label} contains characters that are not valid text (lone surrogates); "
                                "type plain text.", field=field) from None
    # Pasted Windows or old Mac line endings become newlines; single lines are trimmed.
    value = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value.strip()
    pattern = _CONTROL if multiline else _CONTROL_LINE
    if pattern.search(value):
        raise DomainError(rule, f"the {label} contains control characters (such as terminal escape "
                                "codes); type plain text.", field=field)
    if required and not value:
        raise DomainError(rule, f"the {label} is empty; type at least one character.", field=field)
    if len(value) > max_len:
        raise DomainError(rule, f"the {label} is {len(value):,} characters long; the limit is {max_len:,}, "
                                    "so shorten it.",
                          field=field)
    return value


def title(value: str | None) -> str:
    return text(value, rule="M1", field="title", label="title", max_len=200, required=True)


def description(value: str | None) -> str:
    return text(value, rule="M1", field="description", label="description", max_len=5000, multiline=True)


def message(value: str | None, *, rule: str, label: str = "message") -> str:
    return text(value, rule=rule, field="message", label=label, max_len=5000, multiline=True)


def due_date(value: date | str | None, *, rule: str = "M1", field: str = "due_date") -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise DomainError(rule, "give a date (YYYY-MM-DD), not a date and time.", field=field)
    if isinstance(value, date):
        return _in_window(value, value.isoformat(), rule, field)
    raw = str(value).strip()
    try:
        parsed = pendulum.parse(raw, strict=True, exact=True)
    except Exception:  # noqa: BLE001 - pendulum raises several kinds for bad dates
        parsed = None
    if not isinstance(parsed, date) or isinstance(parsed, pendulum.DateTime) or not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", raw
    ):
        raise DomainError(rule, f"{raw[:40]!r} is not a date; type one as YYYY-MM-DD, such as 2026-12-31.",
                          field=field)
    return _in_window(date(parsed.year, parsed.month, parsed.day), raw, rule, field)


def _in_window(day: date, raw: str, rule: str, field: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DomainError(rule, f"{raw} is outside the dates Cairn keeps ({FIRST_DAY} to {LAST_DAY}); "
                                "check the year.", field=field)
    return day


def amount(value: int | str | Decimal, currency: str, *, minimum: int, rule: str = "M1",
           field: str = "amount", label: str = "milestone amount") -> int:
    if isinstance(value, bool):
        raise DomainError(rule, "the amount must be a number, such as 250.00.", field=field)
    minor = value if isinstance(value, int) else parse_amount(value, currency, rule=rule, field=field)
    if minor <= 0:
        raise DomainError(rule, f"the {label} must be more than zero, such as 250.00.", field=field)
    if minor < minimum:
        from cairn.storage.money import format_amount

        raise DomainError(rule, f"the {label} must be at least {format_amount(minimum, currency)} "
                                "on this contract's platform profile (P9).", field=field)
    from cairn.storage.money import MAX_MINOR

    if minor > MAX_MINOR:
        raise DomainError(rule, "the amount is larger than Cairn can hold; check it.", field=field)
    return minor


def positive_amount(value: int | str | Decimal, currency: str, *, rule: str, label: str,
                    field: str = "amount") -> int:
    return amount(value, currency, minimum=1, rule=rule, field=field, label=label)
