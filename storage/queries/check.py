"""``cairn check``: SQLite's integrity check plus every ledger invariant, as a list of problems.

Works on a plain ``sqlite3`` connection (or a ``Database``), so the importer can run the very
same checks on a scratch copy before it writes anything. An empty list means all is well.

Invariants (rule ids from the domain rulebook):
- P4: ledger amounts and milestone amounts are positive integers; no milestone holds a
  negative amount; the carried-credit pool is never negative; per contract,
  deposited = released + refunded + held in escrow + carried credit.
- M4: at most one milestone per contract is active or submitted, and only those hold escrow;
  released, refunded, voided, deleted and future milestones hold nothing.
- R3: at most one pending change request per contract.
- Every ledger entry, refund request, event and plan item points at a milestone of its own
  contract; ledger kinds are known, and each kind has (or lacks) a milestone as it should.
- The states the operations reach (``state_invariants``): a milestone's state agrees with its
  ledger (active or submitted holds escrow, no more than its amount; funding deposits exactly its
  amount; released and refunded ones have that movement; future ones none) and with its dates;
  ended contracts are settled (no future milestone, no pending change request) and say when, by
  whom and why; hourly contracts have no milestones; one open refund request at most; milestones
  are funded in plan order.
- P9 (``terms_invariants``): every profile's and contract's numbers are in range and its fee rule is
  readable as stored; every payment's fee lies between nothing and the payment.
- R5: an event's action (undo's log) is an action on the event's own contract.
"""

from __future__ import annotations

import sqlite3
from itertools import chain
from typing import TYPE_CHECKING

from cairn.storage.queries.reading import connection

if TYPE_CHECKING:
    from cairn.storage.db import Database

LEDGER_KINDS = ("deposit", "release", "refund", "credit", "credit_applied", "bonus")
# Kinds that always move money in or out of one milestone's escrow.
_MILESTONE_KINDS = ("deposit", "release", "credit", "credit_applied")

_HELD = """
select m.id, m.contract_id, m.title, m.state,
  coalesce(sum(case when l.kind in ('deposit', 'credit_applied') then l.amount_minor
                    when l.kind in ('release', 'refund', 'credit') then -l.amount_minor else 0 end), 0)
from milestone m left join ledger_entry l on l.milestone_id = m.id
group by m.id
"""

_PER_CONTRACT = """
select c.id, c.title,
  coalesce(sum(case when l.kind = 'deposit' then l.amount_minor end), 0),
  coalesce(sum(case when l.kind = 'release' then l.amount_minor end), 0),
  coalesce(sum(case when l.kind = 'refund' then l.amount_minor end), 0),
  coalesce(sum(case when l.kind = 'credit' then l.amount_minor
                    when l.kind = 'credit_applied' then -l.amount_minor
                    when l.kind = 'refund' and l.milestone_id is null then -l.amount_minor end), 0)
from contract c left join ledger_entry l on l.contract_id = c.id
group by c.id
"""


def _money(n: int) -> str:
    return f"{n:,} minor units"


# How the problems that are about the file itself (not about its records) begin.
UNREADABLE = ("SQLite integrity check:", "the database cannot be read:")


def integrity(conn: sqlite3.Connection) -> list[str]:
    """SQLite's own view of the file and of the foreign keys."""
    problems = []
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        problems += [f"SQLite integrity check: {r}" for r in rows]
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"{table} row {rowid} points at a missing {parent} row.")
    return problems


def ledger_invariants(conn: sqlite3.Connection) -> list[str]:
    """Every rule about money and states that ``cairn check`` verifies, beyond SQLite's own."""
    p: list[str] = []

    for lid, cid, kind, amount in conn.execute(
            "select id, contract_id, kind, amount_minor from ledger_entry "
            "where typeof(amount_minor) != 'integer' or amount_minor <= 0 "
            f"or kind not in ({', '.join('?' * len(LEDGER_KINDS))}) order by id", LEDGER_KINDS):
        if kind not in LEDGER_KINDS:
            p.append(f"P4: ledger entry {lid} (contract {cid}) has unknown kind {kind!r}.")
        else:
            p.append(f"P4: ledger entry {lid} (contract {cid}) amount {amount!r} is not a positive "
                     "integer of minor units.")
    for mid, cid, amount in conn.execute(
            "select id, contract_id, amount_minor from milestone "
            "where typeof(amount_minor) != 'integer' or amount_minor <= 0 order by id"):
        p.append(f"M1: milestone {mid} (contract {cid}) amount {amount!r} is not a positive integer "
                 "of minor units.")

    # Every ledger entry belongs to its contract's milestone, and each kind has the right shape.
    for lid, cid, kind, mid, mcid in conn.execute(
            "select l.id, l.contract_id, l.kind, l.milestone_id, m.contract_id from ledger_entry l "
            "left join milestone m on m.id = l.milestone_id order by l.id"):
        if mid is not None and mcid is None:
            p.append(f"P4: ledger entry {lid} (contract {cid}) names milestone {mid}, which does not exist.")
        elif mid is not None and mcid != cid:
            p.append(f"P4: ledger entry {lid} belongs to contract {cid} but names milestone {mid} "
                     f"of contract {mcid}.")
        if kind in _MILESTONE_KINDS and mid is None:
            p.append(f"P4: ledger entry {lid} (contract {cid}) is a {kind} without a milestone.")
        if kind == "bonus" and mid is not None:
            p.append(f"P7: ledger entry {lid} (contract {cid}) is a bonus tied to milestone {mid}; "
                     "bonuses are outside escrow.")
    for lid, cid, kind in conn.execute(
            "select id, contract_id, kind from ledger_entry where kind in ('release', 'bonus') "
            "and available_at is null order by id"):
        p.append(f"P5: ledger entry {lid} (contract {cid}) is a {kind} without an available date.")
    for table, what in (("refund_request", "refund request"), ("event", "event")):
        for rid, cid, mid, mcid in conn.execute(
                f"select t.id, t.contract_id, t.milestone_id, m.contract_id from {table} t "
                "join milestone m on m.id = t.milestone_id where m.contract_id != t.contract_id order by t.id"):
            p.append(f"{what.capitalize()} {rid} belongs to contract {cid} but names milestone {mid} "
                     f"of contract {mcid}.")
    for eid, cid, lid, lcid in conn.execute(
            "select e.id, e.contract_id, e.ledger_id, l.contract_id from event e "
            "join ledger_entry l on l.id = e.ledger_id where l.contract_id != e.contract_id order by e.id"):
        p.append(f"Event {eid} belongs to contract {cid} but names ledger entry {lid} of contract {lcid}.")
    for eid, cid, aid, acid in conn.execute(
            "select e.id, e.contract_id, e.action_id, a.contract_id from event e "
            "join action a on a.id = e.action_id where a.contract_id != e.contract_id order by e.id"):
        p.append(f"R5: event {eid} belongs to contract {cid} but names action {aid} of contract {acid}.")
    for iid, mid, mcid, owner in conn.execute(
            "select i.id, i.milestone_id, m.contract_id, coalesce(d.contract_id, r.contract_id) "
            "from plan_item i join milestone m on m.id = i.milestone_id "
            "left join plan_draft d on d.id = i.draft_id left join change_request r on r.id = i.request_id "
            "where m.contract_id != coalesce(d.contract_id, r.contract_id) order by i.id"):
        p.append(f"R1: plan item {iid} of contract {owner} names milestone {mid} of contract {mcid}.")

    # Escrow per milestone (P4, M4).
    for mid, cid, title, state, held in conn.execute(_HELD + " order by m.id"):
        if held < 0:
            p.append(f"P4: milestone {mid} \"{title}\" (contract {cid}) holds a negative amount "
                     f"({_money(held)}).")
        elif held > 0 and state not in ("active", "submitted"):
            p.append(f"M4: milestone {mid} \"{title}\" (contract {cid}) is {state} but holds "
                     f"{_money(held)} in escrow; only an active or submitted milestone holds escrow.")

    # Conservation per contract (P4).
    held_by_contract: dict[int, int] = {}
    for _mid, cid, _t, _s, held in conn.execute(_HELD):
        held_by_contract[cid] = held_by_contract.get(cid, 0) + held
    for cid, title, deposited, released, refunded, credit in conn.execute(_PER_CONTRACT + " order by c.id"):
        escrow = held_by_contract.get(cid, 0)
        if credit < 0:
            p.append(f"P4: contract {cid} \"{title}\" has a negative carried credit ({_money(credit)}).")
        if deposited != released + refunded + escrow + credit:
            p.append(f"P4: contract {cid} \"{title}\": deposited {_money(deposited)} != released "
                     f"{_money(released)} + refunded {_money(refunded)} + escrow {_money(escrow)} "
                     f"+ carried credit {_money(credit)}.")

    # One milestone in escrow at a time (M4); one pending change request (R3).
    return p + _counted(conn, _TOO_MANY)


# (query of (contract, count) rows, message): a contract with too many of something.
_TOO_MANY = (
    ("select contract_id, count(*) from milestone where state in ('active', 'submitted') "
     "group by contract_id having count(*) > 1 order by contract_id",
     "M4: contract {} has {} milestones active or submitted; at most one may hold escrow."),
    ("select contract_id, count(*) from change_request where status = 'pending' "
     "group by contract_id having count(*) > 1 order by contract_id",
     "R3: contract {} has {} pending change requests; at most one may be pending."),
)
_UNSETTLED = (
    ("select c.id, count(*) from contract c join milestone m on m.contract_id = c.id "
     "where c.status = 'ended' and m.state = 'future' group by c.id order by c.id",
     "C3: contract {} has ended but still has {} future milestone(s)."),
    ("select c.id, count(*) from contract c join milestone m on m.contract_id = c.id "
     "where c.kind = 'hourly' and m.state != 'deleted' group by c.id order by c.id",
     "C1: contract {} is hourly but has {} milestone(s); only fixed-price contracts have milestones."),
    ("select contract_id, count(*) from refund_request where status in "
     "('pending', 'disputed', 'mediation', 'arbitration') group by contract_id having count(*) > 1",
     "P6: contract {} has {} open refund requests; at most one is open at a time."),
)


def _counted(conn: sqlite3.Connection, queries: tuple[tuple[str, str], ...]) -> list[str]:
    """Each message filled with each (contract, count) row of its query."""
    return [message.format(cid, n) for sql, message in queries for cid, n in conn.execute(sql)]


_FUNDED = """
select m.id, m.contract_id, m.title, m.state, m.amount_minor,
  coalesce(sum(case when l.kind in ('deposit', 'credit_applied') then l.amount_minor end), 0),
  coalesce(sum(case when l.kind = 'release' then 1 end), 0),
  coalesce(sum(case when l.kind in ('refund', 'credit') then 1 end), 0),
  count(l.id)
from milestone m left join ledger_entry l on l.milestone_id = m.id
group by m.id order by m.id
"""


def state_invariants(conn: sqlite3.Connection) -> list[str]:
    """The states the operations can reach, and only those: what the stateful test asserts after
    every step, so that neither an import nor a hand edit passes with a record no sequence of
    operations could make."""
    p: list[str] = []
    # Only what holds something (a handful): 750,000 milestones of zeros were 90 MB of an import.
    held = {mid: h for mid, _c, _t, _s, h in conn.execute(_HELD) if h}
    for mid, cid, title, state, amount, funded, releases, refunds, entries in conn.execute(_FUNDED):
        if not isinstance(amount, int) or not isinstance(funded, int):
            continue  # not an amount at all: reported by ledger_invariants
        h = held.get(mid, 0)
        where = f"milestone {mid} \"{title}\" (contract {cid})"
        if state in ("active", "submitted") and h <= 0:
            p.append(f"M4: {where} is {state} but holds nothing in escrow; an active milestone is funded (M5).")
        if h > amount:
            p.append(f"P4: {where} holds {_money(h)} in escrow, more than its amount {_money(amount)}.")
        if funded and funded != amount:
            p.append(f"M5: {where} was funded with {_money(funded)}; funding deposits exactly its amount "
                     f"{_money(amount)}.")
        if state in ("future", "voided", "deleted") and entries:
            p.append(f"M3: {where} is {state} but has {entries} ledger entr{'ies' if entries != 1 else 'y'}; "
                     "only a funded milestone moves money.")
        if state == "released" and not releases:
            p.append(f"P1: {where} is released but no release of it is in the ledger.")
        if state == "refunded" and not refunds:
            p.append(f"P6: {where} is refunded but no refund of it is in the ledger.")
    for mid, cid, state, activated, submitted, closed in conn.execute(
            "select id, contract_id, state, activated_at, submitted_at, closed_at from milestone order by id"):
        if state == "future" and (activated or submitted or closed):
            p.append(f"M3: milestone {mid} (contract {cid}) is future but has dates of a funded or closed one.")
        if state in ("active", "submitted", "released", "refunded") and not activated:
            p.append(f"M5: milestone {mid} (contract {cid}) is {state} but was never activated.")
        if state == "submitted" and not submitted:
            p.append(f"M9: milestone {mid} (contract {cid}) is submitted but has no submission date.")
        if state in ("released", "refunded", "voided") and not closed:
            p.append(f"M4: milestone {mid} (contract {cid}) is {state} but has no closing date.")
    for cid, title, status, ended_at, ended_by, reason, rating, fb_at in conn.execute(
            "select id, title, status, ended_at, ended_by, end_reason, feedback_rating, feedback_at "
            "from contract order by id"):
        where = f"contract {cid} \"{title}\""
        if status == "ended" and not (ended_at and ended_by in ("client", "freelancer") and reason):
            p.append(f"C3: {where} is ended but lacks when, by whom or why.")
        if status == "open" and (ended_at or ended_by or reason or rating is not None or fb_at):
            p.append(f"C3: {where} is open but has an end or feedback recorded.")
        if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
            p.append(f"C4: {where} has feedback rating {rating!r}; ratings are 1 to 5.")
    for cid, cap in conn.execute("select id, revision_cap from contract where revision_cap is not null order by id"):
        if not (isinstance(cap, int) and not isinstance(cap, bool) and 1 <= cap <= 99):
            p.append(f"M10: contract {cid} has revision cap {cap!r}; a cap is 1 to 99 rounds, or none.")
    p += _counted(conn, _UNSETTLED)
    for (cid,) in conn.execute(
            "select distinct c.id from contract c join change_request r on r.contract_id = c.id "
            "where c.status = 'ended' and r.status = 'pending' order by c.id"):
        p.append(f"C3: contract {cid} has ended but a change request is still pending.")
    for lid, cid, kind in conn.execute(
            "select id, contract_id, kind from ledger_entry where available_at is not null and available_at < at "
            "order by id"):
        p.append(f"P5: ledger entry {lid} (contract {cid}) is a {kind} available before it happened.")
    # Dates in the window every door keeps (validate.FIRST_DAY..LAST_DAY); an older Cairn let others in.
    outside = "not between '2000-01-01' and '2100-12-31'"
    far = [f"milestone {mid} (contract {cid}) is due {day}" for mid, cid, day in conn.execute(
        f"select id, contract_id, due_date from milestone where due_date {outside} order by id")]
    far += [f"contract {cid} started on {day}" for cid, day in conn.execute(
        f"select id, started_on from contract where started_on {outside} order by id")]
    p += [f"M1: {what}, outside the dates Cairn keeps (2000-01-01 to 2100-12-31); correct the date." for what in far]
    for (iid,) in conn.execute("select id from plan_item where (draft_id is null) = (request_id is null) "
                               "order by id"):
        p.append(f"R1: plan item {iid} belongs to no draft and no change request, or to both; it belongs to one.")
    # M3: milestones are funded in plan order, so everything funded sits above every future one.
    for (cid,) in conn.execute(
            "select distinct f.contract_id from milestone f join milestone d on d.contract_id = f.contract_id "
            "where f.state = 'future' and d.state in ('active', 'submitted', 'released', 'refunded') "
            "and d.position > f.position order by f.contract_id"):
        p.append(f"M3: contract {cid} has a funded milestone below a future one; milestones are funded in "
                 "plan order.")
    return p


_NUMBERS = ("review_days", "hold_days", "refund_answer_days", "minimum_minor", "feedback_days", "bonus_days",
            "fee_rule")


def terms_invariants(conn: sqlite3.Connection, *, numbers: bool = True) -> list[str]:
    """P9: every profile's and every contract's own numbers are ones the operations store (windows in
    range, a readable fee rule), and every payment's fee lies between nothing and the payment."""
    from cairn.storage import fees, validate
    from cairn.storage.errors import DomainError
    from cairn.storage.queries.fees import each_payment

    p: list[str] = []
    cols = ", ".join(_NUMBERS)
    rows = chain((("profile", r) for r in conn.execute(f"select id, name, {cols}, review_per_contract "
                                                       "from profile order by id")),
                 (("contract", r) for r in conn.execute(f"select id, title, {cols}, 0 from contract order by id")))
    for table, (rid, name, *values, per_contract) in rows if numbers else ():
        where = f"{table} {rid} \"{name}\""
        for field, value in zip(_NUMBERS, values, strict=False):
            try:
                if field == "fee_rule":
                    if fees.canonical(value, stored=True) != value:
                        raise DomainError("P9", f"the fee rule {value!r} is not written as Cairn stores it")
                elif field == "minimum_minor":
                    validate.minimum(value)
                else:
                    validate.window_days(value, field=field)
            except DomainError as e:
                p.append(f"P9: {where}: {field}: {e.message.rstrip('.')}.")
        if per_contract and values[0] is None:
            p.append(f"P9: {where} chooses the review window per contract but has no default number of days.")
    for (rule,) in conn.execute("select distinct fee_rule from contract"):
        try:
            fees.stored(rule)
        except (DomainError, TypeError):
            return p  # a fee that cannot be worked out: reported above, or by the import's row check
    if conn.execute("select exists(select 1 from ledger_entry where kind in ('release', 'bonus') "
                    "and typeof(amount_minor) != 'integer')").fetchone()[0]:
        return p  # not an amount at all: reported by ledger_invariants
    for pay in each_payment(conn):
        if not 0 <= pay.fee <= pay.gross:
            p.append(f"P9: ledger entry {pay.ledger_id} (contract {pay.contract_id}): its fee {_money(pay.fee)} "
                     f"is not between nothing and the payment {_money(pay.gross)}.")
    return p


def problems(db: Database | sqlite3.Connection) -> list[str]:
    """Everything wrong with the database; an empty list means it passes ``cairn check``."""
    conn = connection(db)
    try:
        return integrity(conn) + ledger_invariants(conn) + state_invariants(conn) + terms_invariants(conn)
    except sqlite3.DatabaseError as exc:
        return [f"the database cannot be read: {exc}."]


def totals(db: Database | sqlite3.Connection) -> dict[str, int]:
    """How much was checked, for the "OK ..." line."""
    conn = connection(db)
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("contract", "milestone", "ledger_entry", "event")}
