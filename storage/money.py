"""Money in integer minor units, per ISO 4217 currency (P4), and amounts as people type them.

An amount typed by a person is read unambiguously or refused: Cairn reads a decimal point and
commas only between thousands (``1,234.56``, ``12,500``); any other comma (``1,5``, ``12,50``,
``1.000,00``) is refused with what Cairn would read and the form to type instead. A locale with
a decimal comma (``LC_NUMERIC``/``LANG`` such as ``de_DE.UTF-8``) turns both roles round, for
reading, for the amounts forms are filled with, and for the amounts shown. Floats never touch
money; machine formats (CSV, JSON) never follow the locale.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal

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

# Far above any real contract, far below SQLite's 64-bit integer limit.
MAX_MINOR = 10**15


# --- how numbers are written: the user's locale -------------------------------------------------
@dataclass(frozen=True)
class Numbers:
    """The decimal mark, the thousands separator and the digits per group, from a locale."""

    decimal: str = "."
    group: str = ","
    grouping: tuple[int, int] = (3, 3)  # digits in the group next to the mark, and in the others
    locale: str = ""

    @property
    def other(self) -> str:
        """The mark that may only separate thousands: a comma in the point form, a point in the comma form."""
        return "," if self.decimal == "." else "."

    @property
    def separators(self) -> frozenset[str]:
        """What may separate groups of digits when typed: the locale's own, the other mark, and the
        spaces and apostrophes no locale uses as a decimal mark."""
        return frozenset({self.group, self.other, " ", "\xa0", "\u202f", "'", "’"})

    @property
    def standard(self) -> bool:
        return (self.decimal, self.group, self.grouping) == (".", ",", (3, 3))


POINT = Numbers()
# Locales that write numbers exactly as Cairn's default form (checked against the locale data by a
# test): the common case needs no locale data loaded before the first frame.
POINT_LOCALES = ("en_US", "en_GB", "en_AU", "en_CA", "en_NZ", "en_IE")

_numbers: Numbers | None = None


def numbers() -> Numbers:
    """How this process reads and shows amounts (worked out once, from the environment)."""
    global _numbers
    if _numbers is None:
        _numbers = numbers_from_environment()
    return _numbers


def use_numbers(value: Numbers | None) -> None:
    """Read and show amounts in this form from now on (``None``: from the environment again)."""
    global _numbers
    _numbers = value


def numbers_from_environment() -> Numbers:
    """The numeric locale as every program reads it: LC_ALL, else LC_NUMERIC, else LANG."""
    for var in ("LC_ALL", "LC_NUMERIC", "LANG"):
        value = os.environ.get(var)
        if value:
            return numbers_for(value)
    return POINT


def numbers_for(name: str, *, fast: bool = True) -> Numbers:
    """The form of numbers in locale ``name`` ("de_DE.UTF-8"); Cairn's point form if unknown."""
    tag = name.split(".")[0].split("@")[0]
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,4})*", tag):
        return POINT  # C, POSIX, or not a locale name at all
    if fast and tag in POINT_LOCALES:
        return Numbers(locale=tag)
    try:
        from babel import Locale, UnknownLocaleError

        loc = Locale.parse(tag)
        symbols = loc.number_symbols["latn"]  # Cairn reads ASCII digits, so the Latin-digit symbols
        pattern = loc.decimal_formats.get(None)
        grouping = tuple(pattern.grouping) if pattern is not None else (3, 3)
    except (ImportError, UnknownLocaleError, ValueError, KeyError, TypeError):
        return POINT
    decimal, group = symbols.get("decimal"), symbols.get("group")
    if decimal not in (".", ",") or not group or group == decimal or len(group) != 1 \
            or len(grouping) != 2 or not all(isinstance(g, int) and 1 <= g <= 4 for g in grouping):
        return POINT
    return Numbers(decimal=decimal, group=group, grouping=grouping, locale=tag)  # type: ignore[arg-type]


# --- currencies ----------------------------------------------------------------------------------
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


# --- reading -------------------------------------------------------------------------------------
_DIGITS = re.compile(r"[0-9]+")
_MARKS = {*SYMBOLS.values(), *SYMBOLS}


def parse_amount(text: str | int | Decimal, currency: str, *, rule: str = "M1", field: str = "amount") -> int:
    """Read a typed amount ("1,250.50") into minor units; refuse anything ambiguous or inexact."""
    shown = str(text).strip()
    n = numbers()
    body = _without_currency(shown.replace("_", ""), currency, rule, field)
    if not body:
        raise DomainError(rule, f"the amount is empty; type a number such as {_example(n)}.", field=field)
    sign = ""
    if body[0] in "+-":
        sign, body = body[0], body[1:].lstrip()
    digits = _read(body, n)
    if digits is None:
        raise DomainError(rule, _unreadable(shown[:40], body, currency, n), field=field)
    if len(digits) > 60:  # (before Decimal arithmetic, which overflows on a million digits)
        raise DomainError(rule, f"{shown[:40]}… is larger than Cairn can hold; check the amount.", field=field)
    minor = Decimal(sign + digits).scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        exp = exponent(currency)
        unit = "whole units" if exp == 0 else f"{exp} decimal place{'s' if exp > 1 else ''}"
        raise DomainError(rule, f"{currency} amounts have {unit}; {shown[:40]} is finer than that.", field=field)
    if abs(minor) > MAX_MINOR:
        raise DomainError(rule, f"{shown[:40]} is larger than Cairn can hold; check the amount.", field=field)
    return int(minor)


def _without_currency(body: str, currency: str, rule: str, field: str) -> str:
    """The amount without the contract's own symbol or code, before or after it."""
    own = {currency, SYMBOLS.get(currency, currency)}
    for mark in sorted(_MARKS | own, key=len, reverse=True):
        if body.startswith(mark) or body.endswith(mark):
            if mark not in own:
                raise DomainError(rule, f"this contract is in {currency}, not {mark}; type the amount in "
                                        f"{currency}, without {mark}.", field=field)
            body = (body[len(mark):] if body.startswith(mark) else body[: -len(mark)]).strip()
            break
    return body


def _read(body: str, n: Numbers) -> str | None:
    """The amount as plain digits with a point ("1234.5"), or None unless it reads one way only."""
    whole, mark, frac = body.partition(n.decimal)
    if frac and not _DIGITS.fullmatch(frac) or mark and not whole and not frac:
        return None  # "1.2.3", "1.x", "."
    if not whole and not frac:
        return None
    if whole and not _DIGITS.fullmatch(whole):
        groups = re.split("|".join(re.escape(s) for s in sorted(n.separators)), whole)
        if len(groups) < 2 or not all(_DIGITS.fullmatch(g) for g in groups):
            return None
        near, far = n.grouping
        if len(groups[-1]) != near or any(len(g) != far for g in groups[1:-1]) or len(groups[0]) > far \
                or groups[0].startswith("0"):
            return None
        whole = "".join(groups)
    return f"{whole or '0'}.{frac or '0'}"


def _unreadable(shown: str, body: str, currency: str, n: Numbers) -> str:
    """Why ``body`` was refused: what Cairn would read if it dropped the separators, and what to type."""
    other = Numbers(decimal=n.other, group=n.decimal)
    if n.decimal == ",":
        how = f"your locale ({n.locale}) takes a decimal comma, and points only between thousands (1.234,56)"
    else:
        how = "Cairn takes a decimal point, and commas only between thousands (1,234.56)"
    naive = body
    for s in n.separators:
        naive = naive.replace(s, "")
    naive_minor = _exact(_read(naive, n), currency) if naive != body else None
    meant_minor = _exact(_read(body, other), currency)
    mark = "point" if n.decimal == "." else "comma"
    if naive_minor is None and meant_minor is None:
        if naive == body and n.other not in body:
            return f"{shown!r} is not an amount; type digits with a decimal {mark}, such as {_example(n)}."
        return f"{shown!r} is not an amount: {how}; type it with a decimal {mark}, such as {_example(n)}."
    if naive_minor is not None:
        text = f"{shown!r} would read as {format_amount(naive_minor, currency)}, since {how}"
    else:
        text = f"{shown!r} is ambiguous: {how}"
    if meant_minor is not None and meant_minor != naive_minor:
        return text + f"; if you meant {format_amount(meant_minor, currency)}, type {typed_amount(meant_minor, currency)}."
    return text + f"; type it with a decimal {mark}, such as {_example(n)}."


def _exact(digits: str | None, currency: str) -> int | None:
    """``digits`` in minor units, if it is a whole number of them that Cairn can hold."""
    if digits is None:
        return None
    minor = Decimal(digits).scaleb(exponent(currency))
    if minor != minor.to_integral_value() or abs(minor) > MAX_MINOR:
        return None
    return int(minor)


def _example(n: Numbers) -> str:
    return "250.00" if n.decimal == "." else "250,00"


# --- writing -------------------------------------------------------------------------------------
def _grouped(whole: int, n: Numbers) -> str:
    digits = str(whole)
    near, far = n.grouping
    if len(digits) <= near:
        return digits
    head, tail = digits[:-near], [digits[-near:]]
    while len(head) > far:
        head, tail = head[:-far], [head[-far:], *tail]
    return n.group.join([head, *tail])


def format_amount(minor: int, currency: str, *, symbol: bool = True) -> str:
    """An amount as people read it: "$1,250.50", "1,250.50 CHF"; "1.250,50 €" with a decimal comma."""
    n = numbers()
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp) if exp else (abs(minor), 0)
    if n.standard:
        body = f"{whole:,}" + (f".{frac:0{exp}d}" if exp else "")
    else:
        body = _grouped(whole, n) + (f"{n.decimal}{frac:0{exp}d}" if exp else "")
    prefix = SYMBOLS.get(currency) if symbol else None
    if n.decimal == ",":
        return f"{sign}{body} {prefix or currency}"
    return f"{sign}{prefix}{body}" if prefix else f"{sign}{body} {currency}"


def typed_amount(minor: int, currency: str) -> str:
    """An amount as a person would type it, to fill a form with ("1250.50", or "1250,50")."""
    text = plain_amount(minor, currency)
    return text.replace(".", ",") if numbers().decimal == "," else text


def plain_amount(minor: int, currency: str) -> str:
    """An amount as a bare decimal for machines (exports): always "1250.50", whatever the locale."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    if not exp:
        return f"{sign}{abs(minor)}"
    whole, frac = divmod(abs(minor), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}"
