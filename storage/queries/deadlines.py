"""G3: the deadlines that matter — due dates, automatic release (M11), money becoming available
(P5), refund answers (P6) and the feedback window (C4) — across contracts (``cairn due``, the
calendar export) or for one contract (its board)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from cairn.storage.queries.reading import connection, due_at, instant, iso_utc, parse_day, parse_ts

if TYPE_CHECKING:
    from cairn.storage.clock import Clock


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
        self[due] = value = (due_at(due), parse_day(due))
        return value


def deadlines(db, clock: Clock, *, within: timedelta | None = None, contract_id: int | None = None,
              include_overdue: bool = True) -> list[Deadline]:
    """G3: due dates, auto-release (M11), pending -> available (P5), refund answers (P6) and the
    feedback window (C4), soonest first. Where the user is the client the labels say what the
    user must do, and the freelancer's money becoming available is not the user's deadline."""
    conn = connection(db)
    now = instant(clock)
    params = {"now": iso_utc(now), "cid": contract_id}
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
    conn = connection(db)
    now = instant(clock)
    params = {"now": iso_utc(now), "cid": None}
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
        out.append(Deadline(parse_ts(review_at), "review", label, cid, title, mt, None, side, f"m{mid}"))
    for cid, title, amount, cur, kind, at, lid in conn.execute(f"""
            select c.id, c.title, l.amount_minor, c.currency, l.kind, l.available_at, l.id
            from ledger_entry l join contract c on c.id = l.contract_id
            where l.kind in ('release', 'bonus') and l.available_at > :now and c.my_side = 'freelancer' {only}""",
                                                          params):
        what = "bonus" if kind == "bonus" else "payment"
        out.append(Deadline(parse_ts(at), "available", f"{format_amount(amount, cur)} {what} becomes available",
                            cid, title, ref=f"l{lid}"))
    for cid, title, side, amount, cur, at, rid in conn.execute(f"""
            select c.id, c.title, c.my_side, r.amount_minor, c.currency, r.answer_due_at, r.id
            from refund_request r join contract c on c.id = r.contract_id where r.status = 'pending' {only}""",
                                                          params):
        label = (f"answer the {format_amount(amount, cur)} refund request, or it is accepted"
                 if side == "freelancer" else
                 f"the freelancer answers your {format_amount(amount, cur)} refund request, or it is accepted")
        out.append(Deadline(parse_ts(at), "refund_answer", label, cid, title, None, None, side, f"r{rid}"))
    for cid, title, side, ended, days in conn.execute(f"""
            select c.id, c.title, c.my_side, c.ended_at, c.feedback_days from contract c
            where c.status = 'ended' and c.feedback_at is null {only}""", params):
        end = parse_ts(ended) + timedelta(days=days)
        if end > now:
            out.append(Deadline(end, "feedback", "feedback window closes", cid, title, None, None, side, f"c{cid}"))
    return out
