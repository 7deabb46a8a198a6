"""P1-P9: release, carry, conservation, hold, refunds, bonus, earnings, profiles."""

from __future__ import annotations

from datetime import timedelta

from cairn.storage import api
from tests.conftest import make_contract, refused


def states(b):
    return [m.state for m in b.milestones]


def funded(db, clock, n=3, **kw):
    b = make_contract(db, clock, n, **kw)
    return api.fund_next_milestone(db, b.id, actor="client", clock=clock)


def conservation(db, cid):
    conn = db.reader()
    rows = conn.execute("select kind, amount_minor, milestone_id from ledger_entry where contract_id = ?",
                        (cid,)).fetchall()
    total = {k: sum(a for kk, a, _ in rows if kk == k) for k in
             ("deposit", "release", "refund", "credit", "credit_applied")}
    held = total["deposit"] + total["credit_applied"] - total["release"] - total["credit"] - sum(
        a for k, a, m in rows if k == "refund" and m is not None)
    credit = total["credit"] - total["credit_applied"] - sum(a for k, a, m in rows if k == "refund" and m is None)
    assert held >= 0 and credit >= 0
    assert total["deposit"] == total["release"] + total["refund"] + held + credit
    return held, credit


def test_p1_release_in_full(db, clock):
    b = funded(db, clock)
    b = api.release_payment(db, b.id, actor="client", clock=clock)
    assert states(b)[0] == "released" and b.money.paid == 100_00 and b.money.escrow == 0


def test_p1_release_from_active_or_submitted_only_by_client(db, clock):
    b = make_contract(db, clock)
    e = refused(db, "P1", api.release_payment, b.id, actor="client", clock=clock)
    assert "fund" in e.message
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    refused(db, "P1", api.release_payment, b.id, actor="freelancer", clock=clock)
    api.submit_work(db, b.id, clock=clock)
    b = api.release_payment(db, b.id, actor="client", clock=clock)
    assert states(b)[0] == "released"


def test_p1_amount_between_zero_and_escrow(db, clock):
    b = funded(db, clock)
    for bad in (0, "0", -5, 100_01, "100.01", "0.001"):
        refused(db, "P1", api.release_payment, b.id, actor="client", amount=bad, clock=clock)
    b = api.release_payment(db, b.id, actor="client", amount="0.01", clock=clock)
    assert b.money.paid == 1 and b.money.refunded == 99_99


def test_p2_release_and_keep_open(db, clock):
    b = funded(db, clock)
    b = api.release_payment(db, b.id, actor="client", end_contract=False, clock=clock)
    assert b.contract.status == "open"


def test_p2_release_and_end(db, clock):
    b = funded(db, clock)
    b = api.release_payment(db, b.id, actor="client", end_contract=True, end_reason="completed successfully",
                            feedback_rating=5, clock=clock)
    assert b.contract.status == "ended" and states(b) == ["released", "voided", "voided"]
    assert b.contract.feedback_rating == 5


def test_p2_partial_release_and_end_makes_the_rest_a_refund_request(db, clock):
    """C3: when the client ends, what isn't released becomes a refund request (P6)."""
    b = funded(db, clock)
    b = api.release_payment(db, b.id, actor="client", amount=40_00, remainder="refund", end_contract=True,
                            clock=clock)
    assert b.contract.status == "ended" and b.money.paid == 40_00
    assert b.refund_request is not None and b.refund_request.amount_minor == 60_00
    b = api.answer_refund_request(db, b.id, accept=True, clock=clock)
    assert b.money.refunded == 60_00 and b.money.escrow == 0 and states(b)[0] == "released"


def test_p3_partial_release_carries_credit_capped_at_next_amount(db, clock):
    b = api.create_contract(db, title="x", milestones=[api.MilestoneIn("a", 100_00), api.MilestoneIn("b", 20_00)],
                            clock=clock)
    cid = b.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.release_payment(db, cid, actor="client", amount=50_00, remainder="carry", clock=clock)
    assert b.money.credit == 20_00 and b.money.refunded == 30_00 and b.money.escrow == 0
    assert conservation(db, cid) == (0, 20_00)
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    assert b.money.funded == 100_00  # nothing new deposited
    assert b.milestones[1].held_minor == 20_00 and b.money.credit == 0
    assert conservation(db, cid) == (20_00, 0)


def test_p3_partial_release_refunds_remainder(db, clock):
    b = funded(db, clock)
    b = api.release_payment(db, b.id, actor="client", amount=25_00, remainder="refund", clock=clock)
    assert (b.money.paid, b.money.refunded, b.money.credit) == (25_00, 75_00, 0)


def test_p3_carry_needs_a_next_milestone_and_an_open_contract(db, clock):
    b = funded(db, clock, 1)
    refused(db, "P3", api.release_payment, b.id, actor="client", amount=50_00, remainder="carry", clock=clock)
    b = funded(db, clock, 2)
    refused(db, "P3", api.release_payment, b.id, actor="client", amount=50_00, remainder="carry",
            end_contract=True, clock=clock)
    refused(db, "P3", api.release_payment, b.id, actor="client", amount=50_00, remainder="keep", clock=clock)


def test_p3_credit_above_edited_next_amount_refunded_on_funding(db, clock):
    b = funded(db, clock)
    cid = b.id
    api.release_payment(db, cid, actor="client", amount=10_00, remainder="carry", clock=clock)
    nxt = api.board(db, cid, clock).milestones[1]
    api.draft_edit(db, cid, side="client", key=f"m{nxt.id}", amount="60.00", clock=clock)
    api.send_changes(db, cid, clock=clock)
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    assert b.milestones[1].held_minor == 60_00 and b.money.credit == 0
    assert b.money.refunded == 30_00
    conservation(db, cid)


def test_p4_money_is_conserved_through_every_path(db, clock):
    b = funded(db, clock, 4)
    cid = b.id
    api.release_payment(db, cid, actor="client", amount=33_33, remainder="carry", clock=clock)
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    api.refund_escrow(db, cid, actor="freelancer", amount=1_00, clock=clock)
    api.request_refund(db, cid, actor="client", amount=10_00, clock=clock)
    api.answer_refund_request(db, cid, accept=True, clock=clock)
    api.release_payment(db, cid, actor="client", clock=clock)
    api.give_bonus(db, cid, amount="12.34", clock=clock)
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.end_contract(db, cid, actor="client", release_minor=50_00, clock=clock)
    held, credit = conservation(db, cid)
    assert held == b.money.escrow == 50_00 and credit == b.money.credit == 0
    assert b.money.bonus == 12_34


def test_p4_no_floats_in_the_ledger(db, clock):
    b = funded(db, clock)
    api.release_payment(db, b.id, actor="client", amount="0.10", clock=clock)
    conn = db.reader()
    assert {t for (t,) in conn.execute("select typeof(amount_minor) from ledger_entry")} == {"integer"}
    assert {t for (t,) in conn.execute("select typeof(amount_minor) from milestone")} == {"integer"}


def test_p5_released_money_pending_for_hold_then_available(db, clock):
    b = funded(db, clock)
    cid = b.id
    b = api.release_payment(db, cid, actor="client", clock=clock)
    assert (b.money.pending, b.money.available) == (100_00, 0)
    clock.advance(days=5)
    b = api.board(db, cid, clock)
    assert (b.money.pending, b.money.available) == (0, 100_00)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    ev = next(e for e in b.events if e.kind == "available")
    assert ev.actor == "automatic" and ev.at == clock.now()
    assert api.apply_timers(db, clock) == 0  # once only


def test_p5_direct_client_profile_has_no_hold(db, clock):
    b = funded(db, clock, profile="Direct client")
    b = api.release_payment(db, b.id, actor="client", clock=clock)
    assert (b.money.pending, b.money.available) == (0, 100_00)


def test_p6_freelancer_refunds_escrow_at_once(db, clock):
    b = funded(db, clock)
    refused(db, "P6", api.refund_escrow, b.id, actor="client", clock=clock)
    b = api.refund_escrow(db, b.id, actor="freelancer", amount=30_00, clock=clock)
    assert b.money.escrow == 70_00 and states(b)[0] == "active"
    b = api.refund_escrow(db, b.id, actor="freelancer", clock=clock)
    assert b.money.escrow == 0 and states(b)[0] == "refunded"
    refused(db, "P6", api.refund_escrow, b.id, actor="freelancer", clock=clock)


def test_p6_client_refund_request_waits_for_freelancer(db, clock):
    b = funded(db, clock)
    cid = b.id
    refused(db, "P6", api.request_refund, cid, actor="freelancer", clock=clock)
    b = api.request_refund(db, cid, actor="client", amount=40_00, clock=clock)
    assert b.refund_request.answer_due_at == clock.now() + timedelta(days=7)
    assert b.money.escrow == 100_00
    refused(db, "P6", api.request_refund, cid, actor="client", clock=clock)
    refused(db, "P6", api.answer_refund_request, cid, actor="client", accept=True, clock=clock)
    b = api.answer_refund_request(db, cid, actor="freelancer", accept=True, clock=clock)
    assert b.money.escrow == 60_00 and b.money.refunded == 40_00 and states(b)[0] == "active"
    assert b.refund_request is None


def test_p6_silence_accepts_the_refund(db, clock):
    b = funded(db, clock)
    cid = b.id
    b = api.request_refund(db, cid, actor="client", clock=clock)
    due = b.refund_request.answer_due_at
    clock.advance(days=30)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert b.money.refunded == 100_00 and states(b)[0] == "refunded"
    ev = next(e for e in b.events if e.kind == "refund")
    assert ev.actor == "automatic" and ev.at == due


def test_p6_dispute_is_recorded_with_its_date(db, clock):
    b = funded(db, clock)
    cid = b.id
    api.request_refund(db, cid, actor="client", clock=clock)
    clock.advance(days=1)
    b = api.answer_refund_request(db, cid, actor="freelancer", accept=False, note="Work was delivered",
                                  clock=clock)
    assert b.refund_request.status == "disputed"
    clock.advance(days=30)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert b.money.escrow == 100_00  # a dispute never turns into silence
    refused(db, "P6", api.answer_refund_request, cid, actor="freelancer", accept=True, clock=clock)


def test_p6_released_escrow_closes_the_refund_request_and_history_stays_put(db, clock):
    b = funded(db, clock)
    cid = b.id
    api.request_refund(db, cid, actor="client", amount=40_00, clock=clock)
    clock.advance(days=1)
    b = api.release_payment(db, cid, actor="client", clock=clock)
    closed = b.milestones[0]
    assert b.refund_request is None
    conn = db.reader()
    row = conn.execute("select state, closed_at from milestone where id = ?", (closed.id,)).fetchone()
    clock.advance(days=30)
    api.apply_timers(db, clock)
    assert conn.execute("select state, closed_at from milestone where id = ?", (closed.id,)).fetchone() == row
    b = api.board(db, cid, clock)
    assert b.money.paid == 100_00 and b.money.refunded == 0


def test_p6_freelancer_ending_settles_a_pending_refund_request(db, clock):
    b = funded(db, clock)
    cid = b.id
    api.request_refund(db, cid, actor="client", amount=40_00, clock=clock)
    b = api.end_contract(db, cid, actor="freelancer", reason="cancelled", clock=clock)
    assert b.refund_request is None and b.money.refunded == 100_00
    conn = db.reader()
    assert conn.execute("select status from refund_request").fetchall() != [("pending",)]


def test_p6_timers_fire_in_the_order_they_fell_due(db, clock):
    """A refund accepted by silence on day 7 happens before the day-14 automatic release."""
    b = funded(db, clock)
    cid = b.id
    api.submit_work(db, cid, clock=clock)
    clock.advance(days=1)
    api.request_refund(db, cid, actor="client", amount=30_00, clock=clock)
    clock.advance(days=30)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert (b.money.refunded, b.money.paid) == (30_00, 70_00)
    assert states(b)[0] == "released"


def test_p7_bonus_outside_escrow_pending_like_a_release(db, clock):
    b = make_contract(db, clock)
    cid = b.id
    refused(db, "P7", api.give_bonus, cid, actor="freelancer", amount=10_00, clock=clock)
    refused(db, "P7", api.give_bonus, cid, actor="client", amount=0, clock=clock)
    b = api.give_bonus(db, cid, amount="10.00", note="Thanks", clock=clock)
    assert (b.money.bonus, b.money.pending, b.money.escrow, b.money.funded) == (10_00, 10_00, 0, 0)


def test_p7_bonus_up_to_365_days_after_end(db, clock):
    b = make_contract(db, clock)
    cid = b.id
    api.end_contract(db, cid, actor="client", clock=clock)
    clock.advance(days=365)
    api.give_bonus(db, cid, amount=5_00, clock=clock)
    clock.advance(days=1)
    refused(db, "P7", api.give_bonus, cid, amount=5_00, clock=clock)


def test_p8_earnings_per_stage_and_currency(db, clock):
    usd = make_contract(db, clock, amount=100_00)
    api.fund_next_milestone(db, usd.id, actor="client", clock=clock)  # 100 WIP
    usd2 = make_contract(db, clock, amount=50_00)
    api.fund_next_milestone(db, usd2.id, actor="client", clock=clock)
    api.submit_work(db, usd2.id, clock=clock)  # 50 in review
    eur = make_contract(db, clock, amount=200_00, currency="EUR")
    api.fund_next_milestone(db, eur.id, actor="client", clock=clock)
    api.release_payment(db, eur.id, actor="client", clock=clock)  # 200 pending
    old = make_contract(db, clock, amount=30_00, currency="EUR")
    api.fund_next_milestone(db, old.id, actor="client", clock=clock)
    api.release_payment(db, old.id, actor="client", clock=clock)
    mine_as_client = make_contract(db, clock, amount=999_00, my_side="client")
    api.fund_next_milestone(db, mine_as_client.id, actor="client", clock=clock)
    rows = {e.currency: e for e in api.earnings(db, clock)}
    assert (rows["USD"].work_in_progress, rows["USD"].in_review, rows["USD"].pending, rows["USD"].available) == (
        100_00, 50_00, 0, 0)
    assert (rows["EUR"].pending, rows["EUR"].available) == (230_00, 0)
    clock.advance(days=6)
    rows = {e.currency: e for e in api.earnings(db, clock)}
    assert (rows["EUR"].pending, rows["EUR"].available) == (0, 230_00)
    per = api.earnings(db, clock, per_contract=True)
    assert {e.contract_id for e in per} == {usd.id, usd2.id, eur.id, old.id}
    assert next(e for e in per if e.contract_id == usd2.id).in_review == 50_00


def test_p9_direct_client_profile_numbers(db, clock):
    b = make_contract(db, clock, profile="Direct client")
    p = b.contract.profile
    assert (p.review_days, p.hold_days) == (None, 0)
    b = make_contract(db, clock)
    p = b.contract.profile
    assert (p.review_days, p.hold_days, p.refund_answer_days, p.minimum_minor) == (14, 5, 7, 500)


def test_p9_unknown_profile_refused(db, clock):
    refused(db, "P9", api.create_contract, title="x", profile="Fiverr", clock=clock)
