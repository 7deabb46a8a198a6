"""``cairn export --format csv``: a spreadsheet of the contracts' money.

One row per milestone, one per bonus and one per refund, each with its contract's columns.
Amounts are decimals in the currency's unit ("1200.00"; "1200" for yen) beside the
currency's code. Instants are UTC (ISO 8601), dates are calendar dates. The columns:

``row``             milestone, bonus or refund
``contract_id``, ``contract_title``, ``client_name``
``my_side``         freelancer or client: which side the user is on
``contract_status`` open or ended
``archived``        yes or no
``currency``        ISO 4217 code of every amount on the row
``milestone_id``, ``position``, ``milestone_title``  (a bonus, or a refund of carried credit, has none)
``state``           the milestone's state (future, active, submitted, released, refunded, voided, deleted)
``due_date``        the milestone's due date (it falls due at the end of that day)
``amount``          the milestone's planned amount; a bonus's or refund's amount
``in_escrow``       held in escrow for the milestone now
``released``        paid to the freelancer from the milestone's escrow
``refunded``        returned to the client from the milestone (also listed as refund rows)
``at``              when the bonus or refund was made; when the milestone was closed
``note``            a bonus's note; why a refund was made
``activated_at``, ``submitted_at``, ``review_due_at``  the milestone's instants
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cairn.storage.money import plain_amount
from cairn.storage.text import spreadsheet_cell

if TYPE_CHECKING:
    from cairn.storage.db import Database

CSV_COLUMNS = ("row", "contract_id", "contract_title", "client_name", "my_side", "contract_status", "archived",
               "currency", "milestone_id", "position", "milestone_title", "state", "due_date", "amount",
               "in_escrow", "released", "refunded", "at", "note", "activated_at", "submitted_at",
               "review_due_at")

_ROWS = """
with led as (
  select milestone_id,
    sum(case when kind in ('deposit', 'credit_applied') then amount_minor
             when kind in ('release', 'refund', 'credit') then -amount_minor else 0 end) as held,
    sum(case when kind = 'release' then amount_minor else 0 end) as released,
    sum(case when kind = 'refund' then amount_minor else 0 end) as refunded
  from ledger_entry where milestone_id is not null group by milestone_id),
rows as (
  select 0 as sort, 'milestone' as row, m.contract_id, m.id as mid, m.position, m.amount_minor,
         coalesce(led.held, 0) as held, coalesce(led.released, 0) as released,
         coalesce(led.refunded, 0) as refunded, m.closed_at as at, '' as note, m.id as seq
  from milestone m left join led on led.milestone_id = m.id
  union all
  select 1, l.kind, l.contract_id, l.milestone_id, null, l.amount_minor, null, null, null, l.at, l.note, l.id
  from ledger_entry l where l.kind in ('bonus', 'refund'))
select r.row, c.id, c.title, c.client_name, c.my_side, c.status, c.archived, c.currency, r.mid,
       coalesce(r.position, m.position), m.title, m.state, m.due_date, r.amount_minor, r.held, r.released,
       r.refunded, r.at, r.note, m.activated_at, m.submitted_at, m.review_due_at
from rows r join contract c on c.id = r.contract_id left join milestone m on m.id = r.mid
order by c.id, r.sort, coalesce(r.position, 0), r.seq
"""


def export_csv(db: Database) -> str:
    return "".join(csv_chunks(db))


def csv_chunks(db: Database, rows_per_chunk: int = 1000) -> Iterator[str]:
    """Milestones, bonuses and refunds, one row each, with their contract's columns: the text a
    thousand rows at a time, as the query gives them."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for i, r in enumerate(db.reader().execute(_ROWS), 1):
        if i % rows_per_chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        (row, cid, title, client, side, status, archived, cur, mid, position, mtitle, state, due, amount,
         held, released, refunded, at, note, activated, submitted, review_due) = r

        def decimal(minor: int | None, cur: str = cur) -> str:
            return "" if minor is None else plain_amount(minor, cur)

        cells = [row, cid, title, client, side, status, "yes" if archived else "no", cur, mid, position,
                 mtitle, state if row == "milestone" else "", due if row == "milestone" else "",
                 decimal(amount), decimal(held), decimal(released), decimal(refunded), at or "", note,
                 activated or "" if row == "milestone" else "", submitted or "" if row == "milestone" else "",
                 review_due or "" if row == "milestone" else ""]
        # Text cells as data: control characters shown, and no cell a spreadsheet would run as a formula.
        w.writerow([spreadsheet_cell(c) if isinstance(c, str) else c for c in cells])
    yield buf.getvalue()
