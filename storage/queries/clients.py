"""Clients across contracts: how each client pays, reviews and changes plans.

Where the user is the freelancer, per client (the contracts' client name, compared without
case and surrounding spaces): contracts, money paid (per currency, gross), the median days from
a submission to its release, the median days from one release to the next funding on the same
contract, change requests proposed and accepted, revision rounds asked for, refunds. Three SQL
statements; the medians are worked out from their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from cairn.storage.queries.reading import connection, parse_ts

_DAY = 86_400.0


@dataclass(frozen=True)
class ClientStats:
    name: str  # as first written on the client's newest contract
    contracts: int = 0
    open_contracts: int = 0
    paid: dict[str, int] = field(default_factory=dict)  # currency -> released + bonuses, gross
    refunded: dict[str, int] = field(default_factory=dict)  # currency -> refunded to the client
    refunds: int = 0  # refund movements
    review_days: float | None = None  # median days from submission to release
    reviews: int = 0  # releases the median is taken over
    funding_days: float | None = None  # median days from a release to the next funding
    fundings: int = 0
    requests_proposed: int = 0  # change requests (R2) sent, by either side
    requests_accepted: int = 0
    revisions: int = 0  # times the client asked for changes to submitted work (M10)
    contract_ids: tuple[int, ...] = ()


def client_key(name: str) -> str:
    return " ".join(name.split()).casefold()


_CONTRACTS = """
select c.id, c.client_name, c.status, c.currency,
  coalesce((select sum(amount_minor) from ledger_entry l where l.contract_id = c.id
            and l.kind in ('release', 'bonus')), 0),
  coalesce((select sum(amount_minor) from ledger_entry l where l.contract_id = c.id and l.kind = 'refund'), 0),
  (select count(*) from ledger_entry l where l.contract_id = c.id and l.kind = 'refund'),
  (select count(*) from change_request r where r.contract_id = c.id and r.status != 'withdrawn'),
  (select count(*) from change_request r where r.contract_id = c.id and r.status = 'accepted'),
  (select count(*) from event e left join action a on a.id = e.action_id
   where e.contract_id = c.id and e.kind = 'changes_requested' and a.undone_at is null)
from contract c where c.my_side = 'freelancer' {only} order by c.id desc
"""

# Each release from escrow beside the milestone's last submission before it.
_REVIEWS = """
select m.contract_id, m.submitted_at, min(l.at) from milestone m
join ledger_entry l on l.milestone_id = m.id and l.kind = 'release'
join contract c on c.id = m.contract_id
where m.submitted_at is not null and l.at >= m.submitted_at and c.my_side = 'freelancer' {only}
group by m.id
"""

# Fundings and releases of each contract in time order: the gap from a release to the next funding.
_MONEY_TIMES = """
select l.contract_id, l.kind, l.at from ledger_entry l join contract c on c.id = l.contract_id
where l.kind in ('deposit', 'release') and c.my_side = 'freelancer' {only}
order by l.contract_id, l.at, l.id
"""


def clients(db, *, name: str | None = None) -> list[ClientStats]:
    """Every client where the user is the freelancer, most contracts first (``name``: one client)."""
    conn = connection(db)
    only, params = "", {}  # one client is picked out below: names match by words, without case
    acc: dict[str, dict] = {}
    client_of: dict[int, str] = {}
    for cid, cname, status, cur, paid, refunded, refunds, proposed, accepted, revisions in conn.execute(
            _CONTRACTS.format(only=only), params):
        key = client_key(cname)
        if name is not None and key != client_key(name):
            continue
        client_of[cid] = key
        a = acc.setdefault(key, {"name": " ".join(cname.split()), "contracts": 0, "open": 0, "paid": {},
                                 "refunded": {}, "refunds": 0, "reviews": [], "fundings": [], "proposed": 0,
                                 "accepted": 0, "revisions": 0, "ids": []})
        a["contracts"] += 1
        a["open"] += status == "open"
        if paid:
            a["paid"][cur] = a["paid"].get(cur, 0) + paid
        if refunded:
            a["refunded"][cur] = a["refunded"].get(cur, 0) + refunded
        a["refunds"] += refunds
        a["proposed"] += proposed
        a["accepted"] += accepted
        a["revisions"] += revisions
        a["ids"].append(cid)
    for cid, submitted, released in conn.execute(_REVIEWS.format(only=only), params):
        if cid in client_of:
            acc[client_of[cid]]["reviews"].append((parse_ts(released) - parse_ts(submitted)).total_seconds() / _DAY)
    last_release: dict[int, str] = {}
    for cid, kind, at in conn.execute(_MONEY_TIMES.format(only=only), params):
        if cid not in client_of:
            continue
        if kind == "release":
            last_release[cid] = at
        elif cid in last_release:  # a funding after a release: the client's gap
            gap = (parse_ts(at) - parse_ts(last_release.pop(cid))).total_seconds() / _DAY
            acc[client_of[cid]]["fundings"].append(gap)
    out = [ClientStats(
        a["name"] or "(no client name)", a["contracts"], a["open"], dict(sorted(a["paid"].items())),
        dict(sorted(a["refunded"].items())), a["refunds"],
        median(a["reviews"]) if a["reviews"] else None, len(a["reviews"]),
        median(a["fundings"]) if a["fundings"] else None, len(a["fundings"]),
        a["proposed"], a["accepted"], a["revisions"], tuple(a["ids"])) for a in acc.values()]
    return sorted(out, key=lambda s: (-s.contracts, s.name.casefold()))


def usual_review_days(db) -> dict[str, float]:
    """Each client's median days from submission to release (the forecast's 'expected' date)."""
    return {client_key(s.name): s.review_days for s in clients(db) if s.review_days is not None}


__all__ = ["ClientStats", "client_key", "clients", "usual_review_days"]
