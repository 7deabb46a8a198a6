"""``deadline_rows``, the lean reading ``cairn due`` prints, is ``deadlines`` field for field and
in the same order; and the timers check that ``due`` and ``report`` ask leaves P5 to the next
writer, which records it at the same instant."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from cairn.storage import api
from cairn.storage.clock import FixedClock
from cairn.storage.queries.deadlines import deadline_rows
from cairn.storage.queries.timers import timers_due
from tests.conftest import make_contract


def _projected(db, clock):
    return [(d.at, d.day, d.contract_id, d.contract_title, d.label) for d in api.deadlines(db, clock)]


def _at(instant) -> FixedClock:
    return FixedClock(instant.isoformat())


def _later(clock: FixedClock, **delta) -> FixedClock:
    return _at(clock.now() + timedelta(**delta))


def test_rows_are_the_deadlines_in_their_order_ties_included(db, clock):
    # Titles whose labels sort otherwise than the titles do ('"A" due' after '"A B" due'), the
    # same day on several contracts and both sides, and every other kind of deadline.
    first = api.create_contract(db, title="First", client_name="Acme", clock=clock, milestones=[
        api.MilestoneIn("A", 100_00, due_date="2026-03-20"), api.MilestoneIn("A B", 100_00, due_date="2026-03-20"),
        api.MilestoneIn("B", 100_00, due_date="2026-03-18")])
    api.create_contract(db, title="Theirs", client_name="Acme", my_side="client", clock=clock, milestones=[
        api.MilestoneIn("Z", 100_00, due_date="2026-03-20"), api.MilestoneIn("A", 100_00, due_date="2026-03-20")])
    paid = make_contract(db, clock, 2)
    api.fund_next_milestone(db, paid.id, actor="client", clock=clock)
    api.release_payment(db, paid.id, actor="client", clock=clock)  # available in a few days
    asked = make_contract(db, clock, 1)
    api.fund_next_milestone(db, asked.id, actor="client", clock=clock)
    api.request_refund(db, asked.id, actor="client", clock=clock)
    ended = make_contract(db, clock, 1)
    api.end_contract(db, ended.id, actor="client", clock=clock)
    # A review that ends at the very instant a due date does (the end of 2026-03-20, local):
    # it goes among that day's due dates by contract, then by label.
    api.fund_next_milestone(db, first.id, actor="client", clock=clock)
    ends = next(d.at for d in api.deadlines(db, clock) if d.label == '"A" due' and d.contract_id == first.id)
    submitted = _at(ends - timedelta(days=14))
    api.submit_work(db, first.id, clock=submitted)
    later = _later(submitted, hours=1)
    rows = deadline_rows(db, later)
    assert rows == _projected(db, later)
    assert {d.kind for d in api.deadlines(db, later)} == {"due", "review", "available", "refund_answer", "feedback"}
    tied = [r for r in rows if r[0] == ends]
    assert any(r[1] is None for r in tied) and len(tied) > 2  # the review is among the due dates it ties with


def test_rows_fall_back_to_the_full_order_for_dates_an_older_cairn_kept(db, clock):
    # 9999-12-31 ends at the fallback instant (9999-01-01), before 9999-12-30 ends: the order
    # of the days is not the order of their ends.
    c = make_contract(db, clock, 3)
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("update milestone set due_date = case position when 1 then '9999-12-31' "
                     "when 2 then '9999-12-30' else '2026-04-01' end where contract_id = ?", (c.id,))
    conn.close()
    rows = deadline_rows(db, clock)
    assert rows == _projected(db, clock)
    assert [r[1].isoformat() for r in rows] == ["2026-04-01", "9999-12-31", "9999-12-30"]


def test_p5_alone_is_not_due_for_a_reader_it_cannot_change_and_the_next_writer_records_it(db, clock):
    c = make_contract(db, clock, 2)
    api.fund_next_milestone(db, c.id, actor="client", clock=clock)
    api.release_payment(db, c.id, actor="client", clock=clock)
    available_at = next(d.at for d in api.deadlines(db, clock) if d.kind == "available")
    after = _at(available_at + timedelta(days=1))
    assert timers_due(db, after)  # the "available" event is owed
    assert not timers_due(db, after, availability=False)  # ... and changes no figure or deadline
    before = api.earnings(db, after)
    assert api.apply_timers(db, after) == 1
    assert not timers_due(db, after)
    assert api.earnings(db, after) == before  # what due and report print was already right
    conn = sqlite3.connect(db.path)
    at = conn.execute("select at from event where kind = 'available'").fetchone()[0]
    conn.close()
    assert at.startswith(available_at.strftime("%Y-%m-%dT%H:%M"))  # recorded when it happened


def test_a_review_or_refund_past_due_is_due_for_every_reader(db, clock):
    c = make_contract(db, clock, 2)
    api.fund_next_milestone(db, c.id, actor="client", clock=clock)
    api.submit_work(db, c.id, clock=clock)
    late = _later(clock, days=30)
    assert timers_due(db, late, availability=False) and timers_due(db, late)
