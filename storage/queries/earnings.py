"""Money across contracts: the earnings report (P8) where the user is the freelancer, with the
platform's fees (P9), and the payouts where the user is the client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cairn.storage.queries.reading import connection, instant, iso_utc

if TYPE_CHECKING:
    from cairn.storage.clock import Clock

# Each contract's ledger in one row: the list's money columns, the board's and the payouts.
LEDGER_BY_CONTRACT = """
select contract_id,
  sum(case when kind = 'deposit' then amount_minor else 0 end) as deposited,
  sum(case when kind in ('release', 'bonus') then amount_minor else 0 end) as paid,
  sum(case when kind in ('release', 'bonus') and available_at > :now then amount_minor else 0 end) as pending,
  sum(case when kind in ('release', 'bonus') and available_at <= :now then amount_minor else 0 end) as available,
  sum(case when kind in ('deposit', 'credit_applied') then amount_minor
           when kind in ('release', 'credit') then -amount_minor
           when kind = 'refund' and milestone_id is not null then -amount_minor else 0 end) as escrow,
  sum(case when kind = 'credit' then amount_minor when kind = 'credit_applied' then -amount_minor
           when kind = 'refund' and milestone_id is null then -amount_minor else 0 end) as credit,
  sum(case when kind = 'refund' then amount_minor else 0 end) as refunded,
  sum(case when kind = 'bonus' then amount_minor else 0 end) as bonus,
  min(case when kind in ('release', 'bonus') and available_at > :now then available_at end) as next_available
from ledger_entry {where} group by contract_id
"""


@dataclass(frozen=True)
class Earnings:
    """P8, for the freelancer: one currency's (or one contract's) money by stage."""

    currency: str
    work_in_progress: int = 0
    in_review: int = 0
    pending: int = 0
    available: int = 0
    contract_id: int | None = None
    contract_title: str | None = None
    fee_pending: int = 0  # the platform's fee on pending money (P9)
    fee_available: int = 0

    @property
    def fee(self) -> int:
        return self.fee_pending + self.fee_available

    @property
    def gross(self) -> int:
        """Paid so far: pending and available, before the fee."""
        return self.pending + self.available

    @property
    def net(self) -> int:
        return self.gross - self.fee

    @property
    def net_pending(self) -> int:
        return self.pending - self.fee_pending

    @property
    def net_available(self) -> int:
        return self.available - self.fee_available


def contract_fees(db, clock: Clock, *, ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """The platform's fees of each contract where the user is the freelancer, as (on pending
    money, on available money); contracts with no fee left out. One pass over the payments,
    shared by the list's rows and its earnings (``earnings(contract_fees=...)``). ``ids``: only
    these contracts, each read by index (the list's first screenful), not a pass over them all."""
    from cairn.storage.queries.fees import fee_sums, payments, totals

    conn, now = connection(db), iso_utc(instant(clock))
    if ids is None:
        return fee_sums(conn, now, only="and c.my_side = 'freelancer'")
    out = {}
    mine = [cid for cid, side in conn.execute(
        f"select id, my_side from contract where id in ({', '.join('?' * len(ids))})", ids) if side == "freelancer"]
    for cid in mine:
        t = totals(payments(conn, contract_id=cid), now)
        if t.fee:
            out[cid] = (t.fee_pending, t.fee_available)
    return out


def earnings(db, clock: Clock, *, per_contract: bool = False, contract_id: int | None = None,
             fees: bool = True, contract_fees: dict[int, tuple[int, int]] | None = None) -> list[Earnings]:
    """P8 across the contracts where the user is the freelancer, per currency (or per contract).
    ``fees=False`` leaves the platform's fees at zero, for a caller that shows none (the fees
    are a second pass over every payment); ``contract_fees``: that pass already made
    (``contract_fees()``, read at the same instant), for every contract."""
    conn = connection(db)
    group = "c.id" if per_contract else "c.currency"
    where = "and c.id = :cid" if contract_id is not None else ""
    rows = conn.execute(f"""
        with held as (
          -- Only milestones that can hold escrow: a handful, found through ix_ledger_milestone.
          select l.milestone_id,
            sum(case when l.kind in ('deposit', 'credit_applied') then l.amount_minor
                     when l.kind in ('release', 'refund', 'credit') then -l.amount_minor else 0 end) as amount
          from ledger_entry l
          where l.milestone_id in (select id from milestone where state in ('active', 'submitted'))
          group by l.milestone_id),
        stage as (
          select m.contract_id,
            sum(case when m.state = 'active' then h.amount else 0 end) as wip,
            sum(case when m.state = 'submitted' then h.amount else 0 end) as review
          from milestone m join held h on h.milestone_id = m.id
          where m.state in ('active', 'submitted') group by m.contract_id),
        paid as (
          select contract_id,
            sum(case when available_at > :now then amount_minor else 0 end) as pending,
            sum(case when available_at <= :now then amount_minor else 0 end) as available
          -- +kind: a scan of the table is 4x quicker than a lookup per row through ix_ledger_available.
          from ledger_entry where +kind in ('release', 'bonus') group by contract_id)
        select c.currency, sum(coalesce(stage.wip, 0)), sum(coalesce(stage.review, 0)),
               sum(coalesce(paid.pending, 0)), sum(coalesce(paid.available, 0)), min(c.id), min(c.title)
        from contract c left join stage on stage.contract_id = c.id left join paid on paid.contract_id = c.id
        where c.my_side = 'freelancer' {where}
        group by {group} order by c.currency, min(c.id)
    """, {"now": iso_utc(instant(clock)), "cid": contract_id})
    from cairn.storage.queries.fees import fee_sums

    rows = rows.fetchall()
    only = "and c.my_side = 'freelancer'" + (" and c.id = :cid" if contract_id is not None else "")
    if contract_fees is not None and contract_id is None:
        per = contract_fees if fees else {}
    else:
        per = fee_sums(conn, iso_utc(instant(clock)), only=only, params={"cid": contract_id}) if fees else {}
    fee: dict[object, list[int]] = {}
    if per and not per_contract:
        # Streamed: a dict of every contract's currency would weigh 20 MB at 100,000 contracts.
        for cid, currency in conn.execute("select id, currency from contract where my_side = 'freelancer'"):
            if (p_a := per.get(cid)) is not None:
                t = fee.setdefault(currency, [0, 0])
                t[0] += p_a[0]
                t[1] += p_a[1]
    else:
        fee = {cid: list(v) for cid, v in per.items()}
    out = []
    for r in rows:
        t = fee.get(r[5] if per_contract else r[0], (0, 0))
        out.append(Earnings(r[0], r[1], r[2], r[3], r[4], r[5] if per_contract else None,
                            r[6] if per_contract else None, t[0], t[1]))
    return out


@dataclass(frozen=True)
class Payouts:
    """Where the user is the client: one currency's money paid out, never counted as earnings."""

    currency: str
    in_escrow: int = 0  # funded and still held
    released: int = 0  # paid to the freelancer from escrow
    bonus: int = 0
    refunded: int = 0  # back to the user


def payouts(db, clock: Clock) -> list[Payouts]:
    """Money the user pays out on contracts where the user is the client, per currency."""
    conn = connection(db)
    rows = conn.execute(LEDGER_BY_CONTRACT.format(
        where="where contract_id in (select id from contract where my_side = 'client')"),
        {"now": iso_utc(instant(clock))}).fetchall()
    currency = dict(conn.execute("select id, currency from contract where my_side = 'client'").fetchall())
    out: dict[str, list[int]] = {}
    for r in rows:
        t = out.setdefault(currency[r[0]], [0, 0, 0, 0])
        t[0] += r[5]  # escrow
        t[1] += r[2] - r[8]  # paid minus bonus: released from escrow
        t[2] += r[8]
        t[3] += r[7]
    return [Payouts(cur, *t) for cur, t in sorted(out.items())]
