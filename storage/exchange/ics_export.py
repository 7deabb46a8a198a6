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

    now = clock.now()
    cal = Calendar.new(prodid="-//Cairn//Cairn deadlines//EN", name="Cairn deadlines", uid="cairn-deadlines@cairn")
    for dl in deadlines(db, clock):
        # The UID says what the event is (its kind and the milestone, payment, request or contract
        # it belongs to), never where it falls in the list: a subscribed calendar does not churn.
        uid = f"cairn-{dl.kind.replace('_', '-')}-{dl.ref or dl.contract_id}@cairn"
        if dl.day is not None:  # a due date is a calendar date: an all-day event on that day
            cal.add_component(Event.new(
                uid=uid, stamp=now, start=dl.day, end=dl.day + timedelta(days=1) if dl.day < date.max else dl.day,
                summary=printable(f"Due: {dl.milestone_title} ({dl.contract_title})", newlines=False),
                description=printable(f"{dl.label}, contract \"{dl.contract_title}\", by the end of "
                                      f"{dl.day.isoformat()}.", newlines=False),
                categories=["due"]))
            continue
        cal.add_component(Event.new(
            uid=uid, stamp=now, start=dl.at, end=dl.at + timedelta(minutes=15),
            summary=printable(f"{dl.contract_title}: {dl.label}", newlines=False),
            description=printable(f"{dl.label}, contract \"{dl.contract_title}\".", newlines=False),
            categories=[dl.kind]))
    return cal.to_ical()
