"""``cairn export --format csv``: one row per milestone, with its contract's columns and its money."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from cairn.storage.money import plain_amount
from cairn.storage.text import spreadsheet_cell

if TYPE_CHECKING:
    from cairn.storage.db import Database

CSV_COLUMNS = ("contract_id", "contract_title", "client_name", "currency", "my_side", "contract_status",
               "milestone_id", "position", "milestone_title", "state", "due_date", "amount", "amount_minor",
               "in_escrow_minor", "released_minor", "refunded_minor", "activated_at", "submitted_at",
               "review_due_at", "closed_at")


def export_csv(db: Database) -> str:
    """One row per milestone, with its contract's columns and its money from the ledger."""
    conn = db.reader()
    rows = conn.execute("""
        with led as (
          select milestone_id,
            sum(case when kind in ('deposit', 'credit_applied') then amount_minor
                     when kind in ('release', 'refund', 'credit') then -amount_minor else 0 end) as held,
            sum(case when kind = 'release' then amount_minor else 0 end) as released,
            sum(case when kind = 'refund' then amount_minor else 0 end) as refunded
          from ledger_entry where milestone_id is not null group by milestone_id)
        select c.id, c.title, c.client_name, c.currency, c.my_side, c.status, m.id, m.position, m.title,
               m.state, m.due_date, m.amount_minor, coalesce(led.held, 0), coalesce(led.released, 0),
               coalesce(led.refunded, 0), m.activated_at, m.submitted_at, m.review_due_at, m.closed_at
        from milestone m join contract c on c.id = m.contract_id left join led on led.milestone_id = m.id
        order by c.id, m.position, m.id""")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        # Text cells as data: control characters shown, and no cell a spreadsheet would run as a formula.
        w.writerow([spreadsheet_cell(c) if isinstance(c, str) else c
                    for c in (*r[:11], plain_amount(r[11], r[3]), *r[11:])])
    return buf.getvalue()
