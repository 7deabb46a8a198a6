"""The contract list's queries: summaries, versions, the earnings report (P8) and the deadlines
(G3), each in one or a few SQL statements on plain ``sqlite3``.

Imports no ORM and no pendulum, so the first screen can be drawn before they load. Reads never
write; timers are applied by the operations (``cairn.storage.operations.timers``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from cairn.storage.dates import due_instant

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database

def _ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def instant(clock: Clock) -> datetime:
    """The clock's instant as a plain UTC datetime (SystemClock needs no pendulum for it)."""
    return _now(clock)


def _now(clock: Clock) -> datetime:
    # A plain datetime: arithmetic and comparisons stay in the standard library (fast, and
    # pendulum 3 drops the zone of ``now + timedelta`` when tzinfo is datetime.UTC).
    fast = getattr(clock, "utcnow", None)
    if fast is not None:
        return fast()
    n = clock.now().astimezone(UTC)
    return datetime(n.year, n.month, n.day, n.hour, n.minute, n.second, n.microsecond, tzinfo=UTC)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- rows ---------------------------------------------------------------------------
class Deadline(NamedTuple):
    """G3: one deadline that matters, as a UTC instant. A tuple: ``cairn due`` makes one per
    milestone of every open contract (25,000 at 10,000 contracts), three times quicker than a
    frozen dataclass."""

    at: datetime
    kind: str  # due, review, available, refund_answer, feedback
    label: str
    contract_id: int
    contract_title: str
    milestone_title: str | None = None
    day: date | None = None  # a due date's calendar day: shown as the date, never as the next midnight
    my_side: str = "freelancer"  # the client's deadlines read as the client's
    ref: str = ""  # what the deadline is, stable across exports: "m12", "l40", "r3", "c5"

    def overdue(self, now: datetime) -> bool:
        return self.at <= now


# Deadlines' order: (at, contract_id, label), read in C (25,000 of them at 10,000 contracts).
_DEADLINE_ORDER = itemgetter(0, 3, 2)
# A row made from all its fields at once, without the Python-level __new__ a NamedTuple's
# constructor runs (half the cost of the milestones' loop in ``deadlines``).
_new = tuple.__new__


class ContractSummary(NamedTuple):
    """One contract with its money and what needs attention, as of ``as_of``.

    A tuple of the list query's own columns (100,000 of them are built in a fraction of the
    query's time and weigh about a kilobyte each); what is derived from them (the next
    deadline, overdue, what needs attention) is worked out when asked for, which for a list is
    only for the rows drawn on screen.
    """

    id: int
    title: str
    client_name: str
    my_side: str
    status: str
    archived_flag: int
    currency: str
    version: int
    value: int
    funded: int
    escrow: int
    paid: int
    pending: int
    available: int
    credit: int
    unread: int
    pending_requests: int
    refund_due: str | None
    submitted: int
    active: int
    futures: int
    milestones: int
    released_count: int
    review_due: str | None
    next_due: str | None
    next_available: str | None
    ended_at: str | None
    feedback_at: str | None
    feedback_days: int
    kind: str
    as_of: datetime
    dispute: str | None = None  # a refund request's dispute stage: disputed, mediation, arbitration (P6)

    @property
    def archived(self) -> bool:
        return bool(self.archived_flag)

    @property
    def pending_request(self) -> bool:
        return bool(self.pending_requests)

    @property
    def refund_request(self) -> bool:
        return self.refund_due is not None

    @property
    def awaiting_review(self) -> bool:
        return bool(self.submitted)

    @property
    def overdue(self) -> bool:
        return bool(self.next_due) and self.status == "open" and _due_at(self.next_due, self.as_of) <= self.as_of

    @property
    def attention(self) -> str:
        return _attention(self.my_side, self.status, self.kind, self.unread, self.pending_requests,
                          self.refund_due, self.submitted, self.active, self.futures, self.overdue,
                          self.milestones, self.dispute)

    def next_deadline_at(self) -> tuple[datetime, str] | None:
        """(instant, kind) of the soonest deadline: ``next_deadline`` without building it."""
        best = None
        if self.next_due:
            best = (_due_at(self.next_due, self.as_of), "due")
        # The freelancer's money becoming available is not the client's deadline.
        available = self.next_available if self.my_side == "freelancer" else None
        for text, kind in ((self.review_due, "review"), (self.refund_due, "refund_answer"),
                           (available, "available")):
            if text:
                at = _ts(text)
                if best is None or at < best[0]:  # on a tie the earlier kind stays, as min() did
                    best = (at, kind)
        if self.ended_at and not self.feedback_at:
            end = _ts(self.ended_at) + timedelta(days=self.feedback_days)
            if end > self.as_of and (best is None or end < best[0]):
                best = (end, "feedback")
        return best

    @property
    def next_deadline(self) -> Deadline | None:
        """G3: the soonest of the contract's deadlines."""
        best = self.next_deadline_at()
        if best is None:
            return None
        at, kind = best
        label = {"due": f"due {self.next_due}", "review": "auto-release", "refund_answer": "refund answer",
                 "available": "available", "feedback": "feedback window"}[kind]
        day = _day(self.next_due) if kind == "due" else None
        return Deadline(at, kind, label, self.id, self.title, day=day, my_side=self.my_side)


def _due_at(day: str, as_of: datetime | None = None) -> datetime:
    """``due_instant`` of an ISO day, for the list: cached (the days in a list are few), and
    keyed by the local zone too, so a change of zone (``TZ``) is seen."""
    return _due_at_in(day, time.tzname, time.timezone)


@lru_cache(maxsize=4096)
def _due_at_in(day: str, tzname: tuple[str, str], offset: int) -> datetime:
    return due_instant(date.fromisoformat(day))


_LEDGER_BY_CONTRACT = """
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

_SUMMARIES = """
with page as (select c.id from contract c {where} order by {order} {limit}),
led as (""" + _LEDGER_BY_CONTRACT.format(where="where contract_id in (select id from page)") + """),
ms as (
  select contract_id,
    sum(case when state in ('future', 'active', 'submitted', 'released') then amount_minor else 0 end) as value,
    sum(case when state in ('future', 'active', 'submitted', 'released') then 1 else 0 end) as n,
    sum(case when state = 'released' then 1 else 0 end) as released_n,
    sum(case when state = 'future' then 1 else 0 end) as futures,
    max(case when state = 'active' then 1 else 0 end) as has_active,
    max(case when state = 'submitted' then 1 else 0 end) as has_submitted,
    min(case when state = 'submitted' then review_due_at end) as review_due,
    min(case when state in ('future', 'active') then due_date end) as next_due  -- M12: still to deliver
  from milestone where state != 'deleted' and contract_id in (select id from page) group by contract_id),
ev as (select contract_id, count(*) as unread from event where read = 0
       and contract_id in (select id from page) group by contract_id),
cr as (select contract_id, count(*) as n from change_request where status = 'pending' group by contract_id),
rr as (select contract_id, min(case when status = 'pending' then answer_due_at end) as due,
         max(case when status != 'pending' then status end) as dispute
       from refund_request where status in ('pending', 'disputed', 'mediation', 'arbitration')
       group by contract_id)
select c.id, c.title, c.client_name, c.my_side, c.status, c.archived, c.currency, c.version,
  coalesce(ms.value, 0), coalesce(led.deposited, 0), coalesce(led.escrow, 0), coalesce(led.paid, 0),
  coalesce(led.pending, 0), coalesce(led.available, 0), coalesce(led.credit, 0), coalesce(ev.unread, 0),
  coalesce(cr.n, 0), rr.due, coalesce(ms.has_submitted, 0), coalesce(ms.has_active, 0),
  coalesce(ms.futures, 0), coalesce(ms.n, 0), coalesce(ms.released_n, 0), ms.review_due, ms.next_due,
  led.next_available, c.ended_at, c.feedback_at, c.feedback_days, c.kind, rr.dispute
from page join contract c on c.id = page.id
left join led on led.contract_id = c.id left join ms on ms.contract_id = c.id
left join ev on ev.contract_id = c.id left join cr on cr.contract_id = c.id
left join rr on rr.contract_id = c.id
order by c.status = 'ended', c.id desc
"""


def contract_summaries(db: Database | object, clock: Clock, *, include_ended: bool = True,
                       include_archived: bool = False, limit: int | None = None,
                       ids: list[int] | None = None) -> list[ContractSummary]:
    """Every contract with its money and what needs attention, in one statement.

    ``limit`` returns only the first rows in the default order (open first, newest first):
    enough for a first screen, in milliseconds even with 10,000 contracts; ``ids`` only
    those contracts (a refresh of what changed, see ``contract_versions``)."""
    conn = _conn(db)
    now = _now(clock)
    sql, params = summaries_statement(now, include_ended=include_ended, include_archived=include_archived,
                                      limit=limit, ids=ids)
    # Streamed, not fetched: the query's own rows go as each summary is made (peak memory).
    # What rows repeat (side, status, currency, kind, a client's name, a due day) is kept once,
    # not once a row: a third of what 100,000 summaries weigh. Titles are the user's own, one
    # a contract, so they are not looked up.
    new = tuple.__new__
    same = {}.setdefault
    return [new(ContractSummary, (*r[:2], same(r[2], r[2]), same(r[3], r[3]), same(r[4], r[4]), r[5],
                                  same(r[6], r[6]), *r[7:23], same(r[23], r[23]), same(r[24], r[24]),
                                  same(r[25], r[25]), *r[26:29], same(r[29], r[29]), now, r[30]))
            for r in conn.execute(sql, params)]


def summaries_statement(now: datetime, *, include_ended: bool = True, include_archived: bool = False,
                         limit: int | None = None, ids: list[int] | None = None) -> tuple[str, dict]:
    """The one SQL statement behind ``contract_summaries`` and its parameters (the benchmark
    times it alone, as the floor of the list's cost)."""
    where = []
    if not include_ended:
        where.append("c.status = 'open'")
    if not include_archived:
        where.append("c.archived = 0")
    if ids is not None:
        where.append(f"c.id in ({','.join(str(int(i)) for i in ids) or 'null'})")
    # Open contracts only: newest first is the whole order, and SQLite walks the status index
    # backwards and stops at the limit instead of sorting every open contract (7 ms -> 0.1 ms).
    order = "c.id desc" if not include_ended else "c.status = 'ended', c.id desc"
    sql = _SUMMARIES.format(where=("where " + " and ".join(where)) if where else "", order=order,
                            limit=f"limit {int(limit)}" if limit is not None else "")
    return sql, {"now": _iso(now)}


def contract_versions(db) -> dict[int, tuple[int, int]]:
    """Every contract's (version, unread events): the version is bumped by each change, the
    unread count by reading events on a board. What changed is what a list must re-read."""
    return {cid: (version, unread) for cid, version, unread in _conn(db).execute(
        """select c.id, c.version, coalesce(u.n, 0) from contract c
           left join (select contract_id, count(*) as n from event where read = 0 group by contract_id) u
             on u.contract_id = c.id""")}


DISPUTE_STAGES = {"disputed": "In dispute", "mediation": "In mediation", "arbitration": "In arbitration"}


def _attention(side, status, kind, unread, pending_cr, refund_due, submitted, active, futures, overdue, n,
               dispute=None) -> str:
    freelancer = side == "freelancer"
    if refund_due:
        return "Answer refund request" if freelancer else "Refund request pending"
    if dispute:
        return DISPUTE_STAGES[dispute]
    if status != "open":
        return ""
    if pending_cr:
        return "Change request pending" if freelancer else "Review change request"
    if submitted:
        return "In review" if freelancer else "Review submitted work"
    if overdue:
        return "Overdue"
    if active:
        return "Work in progress" if freelancer else "Freelancer working"
    if futures:
        return "Waiting for funding" if freelancer else "Fund next milestone"
    if kind == "fixed" and not n:
        return "Add milestones"
    if kind == "fixed":
        return "All milestones done: end contract?"
    return ""


def _conn(db):
    return db.reader() if hasattr(db, "reader") else db

# --- across contracts ------------------------------------------------------------------------
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


def contract_fees(db, clock: Clock) -> dict[int, tuple[int, int]]:
    """The platform's fees of each contract where the user is the freelancer, as (on pending
    money, on available money); contracts with no fee left out. One pass over the payments,
    shared by the list's rows and its earnings (``earnings(contract_fees=...)``)."""
    from cairn.storage.queries.fees import fee_sums

    return fee_sums(_conn(db), _iso(_now(clock)), only="and c.my_side = 'freelancer'")


def earnings(db, clock: Clock, *, per_contract: bool = False, contract_id: int | None = None,
             fees: bool = True, contract_fees: dict[int, tuple[int, int]] | None = None) -> list[Earnings]:
    """P8 across the contracts where the user is the freelancer, per currency (or per contract).
    ``fees=False`` leaves the platform's fees at zero, for a caller that shows none (the fees
    are a second pass over every payment); ``contract_fees``: that pass already made
    (``contract_fees()``, read at the same instant), for every contract."""
    conn = _conn(db)
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
    """, {"now": _iso(_now(clock)), "cid": contract_id})
    from cairn.storage.queries.fees import fee_sums

    rows = rows.fetchall()
    only = "and c.my_side = 'freelancer'" + (" and c.id = :cid" if contract_id is not None else "")
    if contract_fees is not None and contract_id is None:
        per = contract_fees if fees else {}
    else:
        per = fee_sums(conn, _iso(_now(clock)), only=only, params={"cid": contract_id}) if fees else {}
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
    conn = _conn(db)
    rows = conn.execute(_LEDGER_BY_CONTRACT.format(
        where="where contract_id in (select id from contract where my_side = 'client')"),
        {"now": _iso(_now(clock))}).fetchall()
    currency = dict(conn.execute("select id, currency from contract where my_side = 'client'").fetchall())
    out: dict[str, list[int]] = {}
    for r in rows:
        t = out.setdefault(currency[r[0]], [0, 0, 0, 0])
        t[0] += r[5]  # escrow
        t[1] += r[2] - r[8]  # paid minus bonus: released from escrow
        t[2] += r[8]
        t[3] += r[7]
    return [Payouts(cur, *t) for cur, t in sorted(out.items())]


# G3's due dates: a milestone still to deliver (M12, dates.TO_DELIVER), with a due date, on an open contract, in the
# words of the user's side. One place for the rule and the words, read by ``deadlines`` and
# ``deadline_rows`` (+c.status: a scan of the milestones, quicker than a lookup per open contract).
_DUE_DATES = """from milestone m join contract c on c.id = m.contract_id
    where m.state in ('future', 'active') and m.due_date is not null and +c.status = 'open' {only}"""
_DUE_LABEL = """case when c.my_side = 'freelancer' then '"' || m.title || '" due'
    else '"' || m.title || '" due from the freelancer' end"""


class _DueDays(dict):
    """ISO due date -> (the instant it ends, the day): worked out once per date (a list has few)."""

    def __missing__(self, due: str) -> tuple[datetime, date]:
        self[due] = value = (_due_at(due), _day(due))
        return value


def deadlines(db, clock: Clock, *, within: timedelta | None = None, contract_id: int | None = None,
              include_overdue: bool = True) -> list[Deadline]:
    """G3: due dates, auto-release (M11), pending -> available (P5), refund answers (P6) and the
    feedback window (C4), soonest first. Where the user is the client the labels say what the
    user must do, and the freelancer's money becoming available is not the user's deadline."""
    conn = _conn(db)
    now = _now(clock)
    params = {"now": _iso(now), "cid": contract_id}
    only = "and c.id = :cid" if contract_id is not None else ""
    days = _DueDays()
    out: list[Deadline] = []
    add = out.append
    for due, cid, title, label, mt, side, mid in conn.execute(
            f"select m.due_date, c.id, c.title, {_DUE_LABEL}, m.title, c.my_side, m.id {_DUE_DATES.format(only=only)}",
            params):
        at, day = days[due]
        add(_new(Deadline, (at, "due", label, cid, title, mt, day, side, f"m{mid}")))
    out += _other_deadlines(conn, now, params, only)
    if not include_overdue:
        out = [d for d in out if d.at > now]
    if within is not None:
        out = [d for d in out if d.at <= now + within]
    return sorted(out, key=_DEADLINE_ORDER)


def deadline_rows(db, clock: Clock) -> list[tuple[datetime, date | None, int, str, str]]:
    """Every deadline of ``deadlines``, in its order, as (at, day, contract id, contract title,
    label): the lean reading for printing them all (``cairn due``: 25,000 at 10,000 contracts).
    The due dates, nearly all of them, come from SQLite already in order with their words, and
    no Deadline is made for each; the few others are merged in."""
    conn = _conn(db)
    now = _now(clock)
    params = {"now": _iso(now), "cid": None}
    others = sorted(_other_deadlines(conn, now, params, ""), key=_DEADLINE_ORDER)
    days = _DueDays()
    out: list[tuple[datetime, date | None, int, str, str]] = []
    add = out.append
    i, n = 0, len(others)
    next_at = others[0].at if others else None
    last = at = day = None
    for due, cid, title, label in conn.execute(
            f"select m.due_date, c.id, c.title, {_DUE_LABEL} as label {_DUE_DATES.format(only='')} "
            "order by m.due_date, c.id, label", params):
        if due != last:
            before, (at, day), last = at, days[due], due
            if before is not None and at <= before:  # a due date kept from an older Cairn (9999-12-31)
                return [(d.at, d.day, d.contract_id, d.contract_title, d.label) for d in deadlines(db, clock)]
        # The others that come first: an earlier instant, or the same one and a smaller (contract, label).
        while next_at is not None and (next_at < at or (next_at == at and (others[i].contract_id, others[i].label)
                                                         < (cid, label))):
            d = others[i]
            add((d.at, d.day, d.contract_id, d.contract_title, d.label))
            i += 1
            next_at = others[i].at if i < n else None
        add((at, day, cid, title, label))
    out += [(d.at, d.day, d.contract_id, d.contract_title, d.label) for d in others[i:]]
    return out


def _other_deadlines(conn, now: datetime, params: dict, only: str) -> list[Deadline]:
    """Every deadline but the due dates: reviews, money becoming available, refund answers and
    the feedback window (a few per contract at most)."""
    from cairn.storage.money import format_amount

    out: list[Deadline] = []
    for cid, title, side, mt, review_at, mid in conn.execute(f"""
            select c.id, c.title, c.my_side, m.title, m.review_due_at, m.id
            from milestone m join contract c on c.id = m.contract_id
            where m.state = 'submitted' and m.review_due_at is not null and +c.status = 'open' {only}""", params):
        label = (f"\"{mt}\" released automatically" if side == "freelancer"
                 else f"you review \"{mt}\" by then, or it is released automatically")
        out.append(Deadline(_ts(review_at), "review", label, cid, title, mt, None, side, f"m{mid}"))
    for cid, title, amount, cur, kind, at, lid in conn.execute(f"""
            select c.id, c.title, l.amount_minor, c.currency, l.kind, l.available_at, l.id
            from ledger_entry l join contract c on c.id = l.contract_id
            where l.kind in ('release', 'bonus') and l.available_at > :now and c.my_side = 'freelancer' {only}""",
                                                          params):
        what = "bonus" if kind == "bonus" else "payment"
        out.append(Deadline(_ts(at), "available", f"{format_amount(amount, cur)} {what} becomes available",
                            cid, title, ref=f"l{lid}"))
    for cid, title, side, amount, cur, at, rid in conn.execute(f"""
            select c.id, c.title, c.my_side, r.amount_minor, c.currency, r.answer_due_at, r.id
            from refund_request r join contract c on c.id = r.contract_id where r.status = 'pending' {only}""",
                                                          params):
        label = (f"answer the {format_amount(amount, cur)} refund request, or it is accepted"
                 if side == "freelancer" else
                 f"the freelancer answers your {format_amount(amount, cur)} refund request, or it is accepted")
        out.append(Deadline(_ts(at), "refund_answer", label, cid, title, None, None, side, f"r{rid}"))
    for cid, title, side, ended, days in conn.execute(f"""
            select c.id, c.title, c.my_side, c.ended_at, c.feedback_days from contract c
            where c.status = 'ended' and c.feedback_at is null {only}""", params):
        end = _ts(ended) + timedelta(days=days)
        if end > now:
            out.append(Deadline(end, "feedback", "feedback window closes", cid, title, None, None, side, f"c{cid}"))
    return out
