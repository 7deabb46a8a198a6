"""R5, C2: every recording operation takes when it happened (``at=``); timers run from it."""

from __future__ import annotations

import pendulum
import pytest

from cairn.storage import api
from cairn.storage.queries.board import board as read_board
from cairn.storage.queries.deadlines import deadlines
from tests.conftest import make_contract, refused


@pytest.fixture(autouse=True)
def _utc():
    pendulum.set_local_timezone(pendulum.timezone("UTC"))
    yield
    pendulum.set_local_timezone()


def started(db, clock, **kw):
    return make_contract(db, clock, started_on="2026-01-01", **kw)


def ago(clock, **delta):
    return clock.now().subtract(**delta)


def test_actions_are_dated_when_they_happened(db, clock):
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock, at="2026-02-01 09:00")
    b = api.submit_work(db, cid, clock=clock, message="done", at="2026-02-10 10:00")
    m = b.milestones[0]
    assert m.submitted_at == pendulum.datetime(2026, 2, 10, 10)
    # M11 counts from the recorded submission: 14 days later, not 14 days from typing it.
    assert m.review_due_at is None or m.review_due_at == pendulum.datetime(2026, 2, 24, 10)
    evs = {e.kind: e.at for e in read_board(db, cid, clock).events}
    assert evs["funded"] == pendulum.datetime(2026, 2, 1, 9)


def test_m11_a_submission_recorded_20_days_late_is_released_at_once_dated_day_14(db, clock):
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock, at=ago(clock, days=25))
    b = api.submit_work(db, cid, clock=clock, message="done", at=ago(clock, days=20))
    assert b.milestones[0].state == "released"
    auto = next(e for e in b.events if e.kind == "auto_release")
    assert auto.actor == "automatic" and auto.at == ago(clock, days=6)
    conn = db.reader()
    at, actor, available = conn.execute(
        "select at, actor, available_at from ledger_entry where kind = 'release'").fetchone()
    assert actor == "automatic" and at.startswith(ago(clock, days=6).to_date_string())
    # P5: the hold runs from the automatic release too: 5 days later, also in the past.
    assert available.startswith(ago(clock, days=1).to_date_string())
    assert any(e.kind == "available" and e.at == ago(clock, days=1) for e in b.events)
    assert b.money.available == 100_00 and b.money.pending == 0


def test_p5_a_release_recorded_late_is_pending_only_for_what_is_left_of_the_hold(db, clock):
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock, at=ago(clock, days=4))
    b = api.release_payment(db, cid, clock=clock, at=ago(clock, days=3))
    assert b.money.pending == 100_00
    d = [x for x in deadlines(db, clock) if x.kind == "available"]
    assert [x.at for x in d] == [ago(clock, days=3).add(days=5)]


def test_p6_a_refund_request_recorded_late_is_accepted_by_silence_dated_day_7(db, clock):
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock, at=ago(clock, days=12))
    b = api.request_refund(db, cid, clock=clock, at=ago(clock, days=10))
    assert b.milestones[0].state == "refunded"
    settled = [e for e in b.events if e.actor == "automatic" and e.kind == "refund"]
    assert settled and settled[0].at == ago(clock, days=3)


def test_a_refund_of_the_whole_escrow_accepted_by_silence_leaves_no_review_to_end(db, clock):
    """Found by the stateful test: submitted work, the whole escrow asked back, then 15 days of
    silence. On day 7 the refund is accepted (the milestone closes, its review clock cleared);
    the review that would have ended on day 14 has nothing left to release, and logs nothing."""
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    api.submit_work(db, cid, clock=clock)
    api.request_refund(db, cid, clock=clock)
    clock.advance(hours=360)
    api.apply_timers(db, clock)
    b = read_board(db, cid, clock)
    assert b.milestones[0].state == "refunded" and b.money.refunded == b.milestones[0].amount_minor
    assert [e.kind for e in b.events if e.actor == "automatic"] == ["refund"]


def test_c4_feedback_window_runs_from_the_recorded_end(db, clock):
    cid = started(db, clock).id
    api.end_contract(db, cid, actor="freelancer", clock=clock, at=ago(clock, days=20))
    e = refused(db, "C4", api.leave_feedback, cid, actor="freelancer", rating=5, clock=clock)
    assert "closed on" in e.message
    cid2 = started(db, clock, title="Second").id
    api.end_contract(db, cid2, actor="freelancer", clock=clock, at=ago(clock, days=10))
    api.leave_feedback(db, cid2, actor="freelancer", rating=5, clock=clock, at=ago(clock, days=9))


def test_r5_a_time_in_the_future_is_refused(db, clock):
    cid = started(db, clock).id
    e = refused(db, "R5", api.fund_next_milestone, cid, clock=clock, at=clock.now().add(minutes=1))
    assert "in the future" in e.message and e.field == "at"
    # As typed in the When field: read as the next day, then refused for being in the future.
    e = refused(db, "R5", api.fund_next_milestone, cid, clock=clock, at="tomorrow")
    assert "in the future" in e.message and "record what has already happened" in e.message


def test_c2_nothing_is_recorded_before_the_contract_started(db, clock):
    cid = started(db, clock).id
    e = refused(db, "C2", api.fund_next_milestone, cid, clock=clock, at="2025-12-31 23:59")
    assert "started on 2026-01-01" in e.message and "Edit contract" in e.message and e.field == "at"


def test_r5_events_are_recorded_in_the_order_they_happened(db, clock):
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock, at="2026-02-10 10:00")
    e = refused(db, "R5", api.submit_work, cid, clock=clock, message="x", at="2026-02-09 10:00")
    assert "the last recorded event is dated 2026-02-10 10:00" in e.message
    assert "undo the later one first" in e.message and e.field == "at"
    api.submit_work(db, cid, clock=clock, message="x", at="2026-02-10 10:00")  # the same moment is fine


def test_a_bare_date_is_placed_after_what_is_already_recorded_that_day(db, clock):
    cid = started(db, clock, profile="Direct client").id
    api.fund_next_milestone(db, cid, clock=clock, at="2026-02-10 10:00")
    b = api.submit_work(db, cid, clock=clock, message="x", at="2026-02-10")
    assert b.milestones[0].submitted_at == pendulum.datetime(2026, 2, 10, 10)
    b = api.request_changes(db, cid, clock=clock, message="again", at="2026-02-11")
    assert next(e for e in b.events if e.kind == "changes_requested").at == pendulum.datetime(2026, 2, 11)


def test_bad_text_is_refused_on_the_field_and_changes_nothing(db, clock):
    cid = started(db, clock).id
    e = refused(db, "R5", api.fund_next_milestone, cid, clock=clock, at="2026-02-30")
    assert e.field == "at" and "February 2026 has 28 days" in e.message


def test_an_action_a_timer_already_made_impossible_says_what_happened_and_when(db, clock):
    cid = started(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock, at=ago(clock, days=25))
    api.submit_work(db, cid, clock=clock, message="done", at=ago(clock, days=20))
    e = refused(db, "P1", api.release_payment, cid, clock=clock)
    when = ago(clock, days=6).format("YYYY-MM-DD HH:mm")
    assert f"Meanwhile, on {when}:" in e.message and "released automatically" in e.message
