"""G2: payment-structure templates that split a total exactly.

Cents that don't divide go to the last milestone, so the parts always add up.
"""

from __future__ import annotations

import re
from decimal import Decimal

from cairn.storage.errors import DomainError

TEMPLATES = {
    "25/50/25": (25, 50, 25),
    "thirds": (1, 1, 1),
}


def split_by_weights(total: int, weights: tuple[int | Decimal, ...]) -> list[int]:
    whole = sum(weights)
    parts = [int(Decimal(total) * Decimal(w) / Decimal(whole)) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def split(total: int, template: str, *, n: int | None = None, percentages: list[str] | None = None) -> list[int]:
    """Split ``total`` minor units by a named template: "25/50/25", "thirds", "equal", "custom"."""
    if total <= 0:
        raise DomainError("G2", "the total to split must be more than zero; type the contract's total, such as 3000.", field="total")
    if template in TEMPLATES:
        parts = split_by_weights(total, TEMPLATES[template])
    elif template == "equal":
        if not n or n < 1 or n > 100:
            raise DomainError("G2", "an equal split needs a number of milestones from 1 to 100.", field="n")
        parts = split_by_weights(total, (1,) * n)
    elif template == "custom":
        weights = _percentages(percentages or [])
        parts = split_by_weights(total, tuple(weights))
    else:
        raise DomainError("G2", f"unknown template {template!r}; use 25/50/25, thirds, equal or custom.",
                          field="template")
    if min(parts) <= 0:
        raise DomainError("G2", "the total is too small to split into that many milestones.", field="total")
    return parts


_PERCENT = re.compile(r"([0-9]{1,3})(?:[.,]([0-9]{1,6}))?")


def _percentages(texts: list[str]) -> list[Decimal]:
    """Each a plain number from 0 to 100 ("30", "33.5", "12,5%"): nothing Decimal could overflow on."""
    values = []
    for t in texts:
        text = str(t).strip().removesuffix("%").strip()
        if not text:
            continue
        m = _PERCENT.fullmatch(text)
        if m is None:
            raise DomainError("G2", f"{str(t).strip()[:20]!r} is not a percentage; type numbers such as 30, 30, 40.",
                              field="percentages")
        values.append(Decimal(f"{m.group(1)}.{m.group(2) or 0}"))
    if not values or any(v <= 0 or v > 100 for v in values):
        raise DomainError("G2", "custom percentages must be numbers above 0 and up to 100, such as 30, 30, 40.",
                          field="percentages")
    if len(values) > 100:
        raise DomainError("G2", "a split has at most 100 milestones; give fewer percentages.", field="percentages")
    if sum(values) != 100:
        raise DomainError("G2", f"custom percentages must add up to 100 (they add up to {sum(values)}).",
                          field="percentages")
    return values


def split_typed(total: str, currency: str, template: str, *, n: str = "", percentages: str = "") -> list[int]:
    """G2 from what a person typed in the new-contract form: the total, the number of milestones and
    the percentages as text. Any text gives a split or a refusal naming its field, never a crash."""
    from cairn.storage.money import parse_amount

    minor = parse_amount(total, currency, field="total")
    count = None
    if template == "equal":
        count = _typed_count(n)
        if count is None:
            raise DomainError("G2", "an equal split needs a number of milestones from 1 to 100.", field="n")
    parts = _typed_percentages(percentages) if template == "custom" else None
    return split(minor, template, n=count, percentages=parts)


def parts_typed(template: str, *, n: str = "", percentages: str = "") -> int:
    """How many milestones a structure makes, read as ``split_typed`` reads it, before the total is
    known (0 while it cannot tell): the form shows their rows at once."""
    if template in TEMPLATES:
        return len(TEMPLATES[template])
    if template == "equal":
        return min(_typed_count(n) or 0, 100)
    if template == "custom":
        return min(len([p for p in _typed_percentages(percentages) if p.strip()]), 100)
    return 0


def _typed_count(n: str) -> int | None:
    typed = re.fullmatch(r"\s*([0-9]{1,3})\s*", n or "")
    # The digits alone: \s is wider than int()'s whitespace ("0\x1f"), and isdigit takes "²".
    return int(typed[1]) if typed else None


def _typed_percentages(percentages: str) -> list[str]:
    """Separated by semicolons, or by commas where a comma is not the decimal mark."""
    from cairn.storage.money import numbers

    separators = r"[;]" if numbers().decimal == "," else r"[;,]"
    return re.split(separators, percentages or "")


def template_titles(count: int) -> list[str]:
    if count == 3:
        return ["Kick-off", "Main delivery", "Final revisions"]
    return [f"Milestone {i}" for i in range(1, count + 1)]
