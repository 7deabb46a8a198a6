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


def rating(value: object, *, rule: str = "C4", field: str = "rating") -> int | None:
    """C4: a feedback rating, 1 to 5 (typed "4" or given 4), or none."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,2}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise DomainError(rule, "feedback is rated from 1 to 5; pick one of those.", field=field)
    return value


def _whole_number(value: object, low: int, high: int) -> int | None:
    """``value`` as a whole number from ``low`` to ``high`` (an int, or typed text of up to three
    digits), or None when it is not one."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,3}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


REVISION_CAP = (1, 99)


def revision_cap(value: object, *, rule: str = "M10", field: str = "revision_cap") -> int | None:
    """M10: how many times the client may ask for changes to one milestone's work, or no cap."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    low, high = REVISION_CAP
    rounds = _whole_number(value, low, high)
    if rounds is None:
        raise DomainError(rule, f"the revision cap is a whole number of rounds from {low} to {high}, or empty for "
                                "no cap.", field=field)
    return rounds


def feedback(value: str | None, *, rule: str = "C4", field: str = "feedback") -> str | None:
    return text(value, rule=rule, field=field, label="feedback", max_len=5000, multiline=True) or None


# P9: a platform's windows. The builtin profiles sit well inside; far values overflowed the dates.
WINDOWS = {"review_days": (1, 365), "hold_days": (0, 365), "refund_answer_days": (1, 365),
           "feedback_days": (0, 365), "bonus_days": (0, 3650)}


def window_days(value: object, *, field: str, rule: str = "P9") -> int | None:
    low, high = WINDOWS[field]
    if value is None and field == "review_days":
        return None  # no automatic release (a direct client)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(rule, f"{field.replace('_', ' ')} must be a whole number of days from {low} to {high}.",
                          field=field)
    return value


# P9: an escrow service's inspection period, chosen per contract.
CHOSEN_REVIEW = (1, 30)


def chosen_review(value: object, *, rule: str = "P9", field: str = "review_days") -> int:
    low, high = CHOSEN_REVIEW
    days = _whole_number(value, low, high)
    if days is None:
        raise DomainError(rule, f"the review (inspection) period is chosen from {low} to {high} days; type a "
                                "whole number in that range.", field=field)
    return days


def minimum(value: object, *, rule: str = "P9", field: str = "minimum_minor") -> int:
    from cairn.storage.money import MAX_MINOR

    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINOR:
        raise DomainError(rule, "the minimum milestone amount must be zero or a positive number of minor units.",
                          field=field)
    return value


_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def stored_instant(value: object, *, rule: str = "DB", field: str = "at") -> datetime:
    """An instant as Cairn stores it (UTC ISO text, microseconds, Z) within the dates Cairn keeps."""
    from datetime import UTC

    try:
        at = datetime.fromisoformat(value[:-1]) if isinstance(value, str) and _INSTANT.fullmatch(value) else None
    except ValueError:
        at = None
    if at is None:
        raise DomainError(rule, f"{str(value)[:40]!r} is not a UTC instant like 2026-01-31T09:30:00.000000Z.",
                          field=field)
    if not FIRST_DAY <= at.date() <= LAST_DAY.replace(year=LAST_DAY.year + 10):
        raise DomainError(rule, f"{value} is outside the dates Cairn keeps ({FIRST_DAY} to {LAST_DAY}).",
                          field=field)
    return at.replace(tzinfo=UTC)
