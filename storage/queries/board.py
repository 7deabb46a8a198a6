"""One contract's board: its plan, money, deadlines, events, drafts and change requests, read
in a few SQL statements on plain ``sqlite3`` (no ORM). What it returns is in ``board_views``;
the contract list's queries are in ``summaries``; ``cairn.storage.queries`` offers both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cairn.storage.diff import Row, diff, resulting_plan
from cairn.storage.queries.board_views import (
    ActionView,
    Board,
    ContractInfo,
    EventView,
    MilestoneView,
    Money,
    ProfileInfo,
    RefundView,
    RequestView,
)
from cairn.storage.queries.deadlines import deadlines
from cairn.storage.queries.earnings import LEDGER_BY_CONTRACT
from cairn.storage.queries.fees import FeeTotals, payments, totals
from cairn.storage.queries.reading import connection, instant, iso_utc, parse_day, parse_ts

if TYPE_CHECKING:
    from cairn.storage.clock import Clock


def contract_info(conn, contract_id: int) -> ContractInfo | None:
    r = conn.execute(
        """select c.id, c.title, c.client_name, c.kind, c.currency, c.my_side, c.started_on, c.notes,
             c.status, c.archived, c.ended_at, c.ended_by, c.end_reason, c.feedback_rating, c.feedback_text,
             c.version, p.id, p.name, c.review_days, c.hold_days, c.refund_answer_days, c.minimum_minor,
             c.feedback_days, c.bonus_days, c.fee_rule, p.review_per_contract,
             p.review_days, p.hold_days, p.refund_answer_days, p.minimum_minor, p.feedback_days, p.bonus_days,
             p.fee_rule, c.revision_cap
           from contract c join profile p on p.id = c.profile_id where c.id = ?""", (contract_id,)).fetchone()
    if r is None:
        return None
    return ContractInfo(
        id=r[0], title=r[1], client_name=r[2], kind=r[3], currency=r[4], my_side=r[5], started_on=parse_day(r[6]),
        notes=r[7], status=r[8], archived=bool(r[9]), ended_at=parse_ts(r[10]), ended_by=r[11], end_reason=r[12],
        feedback_rating=r[13], feedback_text=r[14], version=r[15],
        profile=ProfileInfo(*r[16:25], bool(r[25]), _differs(r[18:25], r[26:33], bool(r[25]))), revision_cap=r[33],
    )


def _differs(kept, now, per_contract: bool) -> dict | None:
    names = ("review_days", "hold_days", "refund_answer_days", "minimum_minor", "feedback_days", "bonus_days",
             "fee_rule")
    changed = {n: b for n, a, b in zip(names, kept, now, strict=True)
               if a != b and not (per_contract and n == "review_days")}
    return changed or None


def milestones(conn, contract_id: int, fee_of: dict[int, int] | None = None) -> list[MilestoneView]:
    rows = conn.execute(
        """select m.id, m.position, m.title, m.description, m.due_date, m.amount_minor, m.state,
             coalesce((select sum(case when kind in ('deposit', 'credit_applied') then amount_minor
                                  else -amount_minor end)
                       from ledger_entry l where l.milestone_id = m.id
                         and kind in ('deposit', 'credit_applied', 'release', 'refund', 'credit')), 0),
             m.submitted_at, m.review_due_at, m.submission_message,
             coalesce(l.released, 0), coalesce(l.refunded, 0), coalesce(l.carried, 0), coalesce(rv.n, 0)
           from milestone m left join (
             select milestone_id, sum(case when kind = 'release' then amount_minor else 0 end) as released,
               sum(case when kind = 'refund' then amount_minor else 0 end) as refunded,
               sum(case when kind = 'credit' then amount_minor else 0 end) as carried
             from ledger_entry where contract_id = ? and milestone_id is not null group by milestone_id
           ) l on l.milestone_id = m.id
           left join (select e.milestone_id, count(*) as n from event e left join action a on a.id = e.action_id
                      where e.contract_id = ? and e.kind = 'changes_requested' and a.undone_at is null
                      group by e.milestone_id) rv on rv.milestone_id = m.id
           where m.contract_id = ? and m.state != 'deleted'
           order by m.position, m.id""", (contract_id, contract_id, contract_id))
    fee_of = fee_of or {}
    return [MilestoneView(r[0], r[1], r[2], r[3], parse_day(r[4]), r[5], r[6], r[7], parse_ts(r[8]), parse_ts(r[9]), r[10],
                          r[11], r[12], r[13], r[14], fee_of.get(r[0], 0)) for r in rows]


def money(conn, contract_id: int, clock: Clock, plan: list[MilestoneView], fee: FeeTotals | None = None) -> Money:
    r = conn.execute(LEDGER_BY_CONTRACT.format(where="where contract_id = :cid"),
                     {"now": iso_utc(instant(clock)), "cid": contract_id}).fetchone()
    value = sum(m.amount_minor for m in plan if m.state in ("future", "active", "submitted", "released"))
    planned = sum(m.amount_minor for m in plan)
    futures = sum(m.amount_minor for m in plan if m.state == "future")
    if r is None:
        return Money(value=value, planned=planned, actual=futures)
    released = r[2] - r[8]  # paid from escrow: releases, not bonuses
    fee = fee or FeeTotals()
    return Money(value=value, funded=r[1], paid=r[2], pending=r[3], available=r[4], escrow=r[5], credit=r[6],
                 refunded=r[7], bonus=r[8], fee=fee.fee, fee_pending=fee.fee_pending, planned=planned,
                 actual=released + r[5] + futures)


def events(conn, contract_id: int, *, limit: int = 200) -> list[EventView]:
    rows = conn.execute(
        """select e.id, e.at, e.actor, e.kind, e.summary, e.before_json, e.after_json, e.read, e.milestone_id,
             a.undone_at is not null
           from event e left join action a on a.id = e.action_id
           where e.contract_id = ? order by e.at desc, e.id desc limit ?""", (contract_id, limit))
    return [EventView(r[0], parse_ts(r[1]), r[2], r[3], r[4], json.loads(r[5]) if r[5] else None,
                      json.loads(r[6]) if r[6] else None, bool(r[7]), r[8], bool(r[9])) for r in rows]


def last_action(conn, contract_id: int) -> ActionView | None:
    r = conn.execute(
        """select id, kind, actor, at, recorded_at, summary from action
           where contract_id = ? and undone_at is null and kind != 'timer' order by id desc limit 1""",
        (contract_id,)).fetchone()
    return ActionView(r[0], r[1], r[2], parse_ts(r[3]), parse_ts(r[4]), r[5]) if r else None


def plan_items(conn, column: str, owner_id: int) -> list[Row]:
    """A draft's or a change request's items (``column``: draft_id or request_id), as diff rows."""
    rows = conn.execute(
        f"""select milestone_id, title, amount_minor, due_date, description, id, deleted, moved, place
            from plan_item where {column} = ? order by seq, id""", (owner_id,))
    return [Row(milestone_id=r[0], title=r[1], amount_minor=r[2], due_date=parse_day(r[3]), description=r[4],
                item_id=r[5], deleted=bool(r[6]), moved=bool(r[7]), place=r[8]) for r in rows]


def change_requests(conn, contract_id: int, current: list[Row]) -> list[RequestView]:
    rows = conn.execute(
        """select id, status, proposed_by, message, created_at, decided_at, decided_by, outcome, diff_json
           from change_request where contract_id = ? order by created_at desc, id desc""", (contract_id,))
    out = []
    for r in rows:
        if r[1] == "pending":
            items = plan_items(conn, "request_id", r[0])
            plan = resulting_plan(current, items)
            out.append(RequestView(r[0], r[1], r[2], r[3], parse_ts(r[4]), None, None, r[7],
                                   diff(current, items, plan=plan), plan))
        else:
            out.append(RequestView(r[0], r[1], r[2], r[3], parse_ts(r[4]), parse_ts(r[5]), r[6], r[7], None, None,
                                   json.loads(r[8]) if r[8] else None))
    return out


@dataclass(frozen=True)
class Written:
    """What an operation on a draft read and wrote in its transaction, handed to the board it
    returns so that 1,000 milestones and items are not read again. Used only while the contract
    is still at ``version`` (no other session has committed to it since)."""

    version: int  # the contract's version the operation committed
    milestones: list[MilestoneView]  # the plan as ``milestones`` reads it, without fees
    draft_items: list[Row]  # the side's draft items in order (unused when the draft is gone)


def board(db, contract_id: int, clock: Clock, *, side: str | None = None, event_limit: int = 200,
          written: Written | None = None) -> Board:
    """Everything the milestone board shows for one contract (``written``: see ``Written``)."""
    from cairn.storage.errors import NotFound
    from cairn.storage.queries.foresight import at_risk

    conn = connection(db)
    info = contract_info(conn, contract_id)
    if info is None:
        raise NotFound("Contract", contract_id)
    side = side or info.my_side
    pays = payments(conn, contract_id=contract_id)
    fee_of: dict[int, int] = {}
    for p in pays:
        if p.milestone_id is not None:
            fee_of[p.milestone_id] = fee_of.get(p.milestone_id, 0) + p.fee
    known = written if written is not None and written.version == info.version else None
    if known is not None:
        plan = [replace(m, fee_minor=fee_of[m.id]) if m.id in fee_of else m for m in known.milestones]
    else:
        plan = milestones(conn, contract_id, fee_of)
    current = [m.row() for m in plan]
    draft = draft_diff = None
    d = conn.execute("select id from plan_draft where contract_id = ? and side = ?", (contract_id, side)).fetchone()
    if d:
        items = known.draft_items if known is not None else plan_items(conn, "draft_id", d[0])
        draft = resulting_plan(current, items)
        draft_diff = diff(current, items, plan=draft)
    requests = change_requests(conn, contract_id, current)
    pending = next((r for r in requests if r.status == "pending"), None)
    rr = conn.execute(
        """select id, milestone_id, amount_minor, status, requested_at, answer_due_at, note, stage_at
           from refund_request where contract_id = ? and status in ('pending', 'disputed', 'mediation', 'arbitration')
           order by id desc limit 1""", (contract_id,)).fetchone()
    refund = RefundView(rr[0], rr[1], rr[2], rr[3], parse_ts(rr[4]), parse_ts(rr[5]), rr[6], parse_ts(rr[7])) if rr else None
    evs = events(conn, contract_id, limit=event_limit)
    unread = conn.execute("select count(*) from event where contract_id = ? and read = 0",
                          (contract_id,)).fetchone()[0]
    return Board(
        contract=info, milestones=plan, money=money(conn, contract_id, clock, plan, totals(pays, iso_utc(instant(clock)))),
        deadlines=deadlines(conn, clock, contract_id=contract_id), events=evs, unread=unread, side=side,
        draft=draft, draft_diff=draft_diff, request=pending,
        past_requests=[r for r in requests if r.status != "pending"], refund_request=refund,
        at_risk=sum(r.total for r in at_risk(conn, clock, contract_id=contract_id)),
        last_action=last_action(conn, contract_id),
    )

