"""Foresight, where the user is the freelancer: the cash-flow forecast and the work at risk.

Forecast, per currency, for this week and the next ones (weeks run Monday to Sunday in the
local zone; the first one runs from now), three series kept apart (gross money; fees are the
profiles' business):

- **certain**: released money and bonuses still pending, at the instant they become available (P5);
- **expected**: work submitted and waiting, at its automatic-release instant (M11) — or sooner,
  at the submission plus the client's usual review time (median days from submission to release on
  the client's earlier milestones) when that comes first;
- **planned**: the active milestone and the future ones, at the end of their due date in the local
  zone (``dates.due_instant``).

What falls before now (overdue work, a client later than usual) counts in the first week; what falls
after the last week is ``later``; planned milestones without a due date and submitted work with no
automatic release and no review history are ``undated``.

Work at risk, per open contract: money not yet protected — future (unfunded) milestones whose due
date has come (the work is due, yet nothing is in escrow), escrow of work submitted and waiting, and
escrow under a refund request or dispute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from cairn.storage.dates import due_instant
from cairn.storage.queries.clients import client_key, usual_review_days
from cairn.storage.queries.reading import connection, instant, iso_utc, parse_day, parse_ts

SERIES = ("certain", "expected", "planned")


@dataclass
class Week:
    start: date  # the local Monday (the first week starts today, at now)
    certain: int = 0
    expected: int = 0
    planned: int = 0

    @property
    def total(self) -> int:
        return self.certain + self.expected + self.planned


@dataclass
class Forecast:
    currency: str
    weeks: list[Week]
    later: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERIES, 0))
    undated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERIES, 0))
    items: list[ForecastItem] = field(default_factory=list)

    def total(self, series: str) -> int:
        return sum(getattr(w, series) for w in self.weeks)


@dataclass(frozen=True)
class ForecastItem:
    """One amount in the forecast, so every figure can be traced to what makes it."""

    series: str
    amount: int
    at: datetime | None  # None: undated
    contract_id: int
    contract_title: str
    what: str  # the milestone's title, or 'payment' / 'bonus'
    basis: str  # available / auto-release / usual review / due date / no date


# Escrow held per milestone that can hold it (active, submitted); {mine}: one contract's only.
_HELD = """
held as (
  select l.milestone_id,
    sum(case when l.kind in ('deposit', 'credit_applied') then l.amount_minor
             when l.kind in ('release', 'refund', 'credit') then -l.amount_minor else 0 end) as amount
  from ledger_entry l
  where l.milestone_id in (select id from milestone where state in ('active', 'submitted') {mine})
  group by l.milestone_id)"""

_FORECAST = "with " + _HELD.format(mine="") + """
select 'certain', c.currency, l.amount_minor, l.available_at, null, null, c.id, c.title,
       case when l.kind = 'bonus' then 'bonus' else coalesce(m.title, 'payment') end, null
from ledger_entry l join contract c on c.id = l.contract_id left join milestone m on m.id = l.milestone_id
where l.kind in ('release', 'bonus') and l.available_at > :now and c.my_side = 'freelancer'
union all
select 'expected', c.currency, coalesce(h.amount, m.amount_minor), m.review_due_at, m.submitted_at, null,
       c.id, c.title, m.title, c.client_name
from milestone m join contract c on c.id = m.contract_id left join held h on h.milestone_id = m.id
where m.state = 'submitted' and c.status = 'open' and c.my_side = 'freelancer'
union all
select 'planned', c.currency, m.amount_minor, null, null, m.due_date, c.id, c.title, m.title, null
from milestone m join contract c on c.id = m.contract_id
where m.state in ('active', 'future') and c.status = 'open' and c.my_side = 'freelancer'
"""


def week_starts(now: datetime, weeks: int) -> list[datetime]:
    """The UTC instants at which each week starts: now, then each following local Monday 00:00."""
    today = now.astimezone().date()
    monday = today - timedelta(days=today.weekday())
    # A local Monday's midnight is the instant the Sunday before it ends (the zone's real rules).
    return [now] + [due_instant(monday + timedelta(days=7 * k - 1)) for k in range(1, weeks + 1)]


def forecast(db, clock, *, weeks: int = 8) -> list[Forecast]:
    """The cash-flow forecast per currency (see the module's docstring), in one SQL statement."""
    conn = connection(db)
    now = instant(clock)
    starts = week_starts(now, weeks)
    today = now.astimezone().date()
    monday = today - timedelta(days=today.weekday())
    usual = None
    out: dict[str, Forecast] = {}
    for series, cur, amount, at, submitted, due, cid, title, what, client in conn.execute(
            _FORECAST, {"now": iso_utc(now)}):
        f = out.get(cur)
        if f is None:
            f = out[cur] = Forecast(cur, [Week(today if k == 0 else monday + timedelta(days=7 * k))
                                          for k in range(weeks)])
        when: datetime | None
        if series == "certain":
            when, basis = parse_ts(at), "available"
        elif series == "expected":
            when, basis = parse_ts(at), "auto-release"
            if usual is None:
                usual = usual_review_days(conn)
            days = usual.get(client_key(client or ""))
            if days is not None:
                sooner = parse_ts(submitted) + timedelta(days=days)
                if when is None or sooner < when:
                    when, basis = sooner, "usual review"
        else:
            when, basis = (due_instant(parse_day(due)), "due date") if due else (None, "no date")
        if amount <= 0:
            continue
        f.items.append(ForecastItem(series, amount, when, cid, title, what, basis))
        if when is None:
            f.undated[series] += amount
        elif when >= starts[-1]:
            f.later[series] += amount
        else:
            k = max(0, sum(1 for s in starts[1:-1] if when >= s))
            setattr(f.weeks[k], series, getattr(f.weeks[k], series) + amount)
    for f in out.values():
        f.items.sort(key=lambda i: (i.at is None, i.at or now, i.contract_id))
    return [out[c] for c in sorted(out)]


@dataclass(frozen=True)
class Risk:
    contract_id: int
    title: str
    currency: str
    unfunded_due: int = 0  # future milestones due or overdue, nothing in escrow
    unfunded_count: int = 0
    submitted: int = 0  # escrow of work submitted and waiting
    disputed: int = 0  # escrow under a refund request or dispute

    @property
    def total(self) -> int:
        return self.unfunded_due + self.submitted + self.disputed


_RISK = "with " + _HELD + """,
m_risk as (
  select m.contract_id,
    sum(case when m.state = 'future' and m.due_date <= :today then m.amount_minor else 0 end) as unfunded,
    sum(case when m.state = 'future' and m.due_date <= :today then 1 else 0 end) as unfunded_n,
    sum(case when m.state = 'submitted' and r.id is null then coalesce(h.amount, 0) else 0 end) as submitted,
    sum(case when r.id is not null then coalesce(h.amount, 0) else 0 end) as disputed
  from milestone m left join held h on h.milestone_id = m.id
  left join refund_request r on r.milestone_id = m.id
       and r.status in ('pending', 'disputed', 'mediation', 'arbitration')
  where m.state in ('future', 'active', 'submitted') {mine_m} group by m.contract_id)
select c.id, c.title, c.currency, r.unfunded, r.unfunded_n, r.submitted, r.disputed
from m_risk r join contract c on c.id = r.contract_id
where c.my_side = 'freelancer' and c.status = 'open' and (r.unfunded + r.submitted + r.disputed) > 0 {only}
order by c.id desc
"""


def at_risk(db, clock, *, contract_id: int | None = None) -> list[Risk]:
    """Work at risk per open contract where the user is the freelancer (only contracts with some)."""
    now = instant(clock)
    only = "and c.id = :cid" if contract_id is not None else ""
    mine = "and contract_id = :cid" if contract_id is not None else ""  # one board: its own rows, by index
    rows = connection(db).execute(_RISK.format(only=only, mine=mine, mine_m=mine.replace("contract_id", "m.contract_id")), {"today": now.astimezone().date().isoformat(),
                                                                  "cid": contract_id})
    return [Risk(*r) for r in rows]


def risk_totals(risks: list[Risk]) -> dict[str, Risk]:
    """Work at risk in total, per currency."""
    out: dict[str, list[int]] = {}
    for r in risks:
        t = out.setdefault(r.currency, [0, 0, 0, 0])
        t[0] += r.unfunded_due
        t[1] += r.unfunded_count
        t[2] += r.submitted
        t[3] += r.disputed
    return {cur: Risk(0, "Total", cur, *t) for cur, t in sorted(out.items())}


__all__ = ["SERIES", "Forecast", "ForecastItem", "Risk", "Week", "at_risk", "forecast", "risk_totals",
           "week_starts"]
