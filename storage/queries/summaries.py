"""The contract list's rows: one summary per contract with its money and what needs attention,
and each contract's version (to re-read only what changed), in one SQL statement on plain
``sqlite3``. The earnings report is ``earnings``; the deadlines, ``deadlines``.

Imports no ORM and no pendulum, so the first screen can be drawn before they load. Reads never
write; timers are applied by the operations (``cairn.storage.operations.timers``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from cairn.storage.queries.deadlines import Deadline
from cairn.storage.queries.earnings import LEDGER_BY_CONTRACT
from cairn.storage.queries.reading import connection, due_at, instant, iso_utc, parse_day, parse_ts

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database


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
        return bool(self.next_due) and self.status == "open" and due_at(self.next_due, self.as_of) <= self.as_of

    @property
    def attention(self) -> str:
        return _attention(self.my_side, self.status, self.kind, self.unread, self.pending_requests,
                          self.refund_due, self.submitted, self.active, self.futures, self.overdue,
                          self.milestones, self.dispute)

    def next_deadline_at(self) -> tuple[datetime, str] | None:
        """(instant, kind) of the soonest deadline: ``next_deadline`` without building it."""
        best = None
        if self.next_due:
            best = (due_at(self.next_due, self.as_of), "due")
        # The freelancer's money becoming available is not the client's deadline.
        available = self.next_available if self.my_side == "freelancer" else None
        for text, kind in ((self.review_due, "review"), (self.refund_due, "refund_answer"),
                           (available, "available")):
            if text:
                at = parse_ts(text)
                if best is None or at < best[0]:  # on a tie the earlier kind stays, as min() did
                    best = (at, kind)
        if self.ended_at and not self.feedback_at:
            end = parse_ts(self.ended_at) + timedelta(days=self.feedback_days)
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
        day = parse_day(self.next_due) if kind == "due" else None
        return Deadline(at, kind, label, self.id, self.title, day=day, my_side=self.my_side)


_SUMMARIES = """
with page as (select c.id from contract c {where} order by {order} {limit}),
led as (""" + LEDGER_BY_CONTRACT.format(where="where contract_id in (select id from page)") + """),
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
    conn = connection(db)
    now = instant(clock)
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
    return sql, {"now": iso_utc(now)}


def contract_versions(db) -> dict[int, tuple[int, int]]:
    """Every contract's (version, unread events): the version is bumped by each change, the
    unread count by reading events on a board. What changed is what a list must re-read."""
    return {cid: (version, unread) for cid, version, unread in connection(db).execute(
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
