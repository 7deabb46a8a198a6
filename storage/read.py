"""Queries the screens need, each in one or a few SQL statements on plain ``sqlite3``.

This module imports no ORM, so the first screen can be drawn before SQLAlchemy and
pydantic have loaded. Timers are applied by operations and by ``storage.timers``; reads
never write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .diff import PlanDiff, PlanRow, Row, diff, resulting_plan

if TYPE_CHECKING:
    from .clock import Clock
    from .db import Database


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


def due_instant(day: date) -> datetime:
    """A due date falls due at the end of that day, local time (M12)."""
    local = datetime.now().astimezone().tzinfo
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=local).astimezone(UTC)


# --- rows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    """G3: one deadline that matters, as a UTC instant."""

    at: datetime
    kind: str  # due, review, available, refund_answer, feedback
    label: str
    contract_id: int
    contract_title: str
    milestone_title: str | None = None

    def overdue(self, now: datetime) -> bool:
        return self.at <= now


@dataclass(frozen=True)
class ContractSummary:
    id: int
    title: str
    client_name: str
    my_side: str
    status: str
    archived: bool
    currency: str
    value: int
    funded: int
    escrow: int
    paid: int
    pending: int
    available: int
    credit: int
    unread: int
    pending_request: bool
    refund_request: bool
    awaiting_review: bool
    overdue: bool
    milestones: int
    released_count: int
    next_deadline: Deadline | None
    attention: str
    version: int


@dataclass(frozen=True)
class Money:
    value: int = 0
    funded: int = 0
    escrow: int = 0
    paid: int = 0
    pending: int = 0
    available: int = 0
    credit: int = 0
    refunded: int = 0
    bonus: int = 0


@dataclass(frozen=True)
class ProfileInfo:
    id: int
    name: str
    review_days: int | None
    hold_days: int
    refund_answer_days: int
    minimum_minor: int
    feedback_days: int
    bonus_days: int


@dataclass(frozen=True)
class ContractInfo:
    id: int
    title: str
    client_name: str
    kind: str
    currency: str
    my_side: str
    started_on: date
    notes: str
    status: str
    archived: bool
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None
    feedback_rating: int | None
    feedback_text: str | None
    version: int
    profile: ProfileInfo

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class MilestoneView:
    id: int
    position: int
    title: str
    description: str
    due_date: date | None
    amount_minor: int
    state: str
    held_minor: int
    submitted_at: datetime | None
    review_due_at: datetime | None
    submission_message: str | None

    @property
    def locked(self) -> bool:
        return self.state != "future"

    def overdue(self, now: datetime) -> bool:
        return (self.due_date is not None and self.state in ("future", "active", "submitted")
                and due_instant(self.due_date) <= now)

    def row(self) -> Row:
        return Row(milestone_id=self.id, title=self.title, amount_minor=self.amount_minor,
                   due_date=self.due_date, description=self.description, state=self.state)


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: str
    kind: str
    summary: str
    before: dict | None
    after: dict | None
    read: bool
    milestone_id: int | None


@dataclass(frozen=True)
class RequestView:
    id: int
    status: str
    proposed_by: str
    message: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    outcome: str
    diff: PlanDiff | None  # against the current plan while pending; as decided afterwards
    plan: list[PlanRow] | None  # the plan as it would be (pending only)
    decided_diff: dict | None = None


@dataclass(frozen=True)
class RefundView:
    id: int
    milestone_id: int
    amount_minor: int
    status: str
    requested_at: datetime
    answer_due_at: datetime
    note: str


@dataclass(frozen=True)
class Board:
    contract: ContractInfo
    milestones: list[MilestoneView]
    money: Money
    deadlines: list[Deadline]
    events: list[EventView]
    unread: int
    side: str  # whose draft is shown
    draft: list[PlanRow] | None
    draft_diff: PlanDiff | None
    request: RequestView | None
    past_requests: list[RequestView] = field(default_factory=list)
    refund_request: RefundView | None = None

    @property
    def id(self) -> int:
        return self.contract.id

    @property
    def plan(self) -> list[PlanRow]:
        """The plan as the board shows it: the draft when there is one, else the current plan."""
        if self.draft is not None:
            return self.draft
        return [PlanRow(f"m{m.id}", i, m.row()) for i, m in enumerate(self.milestones, start=1)]

    def milestone(self, key: str) -> MilestoneView | None:
        return next((m for m in self.milestones if f"m{m.id}" == key), None)

    @property
    def locked(self) -> MilestoneView | None:
        return next((m for m in self.milestones if m.state in ("active", "submitted")), None)

    @property
    def next_future(self) -> MilestoneView | None:
        return next((m for m in self.milestones if m.state == "future"), None)


# --- SQL ------------------------------------------------------------------------------
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
with page as (select c.id from contract c {where} order by c.status = 'ended', c.id desc {limit}),
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
    min(case when state in ('future', 'active', 'submitted') then due_date end) as next_due
  from milestone where state != 'deleted' and contract_id in (select id from page) group by contract_id),
ev as (select contract_id, count(*) as unread from event where read = 0
       and contract_id in (select id from page) group by contract_id),
cr as (select contract_id, count(*) as n from change_request where status = 'pending' group by contract_id),
rr as (select contract_id, min(answer_due_at) as due from refund_request where status = 'pending'
       group by contract_id)
select c.id, c.title, c.client_name, c.my_side, c.status, c.archived, c.currency, c.version,
  coalesce(ms.value, 0), coalesce(led.deposited, 0), coalesce(led.escrow, 0), coalesce(led.paid, 0),
  coalesce(led.pending, 0), coalesce(led.available, 0), coalesce(led.credit, 0), coalesce(ev.unread, 0),
  coalesce(cr.n, 0), rr.due, coalesce(ms.has_submitted, 0), coalesce(ms.has_active, 0),
  coalesce(ms.futures, 0), coalesce(ms.n, 0), coalesce(ms.released_n, 0), ms.review_due, ms.next_due,
  led.next_available, c.ended_at, c.feedback_at, p.feedback_days, c.kind
from page join contract c on c.id = page.id join profile p on p.id = c.profile_id
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
    where = []
    if not include_ended:
        where.append("c.status = 'open'")
    if not include_archived:
        where.append("c.archived = 0")
    if ids is not None:
        where.append(f"c.id in ({','.join(str(int(i)) for i in ids) or 'null'})")
    sql = _SUMMARIES.format(where=("where " + " and ".join(where)) if where else "",
                            limit=f"limit {int(limit)}" if limit is not None else "")
    out = []
    today_due = due_instant
    for r in conn.execute(sql, {"now": _iso(now)}):
        (cid, title, client, side, status, archived, cur, version, value, funded, escrow, paid, pending,
         available, credit, unread, pending_cr, refund_due, submitted, active, futures, n, released_n,
         review_due, next_due, next_available, ended_at, feedback_at, feedback_days, kind) = r
        candidates: list[Deadline] = []
        if next_due:
            candidates.append(Deadline(today_due(_day(next_due)), "due", f"due {next_due}", cid, title))
        if review_due:
            candidates.append(Deadline(_ts(review_due), "review", "auto-release", cid, title))
        if refund_due:
            candidates.append(Deadline(_ts(refund_due), "refund_answer", "refund answer", cid, title))
        if next_available:
            candidates.append(Deadline(_ts(next_available), "available", "available", cid, title))
        if ended_at and not feedback_at:
            end = _ts(ended_at) + timedelta(days=feedback_days)
            if end > now:
                candidates.append(Deadline(end, "feedback", "feedback window", cid, title))
        nxt = min(candidates, key=lambda d: d.at) if candidates else None
        overdue = bool(next_due) and today_due(_day(next_due)) <= now and status == "open"
        attention = _attention(side, status, kind, unread, pending_cr, refund_due, submitted, active, futures,
                               overdue, n)
        out.append(ContractSummary(
            id=cid, title=title, client_name=client, my_side=side, status=status, archived=bool(archived),
            currency=cur, value=value, funded=funded, escrow=escrow, paid=paid, pending=pending,
            available=available, credit=credit, unread=unread, pending_request=bool(pending_cr),
            refund_request=bool(refund_due), awaiting_review=bool(submitted), overdue=overdue,
            milestones=n, released_count=released_n, next_deadline=nxt, attention=attention, version=version,
        ))
    return out


def contract_versions(db) -> dict[int, tuple[int, int]]:
    """Every contract's (version, unread events): the version is bumped by each change, the
    unread count by reading events on a board. What changed is what a list must re-read."""
    return {cid: (version, unread) for cid, version, unread in _conn(db).execute(
        """select c.id, c.version, coalesce(u.n, 0) from contract c
           left join (select contract_id, count(*) as n from event where read = 0 group by contract_id) u
             on u.contract_id = c.id""")}


def _attention(side, status, kind, unread, pending_cr, refund_due, submitted, active, futures, overdue, n) -> str:
    freelancer = side == "freelancer"
    if refund_due:
        return "Answer refund request" if freelancer else "Refund request pending"
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


# --- one contract -----------------------------------------------------------------------
def contract_info(conn, contract_id: int) -> ContractInfo | None:
    r = conn.execute(
        """select c.id, c.title, c.client_name, c.kind, c.currency, c.my_side, c.started_on, c.notes,
             c.status, c.archived, c.ended_at, c.ended_by, c.end_reason, c.feedback_rating, c.feedback_text,
             c.version, p.id, p.name, p.review_days, p.hold_days, p.refund_answer_days, p.minimum_minor,
             p.feedback_days, p.bonus_days
           from contract c join profile p on p.id = c.profile_id where c.id = ?""", (contract_id,)).fetchone()
    if r is None:
        return None
    return ContractInfo(
        id=r[0], title=r[1], client_name=r[2], kind=r[3], currency=r[4], my_side=r[5], started_on=_day(r[6]),
        notes=r[7], status=r[8], archived=bool(r[9]), ended_at=_ts(r[10]), ended_by=r[11], end_reason=r[12],
        feedback_rating=r[13], feedback_text=r[14], version=r[15],
        profile=ProfileInfo(*r[16:24]),
    )


def milestones(conn, contract_id: int) -> list[MilestoneView]:
    rows = conn.execute(
        """select m.id, m.position, m.title, m.description, m.due_date, m.amount_minor, m.state,
             coalesce((select sum(case when kind in ('deposit', 'credit_applied') then amount_minor
                                  else -amount_minor end)
                       from ledger_entry l where l.milestone_id = m.id
                         and kind in ('deposit', 'credit_applied', 'release', 'refund', 'credit')), 0),
             m.submitted_at, m.review_due_at, m.submission_message
           from milestone m where m.contract_id = ? and m.state != 'deleted'
           order by m.position, m.id""", (contract_id,))
    return [MilestoneView(r[0], r[1], r[2], r[3], _day(r[4]), r[5], r[6], r[7], _ts(r[8]), _ts(r[9]), r[10])
            for r in rows]


def money(conn, contract_id: int, clock: Clock, plan: list[MilestoneView]) -> Money:
    r = conn.execute(_LEDGER_BY_CONTRACT.format(where="where contract_id = :cid"),
                     {"now": _iso(_now(clock)), "cid": contract_id}).fetchone()
    value = sum(m.amount_minor for m in plan if m.state in ("future", "active", "submitted", "released"))
    if r is None:
        return Money(value=value)
    return Money(value=value, funded=r[1], paid=r[2], pending=r[3], available=r[4], escrow=r[5], credit=r[6],
                 refunded=r[7], bonus=r[8])


def events(conn, contract_id: int, *, limit: int = 200) -> list[EventView]:
    rows = conn.execute(
        """select id, at, actor, kind, summary, before_json, after_json, read, milestone_id
           from event where contract_id = ? order by at desc, id desc limit ?""", (contract_id, limit))
    return [EventView(r[0], _ts(r[1]), r[2], r[3], r[4], json.loads(r[5]) if r[5] else None,
                      json.loads(r[6]) if r[6] else None, bool(r[7]), r[8]) for r in rows]


def _items(conn, column: str, owner_id: int) -> list[Row]:
    rows = conn.execute(
        f"""select milestone_id, title, amount_minor, due_date, description, id, deleted
            from plan_item where {column} = ? order by seq, id""", (owner_id,))
    return [Row(milestone_id=r[0], title=r[1], amount_minor=r[2], due_date=_day(r[3]), description=r[4],
                item_id=r[5], deleted=bool(r[6])) for r in rows]


def change_requests(conn, contract_id: int, current: list[Row]) -> list[RequestView]:
    rows = conn.execute(
        """select id, status, proposed_by, message, created_at, decided_at, decided_by, outcome, diff_json
           from change_request where contract_id = ? order by created_at desc, id desc""", (contract_id,))
    out = []
    for r in rows:
        if r[1] == "pending":
            items = _items(conn, "request_id", r[0])
            out.append(RequestView(r[0], r[1], r[2], r[3], _ts(r[4]), None, None, r[7], diff(current, items),
                                   resulting_plan(current, items)))
        else:
            out.append(RequestView(r[0], r[1], r[2], r[3], _ts(r[4]), _ts(r[5]), r[6], r[7], None, None,
                                   json.loads(r[8]) if r[8] else None))
    return out


def board(db, contract_id: int, clock: Clock, *, side: str | None = None, event_limit: int = 200) -> Board:
    """Everything the milestone board shows for one contract."""
    from .errors import NotFound

    conn = _conn(db)
    info = contract_info(conn, contract_id)
    if info is None:
        raise NotFound("Contract", contract_id)
    side = side or info.my_side
    plan = milestones(conn, contract_id)
    current = [m.row() for m in plan]
    draft = draft_diff = None
    d = conn.execute("select id from plan_draft where contract_id = ? and side = ?", (contract_id, side)).fetchone()
    if d:
        items = _items(conn, "draft_id", d[0])
        draft = resulting_plan(current, items)
        draft_diff = diff(current, items)
    requests = change_requests(conn, contract_id, current)
    pending = next((r for r in requests if r.status == "pending"), None)
    rr = conn.execute(
        """select id, milestone_id, amount_minor, status, requested_at, answer_due_at, note from refund_request
           where contract_id = ? and status in ('pending', 'disputed', 'mediation', 'arbitration')
           order by id desc limit 1""", (contract_id,)).fetchone()
    refund = RefundView(rr[0], rr[1], rr[2], rr[3], _ts(rr[4]), _ts(rr[5]), rr[6]) if rr else None
    evs = events(conn, contract_id, limit=event_limit)
    unread = conn.execute("select count(*) from event where contract_id = ? and read = 0",
                          (contract_id,)).fetchone()[0]
    return Board(
        contract=info, milestones=plan, money=money(conn, contract_id, clock, plan),
        deadlines=deadlines(conn, clock, contract_id=contract_id), events=evs, unread=unread, side=side,
        draft=draft, draft_diff=draft_diff, request=pending,
        past_requests=[r for r in requests if r.status != "pending"], refund_request=refund,
    )


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


def earnings(db, clock: Clock, *, per_contract: bool = False, contract_id: int | None = None) -> list[Earnings]:
    """P8 across the contracts where the user is the freelancer, per currency (or per contract)."""
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
          from ledger_entry where kind in ('release', 'bonus') group by contract_id)
        select c.currency, sum(coalesce(stage.wip, 0)), sum(coalesce(stage.review, 0)),
               sum(coalesce(paid.pending, 0)), sum(coalesce(paid.available, 0)), min(c.id), min(c.title)
        from contract c left join stage on stage.contract_id = c.id left join paid on paid.contract_id = c.id
        where c.my_side = 'freelancer' {where}
        group by {group} order by c.currency, min(c.id)
    """, {"now": _iso(_now(clock)), "cid": contract_id})
    return [Earnings(r[0], r[1], r[2], r[3], r[4], r[5] if per_contract else None,
                     r[6] if per_contract else None) for r in rows]


def deadlines(db, clock: Clock, *, within: timedelta | None = None, contract_id: int | None = None,
              include_overdue: bool = True) -> list[Deadline]:
    """G3: due dates, auto-release (M11), pending -> available (P5), refund answers (P6) and the
    feedback window (C4), soonest first."""
    conn = _conn(db)
    now = _now(clock)
    params = {"now": _iso(now), "cid": contract_id}
    only = "and c.id = :cid" if contract_id is not None else ""
    out: list[Deadline] = []
    for cid, title, mt, due in conn.execute(f"""
            select c.id, c.title, m.title, m.due_date from milestone m join contract c on c.id = m.contract_id
            where m.due_date is not null and m.state in ('future', 'active', 'submitted')
              and c.status = 'open' {only}""", params):
        out.append(Deadline(due_instant(_day(due)), "due", f"\"{mt}\" due", cid, title, mt))
    for cid, title, mt, at in conn.execute(f"""
            select c.id, c.title, m.title, m.review_due_at from milestone m join contract c on c.id = m.contract_id
            where m.state = 'submitted' and m.review_due_at is not null and c.status = 'open' {only}""", params):
        out.append(Deadline(_ts(at), "review", f"\"{mt}\" released automatically (M11)", cid, title, mt))
    for cid, title, amount, cur, kind, at in conn.execute(f"""
            select c.id, c.title, l.amount_minor, c.currency, l.kind, l.available_at
            from ledger_entry l join contract c on c.id = l.contract_id
            where l.kind in ('release', 'bonus') and l.available_at > :now {only}""", params):
        from .money import format_amount

        out.append(Deadline(_ts(at), "available", f"{format_amount(amount, cur)} {'bonus' if kind == 'bonus' else 'payment'}"
                                                  " becomes available (P5)", cid, title))
    for cid, title, amount, cur, at in conn.execute(f"""
            select c.id, c.title, r.amount_minor, c.currency, r.answer_due_at
            from refund_request r join contract c on c.id = r.contract_id where r.status = 'pending' {only}""",
                                                    params):
        from .money import format_amount

        out.append(Deadline(_ts(at), "refund_answer", f"answer the {format_amount(amount, cur)} refund request "
                                                      "or it is accepted (P6)", cid, title))
    for cid, title, ended, days in conn.execute(f"""
            select c.id, c.title, c.ended_at, p.feedback_days from contract c join profile p on p.id = c.profile_id
            where c.status = 'ended' and c.feedback_at is null {only}""", params):
        end = _ts(ended) + timedelta(days=days)
        if end > now:
            out.append(Deadline(end, "feedback", "feedback window closes (C4)", cid, title))
    if not include_overdue:
        out = [d for d in out if d.at > now]
    if within is not None:
        out = [d for d in out if d.at <= now + within]
    return sorted(out, key=lambda d: (d.at, d.contract_id, d.label))
