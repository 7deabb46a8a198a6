"""Fees and net money (P9), derived from the ledger and each contract's fee rule at read time.

Nothing about a fee is stored but the rule: a payment's fee is worked out from its gross, the
contract's rule (storage/fees.py) and, for tiers, what the same client was billed before it — on
the same profile, in the same currency, in the order the payments happened (time, then id).
Undoing a release takes its fee with it; correcting a contract's rule corrects its fees.

One SQL statement reads the payments with what was billed before each (a window function); the
fees are worked out in Python, exactly, in integer minor units.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cairn.storage import fees

# "The same client": the same trimmed name, letter case aside, on the same profile and side, in the
# same currency. A contract with no client name is a client of its own. The index ix_contract_client
# (migration 0008) is on this expression, word for word: SQLite uses it only for the same text.
CLIENT = "case when trim(client_name) = '' then '#' || id else lower(trim(client_name)) end"

_PAYMENTS = """
with scope as (
  select id, profile_id, currency, fee_rule, my_side, """ + CLIENT + """ as client
  from contract {scope}),
paid as (
  select l.id, l.contract_id, l.milestone_id, l.kind, l.amount_minor, l.available_at, s.fee_rule, s.currency,
    coalesce(sum(l.amount_minor) over (
      partition by s.profile_id, s.my_side, s.client, s.currency order by l.at, l.id
      rows between unbounded preceding and 1 preceding), 0) as before
  from ledger_entry l join scope s on s.id = l.contract_id
  where +l.kind in ('release', 'bonus') {ledger})  -- +kind: a scan, quicker than a lookup per row (as summaries)
select id, contract_id, milestone_id, kind, amount_minor, available_at, fee_rule, currency, before
from paid {where} order by contract_id, id
"""

# Only the contracts billed to the same client as the one asked for take part in the window:
# equalities on every column of ix_contract_client, so they are found by index, not by a scan.
_SAME_CLIENTS = f"""where (profile_id, my_side, currency) = (select profile_id, my_side, currency from contract
                                                      where id = :cid)
  and {CLIENT} = (select {CLIENT} from contract where id = :cid)"""


# One contract's payments when its rule is not tiered: what was billed before does not matter.
_OWN_PAYMENTS = """
select l.id, l.contract_id, l.milestone_id, l.kind, l.amount_minor, l.available_at, c.fee_rule, c.currency, 0
from ledger_entry l join contract c on c.id = l.contract_id
where l.contract_id = :cid and l.kind in ('release', 'bonus') order by l.id
"""


@dataclass(frozen=True)
class Payment:
    """One release or bonus with its fee: gross = fee + net."""

    ledger_id: int
    contract_id: int
    milestone_id: int | None
    kind: str  # release or bonus
    gross: int
    fee: int
    available_at: str | None  # stored ISO instant: pending until then (P5)

    @property
    def net(self) -> int:
        return self.gross - self.fee


def payments(conn, *, contract_id: int | None = None) -> list[Payment]:
    """Every release and bonus (of one contract, or all) with its fee, by contract then ledger id."""
    return list(each_payment(conn, contract_id=contract_id))


def each_payment(conn, *, contract_id: int | None = None) -> Iterator[Payment]:
    """``payments``, one at a time: a check of every payment holds one, not 850,000 (150 MB)."""
    if contract_id is None:
        sql, params = _PAYMENTS.format(scope="", ledger="", where=""), {}
    else:
        params = {"cid": contract_id}
        rule = conn.execute("select fee_rule from contract where id = ?", (contract_id,)).fetchone()
        if rule is None:
            return
        if fees.stored(rule[0]).kind != "tiers":
            # A flat rate (or none) takes the same share of every payment, whatever the client was
            # billed before: the contract's own payments, by index, with no window over the same
            # client's contracts (~1 ms a contract with a busy client at 100,000 contracts).
            sql = _OWN_PAYMENTS
        else:
            # Only the ledger rows of the same client's contracts (by index): a board of 10,000
            # contracts read 85,000 ledger rows for its fees (50 ms per open), now a few.
            sql = _PAYMENTS.format(scope=_SAME_CLIENTS, ledger="and l.contract_id in (select id from scope)",
                                   where="where contract_id = :cid")
    for lid, cid, mid, kind, gross, available, rule, currency, before in conn.execute(sql, params):
        yield Payment(lid, cid, mid, kind, gross, fees.stored(rule).fee(gross, currency, before), available)


@dataclass(frozen=True)
class FeeTotals:
    gross: int = 0
    fee: int = 0
    fee_pending: int = 0  # the fee on money still pending (P5)
    fee_available: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.fee


def totals(items: list[Payment], now: str) -> FeeTotals:
    """``now``: the instant as stored (ISO, UTC), to tell pending money from available."""
    gross = fee = pending = 0
    for p in items:
        gross += p.gross
        fee += p.fee
        if p.available_at is not None and p.available_at > now:
            pending += p.fee
    return FeeTotals(gross, fee, pending, fee - pending)


# The fee of each payment at a flat rate, exactly in SQL: amount = q * 10000 + r, so
# round_half_up(amount * bp / 10000) = q * bp + (r * bp + 5000) / 10000, with no product beyond 2^63.
_FLAT = """
with rates(rule, bp) as (values {rates})
select l.contract_id,
  sum(case when l.available_at > :now then (l.amount_minor / 10000) * r.bp
           + (l.amount_minor % 10000 * r.bp + 5000) / 10000 else 0 end),
  sum(case when l.available_at <= :now then (l.amount_minor / 10000) * r.bp
           + (l.amount_minor % 10000 * r.bp + 5000) / 10000 else 0 end)
from ledger_entry l join contract c on c.id = l.contract_id join rates r on r.rule = c.fee_rule
where +l.kind in ('release', 'bonus') {only} group by l.contract_id
"""

# Tiers need what the client was billed before each payment: the window runs only over the
# clients of contracts with tiered rules.
_TIERED_CLIENTS = "where (profile_id, my_side, currency, " + CLIENT + """) in (
  select profile_id, my_side, currency, """ + CLIENT + """
  from contract where fee_rule in ({rules}))"""


def fee_sums(conn, now: str, *, only: str = "", params: dict | None = None) -> dict[int, tuple[int, int]]:
    """Each contract's fees as (on pending money, on available money), contracts with no fee left
    out. ``only`` narrows the contracts (SQL on ``c``, with ``params``). The list's earnings read
    this: flat rates in one aggregate statement, and the window of ``payments`` only for tiers."""
    params = {**(params or {}), "now": now}
    rules = [r for (r,) in conn.execute("select distinct fee_rule from contract")]
    flat, tiered = {}, []
    for r in rules:
        rule = fees.stored(r)
        if rule.kind == "flat":
            flat[r] = rule.tiers[0].bp
        elif rule.kind == "tiers":
            tiered.append(r)
    out: dict[int, tuple[int, int]] = {}
    if flat:
        names = {f"r{i}": r for i, r in enumerate(flat)}
        rates = ", ".join(f"(:r{i}, {bp})" for i, bp in enumerate(flat.values()))
        for cid, pending, available in conn.execute(_FLAT.format(rates=rates, only=only), {**params, **names}):
            out[cid] = (pending, available)
    if tiered:
        names = {f"t{i}": r for i, r in enumerate(tiered)}
        sql = _PAYMENTS.format(scope=_TIERED_CLIENTS.format(rules=", ".join(f":t{i}" for i in range(len(tiered)))),
                               ledger="and l.contract_id in (select id from scope)",
                               where="where fee_rule in (" + ", ".join(f":t{i}" for i in range(len(tiered))) + ")")
        wanted = None
        if only:
            wanted = {cid for (cid,) in conn.execute(f"select c.id from contract c where 1 {only}", params)}
        for _lid, cid, _m, _k, gross, available, rule, currency, before in conn.execute(sql, names):
            if wanted is not None and cid not in wanted:
                continue
            fee = fees.stored(rule).fee(gross, currency, before)
            p, a = out.get(cid, (0, 0))
            out[cid] = (p + fee, a) if available is not None and available > now else (p, a + fee)
    return out
