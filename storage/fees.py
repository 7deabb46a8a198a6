"""A platform's fee rule (P9) and the fee it takes from a release or a bonus, exactly.

A rule is stored as canonical text, the same text a person types:

- ``none`` — no fee (a direct client);
- ``10%`` — a flat percentage (up to two decimals: ``2.75%``);
- ``20% to 500.00; 10% to 10000.00; 5%`` — tiers by lifetime billings with the same client:
  the first 500.00 billed to that client are charged 20%, billings from 500.00 to 10,000.00
  10%, everything above 5%. A payment that straddles a boundary is split across the tiers.
  Tier bounds are amounts of the contract's currency (a bound finer than the currency's minor
  unit is cut to it: 500.50 is 500 yen).

Rounding, stated once: a payment's fee is the exact sum over its tiers of portion x rate, rounded
to the nearest minor unit, halves up — one rounding per payment, never per tier. The net is
gross - fee, so fee + net == gross always, and 0 <= fee <= gross.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from cairn.storage.errors import DomainError
from cairn.storage.money import MAX_MINOR, exponent, numbers

NONE = "none"
_BP = 10_000  # basis points in 100%
_PERCENT = re.compile(r"\s*([0-9]{1,3}(?:[.,][0-9]{1,2})?)\s*%\s*")
_TIER = re.compile(r"\s*(.*?%)\s*(?:(?:up\s+)?to\s+(.+?))?\s*(?:and\s+)?(?:above|over)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Tier:
    upto: Decimal | None  # in major units of the contract's currency; None: everything above
    bp: int  # the rate in basis points (1/100 of a percent)


@dataclass(frozen=True)
class FeeRule:
    tiers: tuple[Tier, ...]  # empty: no fee

    @property
    def kind(self) -> str:
        return "none" if not self.tiers else "flat" if len(self.tiers) == 1 else "tiers"

    @property
    def text(self) -> str:
        """The canonical, locale-free form stored and exported."""
        if not self.tiers:
            return NONE
        return "; ".join(_pct(t.bp) + (f" to {t.upto:.2f}" if t.upto is not None else "") for t in self.tiers)

    def shown(self) -> str:
        """As a person reads it: "20% up to 500.00, 10% up to 10,000.00, 5% above"."""
        if not self.tiers:
            return "no fee"
        if len(self.tiers) == 1:
            return _pct(self.tiers[0].bp, numbers().decimal)
        parts = [_pct(t.bp, numbers().decimal) + (f" up to {_major(t.upto)}" if t.upto is not None else " above")
                 for t in self.tiers]
        return ", ".join(parts)

    def bounds(self, currency: str) -> tuple[tuple[int | None, int], ...]:
        """The tiers' upper bounds in minor units of ``currency``, with their rates."""
        return _bounds(self, exponent(currency))

    def fee(self, gross: int, currency: str, billed_before: int = 0) -> int:
        """The fee on a payment of ``gross`` minor units to a client already billed ``billed_before``."""
        if gross <= 0 or not self.tiers:
            return 0
        total, low = 0, 0
        start, end = billed_before, billed_before + gross
        for upto, bp in self.bounds(currency):
            high = end if upto is None else upto
            portion = min(end, high) - max(start, low)
            if portion > 0:
                total += portion * bp
            if upto is None or upto >= end:
                break
            low = upto
        return (total + _BP // 2) // _BP


@lru_cache(maxsize=1024)
def _bounds(rule: FeeRule, exp: int) -> tuple[tuple[int | None, int], ...]:
    return tuple((None if t.upto is None else int(t.upto.scaleb(exp)), t.bp) for t in rule.tiers)


def _pct(bp: int, mark: str = ".") -> str:
    whole, frac = divmod(bp, 100)
    text = f"{whole}" if not frac else f"{whole}.{frac:02d}".rstrip("0")
    return text.replace(".", mark) + "%"


def _major(value: Decimal) -> str:
    n = numbers()
    whole, frac = f"{value:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\0").replace("\0", n.group)
    return f"{grouped}{n.decimal}{frac}"


def _rate(text: str, field: str) -> int:
    m = _PERCENT.fullmatch(text)
    if not m:
        raise DomainError("P9", f"{text.strip()!r} is not a percentage; type one such as 10% or 2.75%.", field=field)
    value = Decimal(m.group(1).replace(",", "."))
    if value > 100:
        raise DomainError("P9", f"a fee of {text.strip()} is more than the payment; type 0% to 100%.", field=field)
    return int(value * 100)


def _bound(text: str, field: str, stored: bool) -> Decimal:
    """A tier's upper bound, read as an amount is typed (the locale's decimal mark, thousands), or
    as stored (a plain decimal, whatever the locale)."""
    from cairn.storage.money import parse_amount

    if stored:
        if not re.fullmatch(r"[0-9]{1,13}\.[0-9]{2}", text.strip()):
            raise DomainError("P9", f"a stored fee tier's bound is a plain amount such as 500.00, not {text.strip()!r}.",
                              field=field)
        return Decimal(text.strip())

    try:
        cents = parse_amount(text, "USD", rule="P9", field=field)  # any two-decimal currency reads the same
    except DomainError as e:
        raise DomainError("P9", f"in a fee tier, {e.message}", field=field) from None
    if cents <= 0:
        raise DomainError("P9", f"a fee tier's bound must be more than zero, not {text.strip()}.", field=field)
    return Decimal(cents).scaleb(-2)


@lru_cache(maxsize=256)
def stored(text: str) -> FeeRule:
    """A contract's or profile's stored rule (checked when it was stored, and by cairn check)."""
    return parse(text, stored=True)


def parse(text: str | None, *, field: str = "fee_rule", stored: bool = False) -> FeeRule:
    """Read a fee rule as typed (``stored``: in its stored form); refuse anything else, naming what
    to type."""
    if text is not None and not isinstance(text, str):
        raise DomainError("P9", f"a fee rule is text such as none, 10% or 20% to 500.00; 10%, not {text!r:.40}.",
                          field=field)
    raw = (text or "").strip()
    if raw.lower() in ("", NONE, "no fee", "0%", "0"):
        return FeeRule(())
    if len(raw) > 500:
        raise DomainError("P9", "a fee rule is at most 500 characters; type it as 20% to 500.00; 10%.", field=field)
    parts = [p for p in re.split(r"[;\n]", raw) if p.strip()]
    if len(parts) > 10:
        raise DomainError("P9", "a fee rule has at most 10 tiers.", field=field)
    tiers: list[Tier] = []
    for i, part in enumerate(parts):
        m = _TIER.fullmatch(part)
        if not m or not m.group(1):
            raise DomainError("P9", f"{part.strip()!r} is not a fee tier; type a rate and its bound, "
                                    "such as 20% to 500.00; 10% to 10,000.00; 5%.", field=field)
        bp = _rate(m.group(1), field)
        last = i == len(parts) - 1
        if m.group(2) is None and not last:
            raise DomainError("P9", f"only the last tier goes on without a bound; give {part.strip()!r} "
                                    "its bound (\"to 500.00\").", field=field)
        if m.group(2) is not None and last:
            raise DomainError("P9", f"the last tier covers everything above; drop its bound, or add a tier "
                                    f"after {part.strip()!r} (such as \"; 5%\").", field=field)
        upto = None if last else _bound(m.group(2), field, stored)
        if tiers and upto is not None and upto <= tiers[-1].upto:  # type: ignore[operator]
            raise DomainError("P9", f"tier bounds must rise: {upto:.2f} comes after {tiers[-1].upto:.2f}.",
                              field=field)
        tiers.append(Tier(upto, bp))
    if all(t.bp == 0 for t in tiers):
        return FeeRule(())
    if len(tiers) > 1 and tiers[-2].upto is not None and tiers[-2].upto * 100 > MAX_MINOR:
        raise DomainError("P9", "a fee tier's bound is larger than Cairn can hold; check it.", field=field)
    return FeeRule(tuple(tiers))


def canonical(text: str | None, *, field: str = "fee_rule", stored: bool = False) -> str:
    """The stored form of a rule typed (or imported: ``stored``), refused as ``parse`` refuses."""
    try:
        return parse(text, field=field, stored=stored).text
    except (InvalidOperation, ValueError):
        raise DomainError("P9", f"{str(text)[:40]!r} is not a fee rule; type none, 10%, or "
                                "20% to 500.00; 10%.", field=field) from None
