"""G2: payment-structure templates that split a total exactly.

Cents that don't divide go to the last milestone, so the parts always add up.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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


def _percentages(texts: list[str]) -> list[Decimal]:
    try:
        values = [Decimal(str(t).strip().rstrip("%")) for t in texts if str(t).strip()]
    except InvalidOperation:
        raise DomainError("G2", "custom percentages must be numbers such as 30, 30, 40.", field="percentages") from None
    if not values or any(not v.is_finite() or v <= 0 for v in values):
        raise DomainError("G2", "custom percentages must be positive numbers such as 30, 30, 40.",
                          field="percentages")
    if sum(values) != 100:
        raise DomainError("G2", f"custom percentages must add up to 100 (they add up to {sum(values)}).",
                          field="percentages")
    return values


def template_titles(count: int) -> list[str]:
    if count == 3:
        return ["Kick-off", "Main delivery", "Final revisions"]
    return [f"Milestone {i}" for i in range(1, count + 1)]
