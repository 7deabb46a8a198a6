"""``cairn export --format ics``: due dates and the other deadlines (G3) as an iCalendar file."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from cairn.storage.text import printable

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database


def export_ics(db: Database, clock: Clock) -> bytes:
    """Due dates (all-day events) and the other G3 deadlines (instants), as an iCalendar file."""
    from icalendar import Calendar, Event

    from cairn.storage.queries.board import deadlines

    conn = db.reader()
    now = clock.now()
    cal = Calendar.new(prodid="-//Cairn//Cairn deadlines//EN", name="Cairn deadlines", uid="cairn-deadlines@cairn")
    for mid, day, title, ctitle in conn.execute(
            """select m.id, m.due_date, m.title, c.title from milestone m join contract c on c.id = m.contract_id
               where m.due_date is not null and m.state in ('future', 'active', 'submitted') and c.status = 'open'
               order by m.due_date, m.id"""):
        d = date.fromisoformat(day)
        title, ctitle = printable(title, newlines=False), printable(ctitle, newlines=False)
        cal.add_component(Event.new(
            uid=f"cairn-due-{mid}@cairn", stamp=now, start=d, end=d + timedelta(days=1) if d < date.max else d,
            summary=f"Due: {title} ({ctitle})", description=f"Milestone \"{title}\" of contract \"{ctitle}\" "
                                                            "is due (M12).", categories=["due"]))
    for i, dl in enumerate(d for d in deadlines(db, clock) if d.kind != "due"):
        cal.add_component(Event.new(
            uid=f"cairn-{dl.kind}-{dl.contract_id}-{int(dl.at.timestamp())}-{i}@cairn", stamp=now, start=dl.at,
            end=dl.at + timedelta(minutes=15),
            summary=printable(f"{dl.contract_title}: {dl.label}", newlines=False),
            description=printable(f"{dl.label} on contract \"{dl.contract_title}\".", newlines=False),
            categories=[dl.kind]))
    return cal.to_ical()
