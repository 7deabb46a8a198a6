"""Money in integer minor units, per ISO 4217 currency (P4).

Amounts typed by people are parsed with ``Decimal`` and refused when they are not an
exact number of minor units; floats never touch money.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from cairn.storage.errors import DomainError

# ISO 4217 active codes and their minor-unit exponents (2 unless listed otherwise).
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
    "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
    "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED "
    "VES WST XCD XCG YER ZAR ZMW ZWG"
)
EXPONENTS: dict[str, int] = {
    **{c: 2 for c in _TWO.split()},
    **{c: 0 for c in _ZERO.split()},
    **{c: 3 for c in _THREE.split()},
    **{c: 4 for c in _FOUR.split()},
}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

# Far above any real contract, far below SQLite's 64-bit integer limit.
MAX_MINOR = 10**15


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in EXPONENTS:
        raise DomainError(
            "C2",
            f"{code or 'an empty code'!r} is not an ISO 4217 currency; use a code such as USD, EUR or JPY.",
            field="currency",
        )
    return code


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency, 2)


def parse_amount(text: str | int | Decimal, currency: str, *, rule: str = "M1", field: str = "amount") -> int:
    """Parse a typed amount ("1,250.50") into minor units, refusing anything inexact."""
    raw = str(text).strip().replace(",", "").replace("_", "")
    for sym in (*SYMBOLS.values(), currency):
        raw = raw.removeprefix(sym).strip()
    if not raw:
        raise DomainError(rule, "the amount is empty; type a number such as 250.00.", field=field)
    if not _PLAIN.fullmatch(raw):
        # Decimal would also read "1e3", "NaN" and non-ASCII digits; people type plain digits.
        raise DomainError(rule, f"{str(text)[:40]!r} is not an amount; type digits with an optional decimal "
                                "point, such as 250.00.", field=field)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise DomainError(rule, f"{str(text)[:40]!r} is not a number; type an amount such as 250.00.", field=field) from None
    if not value.is_finite():
        raise DomainError(rule, "the amount must be a finite number such as 250.00.", field=field)
    exp = exponent(currency)
    minor = value.scaleb(exp)
    if minor != minor.to_integral_value():
        unit = "whole units" if exp == 0 else f"{exp} decimal place{'s' if exp > 1 else ''}"
        raise DomainError(rule, f"{currency} amounts have {unit}; {raw} is finer than that.", field=field)
    if abs(minor) > MAX_MINOR:
        raise DomainError(rule, f"{raw} is larger than Cairn can hold; check the amount.", field=field)
    return int(minor)


def format_amount(minor: int, currency: str, *, symbol: bool = True) -> str:
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp) if exp else (abs(minor), 0)
    body = f"{whole:,}" + (f".{frac:0{exp}d}" if exp else "")
    prefix = SYMBOLS.get(currency) if symbol else None
    return f"{sign}{prefix}{body}" if prefix else f"{sign}{body} {currency}"


def plain_amount(minor: int, currency: str) -> str:
    """An amount as a bare decimal, for forms and exports ("1250.50")."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    if not exp:
        return f"{sign}{abs(minor)}"
    whole, frac = divmod(abs(minor), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}"
