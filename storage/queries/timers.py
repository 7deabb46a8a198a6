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

_REVIEWS_AND_REFUNDS = """
select exists(select 1 from milestone m join contract c on c.id = m.contract_id
              -- +c.status: a scan of the milestones, quicker than a lookup per open contract
              where m.state = 'submitted' and m.review_due_at <= :now and +c.status = 'open')
    or exists(select 1 from refund_request where status = 'pending' and answer_due_at <= :now)
"""
_AVAILABILITY = """
select (select count(*) from ledger_entry where kind in ('release', 'bonus') and available_at <= :now)
    != (select count(*) from event e join ledger_entry l on l.id = e.ledger_id
        left join action a on a.id = e.action_id  -- an undone firing's event does not count (R5)
        where e.kind = 'available' and a.undone_at is null and l.available_at <= :now)
"""


def timers_due(db, clock: Clock, *, availability: bool = True) -> bool:
    """True when applying timers as of the clock's instant would change something.

    ``availability=False`` asks about M11 and P6 only, for a reader whose answer P5 cannot
    change: P5 writes the "available" event and nothing else (every figure and deadline reads
    ``available_at``), and finding whether it is due scans the whole journal (30-45 ms at
    10,000 contracts, most of what ``cairn report`` adds to the command line's start)."""
    conn, now = connection(db), {"now": iso_utc(instant(clock))}
    if conn.execute(_REVIEWS_AND_REFUNDS, now).fetchone()[0]:
        return True
    return availability and bool(conn.execute(_AVAILABILITY, now).fetchone()[0])
