"""P6: a refund request without ending the contract, its dispute through mediation and
arbitration to an outcome the platform decided, with the money moved accordingly; C4 feedback."""

from __future__ import annotations

import pendulum
import pytest

from cairn.storage import api
from cairn.storage.queries import check
from tests.conftest import make_contract, refused


@pytest.fixture(autouse=True)
def _utc():
    pendulum.set_local_timezone(pendulum.timezone("UTC"))
    yield
    pendulum.set_local_timezone()


def disputed(db, clock, amount="60"):
    cid = make_contract(db, clock, started_on="2026-01-01").id
    api.fund_next_milestone(db, cid, clock=clock, at="10d ago")
    api.submit_work(db, cid, message="done", clock=clock, at="9d ago")  # auto-release in 5 days
    b = api.request_refund(db, cid, amount=amount, clock=clock, at="3d ago")  # client, contract stays open
    assert b.contract.is_open and b.refund_request.status == "pending"
    api.answer_refund_request(db, cid, accept=False, note="Work was delivered", clock=clock, at="2d ago")
    return cid


def test_p6_a_dispute_goes_through_mediation_and_arbitration_with_dates(db, clock):
    cid = disputed(db, clock)
    b = api.record_dispute_stage(db, cid, actor="freelancer", stage="mediation", clock=clock, at="yesterday 10:00")
    assert b.refund_request.status == "mediation" and b.refund_request.stage_at == pendulum.datetime(2026, 3, 1, 10)
    e = refused(db, "P6", api.record_dispute_stage, cid, actor="client", stage="mediation", clock=clock)
    assert "already in mediation" in e.message and "arbitration" in e.message
    b = api.record_dispute_stage(db, cid, actor="client", stage="arbitration", clock=clock, at="3h ago")
    assert b.refund_request.status == "arbitration"
    kinds = [e.kind for e in b.events]
    assert "dispute_mediation" in kinds and "dispute_arbitration" in kinds and "refund_disputed" in kinds
    assert b.milestones[0].state == "submitted"  # still in escrow until the outcome


@pytest.mark.parametrize(("outcome", "refund", "refunded", "released", "state"), [
    ("refunded", None, 60_00, 0, "submitted"),
    ("released", None, 0, 60_00, "submitted"),
    ("split", "25", 25_00, 35_00, "submitted"),
])
def test_p6_the_outcome_moves_the_money_in_dispute(db, clock, outcome, refund, refunded, released, state):
    cid = disputed(db, clock)
    b = api.settle_dispute(db, cid, actor="client", outcome=outcome, refund=refund, clock=clock, at="1h ago")
    assert b.refund_request is None and b.money.refunded == refunded and b.money.paid == released
    assert b.money.escrow == 100_00 - refunded - released and b.milestones[0].state == state
    assert any(e.kind == "dispute_settled" for e in b.events)
    assert check.problems(db) == []


def test_p6_when_the_whole_escrow_was_in_dispute_the_milestone_closes(db, clock):
    cid = disputed(db, clock, amount=None)
    b = api.settle_dispute(db, cid, actor="freelancer", outcome="released", clock=clock)
    assert b.milestones[0].state == "released" and b.money.escrow == 0 and b.money.paid == 100_00
    cid2 = disputed(db, clock, amount=None)
    b = api.settle_dispute(db, cid2, actor="freelancer", outcome="refunded", clock=clock)
    assert b.milestones[0].state == "refunded" and b.money.refunded == 100_00


def test_p6_a_split_needs_an_amount_below_what_is_in_dispute(db, clock):
    cid = disputed(db, clock)
    assert refused(db, "P6", api.settle_dispute, cid, actor="client", outcome="split", clock=clock).field == "refund"
    e = refused(db, "P6", api.settle_dispute, cid, actor="client", outcome="split", refund="60", clock=clock)
    assert "less than the $60.00 in dispute" in e.message


def test_p6_no_dispute_no_stage(db, clock):
    cid = make_contract(db, clock).id
    e = refused(db, "P6", api.record_dispute_stage, cid, actor="client", stage="mediation", clock=clock)
    assert "no refund request is in dispute" in e.message
    api.fund_next_milestone(db, cid, clock=clock)
    api.request_refund(db, cid, clock=clock)
    e = refused(db, "P6", api.settle_dispute, cid, actor="client", outcome="released", clock=clock)
    assert "dispute it first" in e.message


def test_p6_an_ended_contract_s_dispute_still_reaches_its_outcome(db, clock):
    cid = make_contract(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    b = api.end_contract(db, cid, actor="client", release_minor="40", clock=clock)  # the rest: a refund request
    assert b.refund_request.amount_minor == 60_00
    api.answer_refund_request(db, cid, accept=False, clock=clock)
    b = api.settle_dispute(db, cid, actor="client", outcome="split", refund="10", clock=clock)
    assert b.money.escrow == 0 and b.money.paid == 90_00 and b.money.refunded == 10_00
    assert b.milestones[0].state == "released"


def test_undo_a_dispute_outcome(db, clock):
    cid = disputed(db, clock)
    b = api.settle_dispute(db, cid, actor="client", outcome="refunded", clock=clock)
    assert b.refund_request is None
    b = api.undo_last_action(db, cid, clock=clock)
    assert b.refund_request.status == "disputed" and b.money.escrow == 100_00


def test_c4_feedback_after_the_end_within_the_window(db, clock):
    cid = make_contract(db, clock).id
    e = refused(db, "C4", api.leave_feedback, cid, actor="freelancer", rating=5, clock=clock)
    assert "end it first" in e.message
    api.end_contract(db, cid, actor="client", clock=clock)
    clock.advance(days=3)
    b = api.leave_feedback(db, cid, actor="freelancer", rating=5, text="Great client", clock=clock)
    assert b.contract.feedback_rating == 5
    clock.advance(days=12)
    assert "closed on" in refused(db, "C4", api.leave_feedback, cid, actor="client", rating=4, clock=clock).message


def test_m11_waits_while_the_escrow_is_in_dispute_and_restarts_after_a_split(db, clock):
    cid = disputed(db, clock)  # the automatic release was due in 5 days
    b = api.board(db, cid, clock)
    assert b.milestones[0].review_due_at is None
    assert not [d for d in api.deadlines(db, clock) if d.kind == "review"]
    clock.advance(days=30)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert b.milestones[0].state == "submitted" and b.money.escrow == 100_00 and b.refund_request is not None
    b = api.settle_dispute(db, cid, actor="client", outcome="split", refund="25", clock=clock)
    assert b.milestones[0].review_due_at == clock.now().add(days=14)  # the rest: a new review window
    assert "released automatically on" in next(e for e in b.events if e.kind == "dispute_settled").summary
    clock.advance(days=14)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert b.milestones[0].state == "released" and b.money.paid == 75_00 and b.money.refunded == 25_00
    assert check.problems(db) == []


def test_undo_a_dispute_restores_the_review_clock(db, clock):
    cid = make_contract(db, clock, started_on="2026-01-01").id
    api.fund_next_milestone(db, cid, clock=clock, at="10d ago")
    api.submit_work(db, cid, message="done", clock=clock, at="9d ago")
    api.request_refund(db, cid, amount="60", clock=clock, at="3d ago")
    due = api.board(db, cid, clock).milestones[0].review_due_at
    api.answer_refund_request(db, cid, accept=False, clock=clock)
    b = api.undo_last_action(db, cid, clock=clock)
    assert b.refund_request.status == "pending" and b.milestones[0].review_due_at == due


def test_an_undone_outcome_reads_as_taken_back_in_the_history(db, clock):
    from cairn.storage.queries.history import history

    cid = disputed(db, clock)
    api.settle_dispute(db, cid, actor="client", outcome="split", refund="10", clock=clock)
    api.undo_last_action(db, cid, clock=clock)
    h = history(db, cid)
    assert h.entries[0].kind == "undone" and h.entries[0].what.startswith("Undone: Dispute decided")
    undone = {e.kind for e in h.entries if e.undone_at is not None}
    assert {"dispute_settled", "refund", "released"} <= undone
    assert all(e.undone_at is None for e in h.entries if e.kind in ("refund_disputed", "undone"))


def test_p6_the_list_says_which_stage_a_dispute_is_in_until_it_is_settled(db, clock):
    from cairn.storage.queries.summaries import contract_summaries

    def attention():
        (s,) = contract_summaries(db, clock)
        return s.attention, s.dispute

    cid = disputed(db, clock)
    assert attention() == ("In dispute", "disputed")
    api.record_dispute_stage(db, cid, actor="freelancer", stage="mediation", clock=clock, at="yesterday 10:00")
    assert attention() == ("In mediation", "mediation")
    api.record_dispute_stage(db, cid, actor="client", stage="arbitration", clock=clock, at="3h ago")
    assert attention() == ("In arbitration", "arbitration")
    api.settle_dispute(db, cid, actor="client", outcome="released", clock=clock, at="1h ago")
    assert attention()[1] is None and "dispute" not in attention()[0].lower()
