"""Reconciling with the platform: the marketplace's transaction-history CSV beside Cairn's record.

Reads both header layouts in circulation (the newer one, ``Date, Transaction ID, Transaction Type,
Transaction Summary, ..., Amount $, Amount in local currency, Currency, Current Balance $, Payment
Method``, and the older ``Date, Ref ID, Type, Description, Agency, Freelancer, Team, Account Name, PO,
Amount, Amount in local currency, Currency, Balance``) and matches its fixed-price, bonus, refund and
fee rows to Cairn's releases, bonuses and refunds by contract, amount and date. Changes nothing.

A file Cairn cannot read whole is refused with the line and column of the first problem: an
unknown or missing header, a bad date or number, text that is not UTF-8.

Matching, for each money row of the file (in date order): the Cairn movements of the same kind
within ``days`` of its date — on the contract the row names (its title or client appears in the
row's text), else on any contract; the same amount is a match (the closest date first); on a
named contract, a movement of another amount is an amount mismatch. A fee row goes beside the
payment it names: the platform words it "Service Fee for Fixed Price - Ref ID 900101" (or gives
that ref in the new layout's Ref ID column), so the payment row with that ref, and the Cairn
movement it matched; a fee row that names no payment goes beside the closest release or bonus of
the same contract within ``days``. Fees are not recorded in Cairn: each is checked against the
fee Cairn derives from the contract's rule (storage/queries/fees.py), and another amount is a fee
mismatch. Cairn's movements outside the file's dates (with the same margin) are not reported as
missing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from cairn.storage.money import exponent
from cairn.storage.queries.reading import connection, parse_ts

NEW_LAYOUT = ("Date", "Transaction ID", "Transaction Type", "Transaction Summary", "Amount $",
              "Amount in local currency", "Currency", "Current Balance $", "Payment Method")
# What the newer layout carries between the summary and the amount, depending on the export.
NEW_OPTIONAL = ("Description 1", "Description", "Ref ID", "Client/Team", "Team", "Contract", "Freelancer",
                "Agency")
OLD_LAYOUT = ("Date", "Ref ID", "Type", "Description", "Agency", "Freelancer", "Team", "Account Name", "PO",
              "Amount", "Amount in local currency", "Currency", "Balance")

# The row's type, as each layout words it, to what it is in Cairn.
KINDS = {
    "fixed price": "release", "fixed-price": "release", "fixed price payment": "release", "milestone": "release",
    "bonus": "bonus", "bonus payment": "bonus",
    "refund": "refund", "fixed price refund": "refund", "fixed-price refund": "refund",
    "service fee": "fee", "marketplace fee": "fee", "fee": "fee", "freelancer service fee": "fee",
}


class ReconcileError(ValueError):
    """The file cannot be read: says where (line and column) and what to do."""


@dataclass(frozen=True)
class FileRow:
    line: int
    on: date
    kind: str  # release, bonus, refund, fee
    amount: int  # minor units, without sign
    currency: str
    ref: str
    text: str  # the row's words, for the report and to find the contract
    contract_id: int | None = None
    refs: tuple[str, ...] = ()  # a fee row: the payment rows it names; a payment: its own refs


@dataclass(frozen=True)
class CairnMove:
    ledger_id: int
    contract_id: int
    contract_title: str
    kind: str
    amount: int
    currency: str
    at: datetime
    milestone: str | None


@dataclass
class Reconciliation:
    layout: str  # 'new' or 'old'
    rows: int  # lines read
    ignored: int  # rows of other types (withdrawals, hourly, memberships)
    matched: list[tuple[FileRow, CairnMove]] = field(default_factory=list)
    fees: list[tuple[FileRow, CairnMove]] = field(default_factory=list)  # fee rows beside their payment
    # Fee rows whose amount is not the fee Cairn derives for their payment (the third item).
    fee_mismatched: list[tuple[FileRow, CairnMove, int]] = field(default_factory=list)
    mismatched: list[tuple[FileRow, CairnMove]] = field(default_factory=list)
    only_in_file: list[FileRow] = field(default_factory=list)
    only_in_cairn: list[CairnMove] = field(default_factory=list)
    period: tuple[date, date] | None = None

    @property
    def clean(self) -> bool:
        return not (self.mismatched or self.fee_mismatched or self.only_in_file or self.only_in_cairn)


# --- reading the file ---------------------------------------------------------------------------
def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); anything else is refused where it goes wrong."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = data[:e.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ReconcileError(f"line {line}, column {column}: the file is not UTF-8 text (byte 0x{data[e.start]:02x}); "
                             "export the transaction history again as CSV, or save it as UTF-8.") from None


_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"))}


def parse_date(text: str) -> date:
    """'2026-03-05', 'Mar 5, 2026', 'March 5, 2026', '03/05/2026' (month first, as the platform writes)."""
    s = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", s):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if (m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4})", s)) and m[1].lower() in _MONTHS:
            return date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s):
            return date(int(m[3]), int(m[1]), int(m[2]))
    except ValueError:
        pass
    raise ValueError(f"{s[:30]!r} is not a date such as 2026-03-05 or Mar 5, 2026")


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_money(text: str, currency: str) -> int:
    """'$1,100.00', '-1100.00', '($20.00)', '1100' -> minor units (signed). Point decimals only."""
    s = text.strip()
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()").strip()
    if s.startswith("-") or s.startswith("+"):
        negative, s = negative or s[0] == "-", s[1:].strip()
    s = s.lstrip("$€£").strip()
    if s.startswith("-"):  # '$-20.00'
        negative, s = True, s[1:]
    if not _NUMBER.fullmatch(s):
        raise ValueError(f"{text.strip()[:30]!r} is not an amount such as 1,100.00")
    try:
        minor = Decimal(s.replace(",", "")).scaleb(exponent(currency))
    except InvalidOperation:
        raise ValueError(f"{text.strip()[:30]!r} is not an amount such as 1,100.00") from None
    if minor != minor.to_integral_value():
        raise ValueError(f"{text.strip()[:30]!r} is finer than {currency} allows")
    return -int(minor) if negative else int(minor)


def read(data: bytes) -> tuple[str, list[dict[str, str]], list[int]]:
    """The layout, the rows as {header: cell} and each row's line number; refused on any problem."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise ReconcileError(f"line 1: {e}; the header is not CSV.") from None
    if not header or not any(h.strip() for h in header):
        raise ReconcileError("line 1: the file is empty; export the transaction history as CSV.")
    names = [h.strip() for h in header]
    layout = _layout(names)
    rows, lines = [], []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                raise ReconcileError(f"line {reader.line_num}: {len(cells)} columns where the header has "
                                     f"{len(names)}; the file is cut or was edited.")
            rows.append(dict(zip(names, cells, strict=True)))
            lines.append(reader.line_num)
    except csv.Error as e:
        raise ReconcileError(f"line {reader.line_num}: {e}; the file is not valid CSV.") from None
    return layout, rows, lines


def _layout(names: list[str]) -> str:
    seen = set()
    for i, n in enumerate(names, 1):
        if n in seen:
            raise ReconcileError(f"line 1, column {i}: the header {n!r} appears twice.")
        seen.add(n)
    if names[:1] == ["Date"] and "Transaction ID" in names:
        known, required, layout = set(NEW_LAYOUT) | set(NEW_OPTIONAL), NEW_LAYOUT, "new"
    elif names[:1] == ["Date"] and "Ref ID" in names and "Type" in names:
        known, required, layout = set(OLD_LAYOUT), OLD_LAYOUT, "old"
    else:
        raise ReconcileError(f"line 1, column 1: unknown header {','.join(names)[:80]!r}; Cairn reads the "
                             "marketplace's transaction history (Date, Transaction ID, Transaction Type, ... or "
                             "Date, Ref ID, Type, Description, ...).")
    for i, n in enumerate(names, 1):
        if n not in known:
            raise ReconcileError(f"line 1, column {i}: unknown column {n!r} in the {layout} layout; "
                                 f"expected {', '.join(required)}.")
    missing = [n for n in required if n not in seen]
    if missing:
        raise ReconcileError(f"line 1: the {layout} layout's column {missing[0]!r} is missing.")
    return layout


# --- matching -----------------------------------------------------------------------------------
_MOVES = """
select l.id, c.id, c.title, l.kind, l.amount_minor, c.currency, l.at, m.title
from ledger_entry l join contract c on c.id = l.contract_id left join milestone m on m.id = l.milestone_id
where l.kind in ('release', 'bonus', 'refund') and l.at >= :start and l.at < :end
order by l.at, l.id
"""


def reconcile(db, data: bytes, *, days: int = 3) -> Reconciliation:
    """Read ``data`` (the CSV's bytes) and set it beside Cairn's movements. Writes nothing."""
    layout, rows, lines = read(data)
    names = list(rows[0]) if rows else []
    type_col = "Transaction Type" if layout == "new" else "Type"
    ref_col = "Transaction ID" if layout == "new" else "Ref ID"
    text_cols = [n for n in ("Transaction Summary", "Description", "Description 1", "Team", "Client/Team",
                             "Contract", "Account Name") if n in names]
    parsed: list[tuple[int, dict[str, str], date, str]] = []
    ignored = 0
    for line, row in zip(lines, rows, strict=True):
        kind = KINDS.get(" ".join(row[type_col].split()).casefold())
        try:
            on = parse_date(row["Date"])
        except ValueError as e:
            raise ReconcileError(f"line {line}, column {names.index('Date') + 1}: {e}.") from None
        if kind is None:
            ignored += 1
            continue
        parsed.append((line, row, on, kind))
    if not parsed:
        return Reconciliation(layout, len(rows), ignored)
    start = min(p[2] for p in parsed) - timedelta(days=days)
    end = max(p[2] for p in parsed) + timedelta(days=days + 1)
    moves = [CairnMove(lid, cid, title, kind, amount, cur, parse_ts(at), mtitle) for lid, cid, title, kind, amount, cur,
             at, mtitle in connection(db).execute(_MOVES, {"start": _iso_day(start - timedelta(days=1)),
                                                                      "end": _iso_day(end + timedelta(days=1))})]
    # Every contract a row may name, not only those with movements in the period.
    contracts = {cid: (title, client, cur) for cid, title, client, cur in
                 connection(db).execute("select id, title, client_name, currency from contract")}
    file_rows, raw = [], {}
    for line, row, on, kind in parsed:
        words = " ".join(row[c] for c in text_cols)
        cid = _named_contract(words, contracts)
        currency = contracts[cid][2] if cid is not None else "USD"  # the platform's own amounts: dollars
        amount = abs(_amount(row, currency, layout, names, line))
        raw[line] = row
        own = row[ref_col].strip()
        column = row.get("Ref ID", "").strip() if layout == "new" else ""  # the new layout's link
        if kind == "fee":
            refs = tuple(dict.fromkeys([*_REF.findall(words), *([column] if column and column != own else [])]))
        else:
            refs = tuple(x for x in (own, column) if x)
        file_rows.append(FileRow(line, on, kind, amount, currency, own, " ".join(words.split()), cid, refs))
    out = Reconciliation(layout, len(rows), ignored, period=(start + timedelta(days=days),
                                                             end - timedelta(days=days + 1)))
    free = list(moves)
    window = timedelta(days=days)

    def near(r: FileRow, m: CairnMove) -> bool:
        return abs(m.at.astimezone().date() - r.on) <= window

    def closest(r: FileRow, pool: list[CairnMove]) -> CairnMove | None:
        return min(pool, key=lambda m: (abs(m.at.astimezone().date() - r.on), m.ledger_id), default=None)

    payments = [r for r in file_rows if r.kind != "fee"]
    for r in payments:
        pool = [m for m in free if m.kind == r.kind and near(r, m)
                and (r.contract_id is None or m.contract_id == r.contract_id)]
        exact = closest(r, [m for m in pool if m.amount == r.amount and m.currency == r.currency])
        if exact is not None:
            out.matched.append((r, exact))
            free.remove(exact)
        elif r.contract_id is not None and (other := closest(r, pool)) is not None:
            out.mismatched.append((r, other))
            free.remove(other)
        else:
            out.only_in_file.append(r)
    pairs = [(f, m) for f, m in out.matched + out.mismatched if m.kind in ("release", "bonus")]
    by_ref = {ref: m for f, m in pairs for ref in f.refs}
    paid = [m for _, m in pairs]
    derived = _derived_fees(db, {m.contract_id for m in paid})
    for r in (r for r in file_rows if r.kind == "fee"):
        home = next((by_ref[ref] for ref in r.refs if ref in by_ref), None)
        if home is None:
            pool = [m for m in paid if near(r, m) and (r.contract_id is None or m.contract_id == r.contract_id)]
            home = closest(r, pool)
        if home is None:
            out.only_in_file.append(r)
            continue
        if r.currency != home.currency:  # a fee row that names no contract was read in dollars
            r = replace(r, currency=home.currency, amount=abs(_amount(raw[r.line], home.currency, layout, names,
                                                                      r.line)))
        fee = derived.get(home.ledger_id, 0)
        if r.amount == fee:
            out.fees.append((r, home))
        else:
            out.fee_mismatched.append((r, home, fee))
    out.only_in_cairn = [m for m in free if out.period[0] - window <= m.at.astimezone().date()
                         <= out.period[1] + window]
    return out


def _amount(row: dict[str, str], currency: str, layout: str, names: list[str], line: int) -> int:
    """The row's amount in ``currency``: the platform's dollars, or the local column where the row
    is in the contract's own currency."""
    col = "Amount $" if layout == "new" else "Amount"
    if currency != "USD" and row.get("Currency", "").strip().upper() == currency:
        col = "Amount in local currency"
    try:
        return parse_money(row[col], currency)
    except ValueError as e:
        raise ReconcileError(f"line {line}, column {names.index(col) + 1}: {e}.") from None


# "Service Fee for Fixed Price - Ref ID 900101", "Ref# 900101", "Ref: 900101"
_REF = re.compile(r"\bref(?:erence)?\.?\s*(?:id|no\.?|number)?\s*[:#]?\s*([0-9][0-9A-Za-z-]{3,})", re.IGNORECASE)


def _derived_fees(db, contract_ids: set[int]) -> dict[int, int]:
    """The fee Cairn derives for each release and bonus of these contracts, by ledger id."""
    from cairn.storage.queries.fees import payments

    conn = connection(db)
    return {p.ledger_id: p.fee for cid in sorted(contract_ids) for p in payments(conn, contract_id=cid)}


def _named_contract(words: str, contracts: dict[int, tuple[str, str, str]]) -> int | None:
    """The contract whose title (else client) the row's text names; the longest name wins, and a
    name two contracts share names neither."""
    hay = " ".join(words.split()).casefold()
    for part in (0, 1):
        found: dict[str, list[int]] = {}
        for cid, names in contracts.items():
            name = " ".join(names[part].split()).casefold()
            if len(name) >= 3 and name in hay:
                found.setdefault(name, []).append(cid)
        if found:
            best = max(found, key=len)
            return found[best][0] if len(found[best]) == 1 else None
    return None


def _iso_day(day: date) -> str:
    # The file's dates are local days; the ledger's instants are UTC: a day of margin either way.
    return datetime(day.year, day.month, day.day, tzinfo=UTC).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


__all__ = ["CairnMove", "FileRow", "Reconciliation", "ReconcileError", "parse_date", "parse_money", "read",
           "reconcile"]
