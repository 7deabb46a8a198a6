"""Is any timer due? The question ``cairn due``, ``cairn report`` and the dashboard ask before
applying timers, answered on plain ``sqlite3``: applying them needs the ORM (about a second to
import), and most of the time nothing is due.

The three conditions are exactly those ``cairn.storage.operations.timers.apply_due`` acts on
(the stateful test checks that the two agree in every state it reaches):
M11 a submission past its review window on an open contract; P6 a refund request past its
answer window; P5 a release or bonus past its hold without its "available" event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cairn.storage.queries.reading import connection, instant, iso_utc

if TYPE_CHECKING:
    from cairn.storage.clock import Clock

# {m}, {r}, {l}: the contract filter of each table, empty across all contracts.
_REVIEWS_AND_REFUNDS = """
select exists(select 1 from milestone m join contract c on c.id = m.contract_id
              -- +c.status: a scan of the milestones, quicker than a lookup per open contract
              where m.state = 'submitted' and m.review_due_at <= :now and +c.status = 'open'{m})
    or exists(select 1 from refund_request r where r.status = 'pending' and r.answer_due_at <= :now{r})
"""
_AVAILABILITY = """
select (select count(*) from ledger_entry l where l.kind in ('release', 'bonus') and l.available_at <= :now{l})
    != (select count(*) from event e join ledger_entry l on l.id = e.ledger_id
        left join action a on a.id = e.action_id  -- an undone firing's event does not count (R5)
        where e.kind = 'available' and a.undone_at is null and l.available_at <= :now{l})
"""
_ALL = {"m": "", "r": "", "l": ""}
_ONE = {"m": " and m.contract_id = :cid", "r": " and r.contract_id = :cid", "l": " and l.contract_id = :cid"}
_SQL = {scope: (_REVIEWS_AND_REFUNDS.format(**f), _AVAILABILITY.format(**f))
        for scope, f in ((False, _ALL), (True, _ONE))}


def timers_due(db, clock: Clock, *, availability: bool = True) -> bool:
    """True when applying timers as of the clock's instant would change something.

    ``availability=False`` asks about M11 and P6 only, for a reader whose answer P5 cannot
    change: P5 writes the "available" event and nothing else (every figure and deadline reads
    ``available_at``), and finding whether it is due scans the whole journal (30-45 ms at
    10,000 contracts, most of what ``cairn report`` adds to the command line's start)."""
    return due_on(connection(db), iso_utc(instant(clock)), availability=availability)


def due_on(conn, now: str, *, contract_id: int | None = None, availability: bool = True) -> bool:
    """``timers_due`` on a ``sqlite3`` connection as of ``now`` (stored UTC text), across all
    contracts or one. ``apply_due`` asks it first, inside its own transaction: two plain queries
    instead of three ORM ones when, as for almost every action, nothing is due."""
    reviews_and_refunds, available = _SQL[contract_id is not None]
    params = {"now": now, "cid": contract_id}
    if conn.execute(reviews_and_refunds, params).fetchone()[0]:
        return True
    return availability and bool(conn.execute(available, params).fetchone()[0])
