"""C1-C6: contracts, ending, feedback, read-only history, archive and delete."""

from __future__ import annotations

from cairn.storage import api
from tests.conftest import dump, make_contract, refused


def _ledger(db, cid):
    conn = db.reader()
    return conn.execute("select kind, amount_minor, milestone_id, actor from ledger_entry where contract_id = ? "
                        "order by id", (cid,)).fetchall()


def test_c1_hourly_contract_has_no_milestones(db, clock):
    refused(db, "C1", api.create_contract, title="Support", kind="hourly",
            milestones=[api.MilestoneIn("M1", 100_00)], clock=clock)
    b = api.create_contract(db, title="Support", kind="hourly", clock=clock)
    assert b.contract.kind == "hourly"
    refused(db, "C1", api.fund_next_milestone, b.id, actor="client", clock=clock)
    refused(db, "C1", api.draft_add, b.id, side="client", title="x", amount=100_00, clock=clock)
    # Every milestone action says C1, whoever acts (issue 9: milestone keys refused with C1).
    for fn, kw in ((api.fund_next_milestone, {"actor": "freelancer"}), (api.submit_work, {"actor": "client"}),
                   (api.submit_work, {"actor": "freelancer"}), (api.request_changes, {"actor": "client"}),
                   (api.release_payment, {"actor": "client"}), (api.refund_escrow, {"actor": "freelancer"}),
                   (api.request_refund, {"actor": "client"}), (api.draft_add, {"side": "freelancer", "title": "x",
                                                                              "amount": "10"})):
        assert "hourly contract" in refused(db, "C1", fn, b.id, clock=clock, **kw).message
    # What does apply to an hourly contract: a bonus, ending it, feedback.
    api.give_bonus(db, b.id, amount="50", clock=clock)
    api.end_contract(db, b.id, actor="client", clock=clock)
    api.leave_feedback(db, b.id, actor="freelancer", rating=5, clock=clock)


def test_c1_kind_must_be_fixed_or_hourly(db, clock):
    refused(db, "C1", api.create_contract, title="x", kind="retainer", clock=clock)


def test_c2_fields_and_defaults(db, clock):
    b = api.create_contract(db, title="  Logo  ", client_name="Ada", notes="line1\nline2", clock=clock)
    c = b.contract
    assert (c.title, c.client_name, c.currency, c.my_side, c.status) == ("Logo", "Ada", "USD", "freelancer", "open")
    assert c.profile.name == "Marketplace"
    assert c.notes == "line1\nline2"
    assert str(c.started_on) == "2026-03-02" or c.started_on is not None


def test_c2_currency_must_be_iso_4217(db, clock):
    e = refused(db, "C2", api.create_contract, title="x", currency="XYZ", clock=clock)
    assert e.field == "currency"
    b = api.create_contract(db, title="x", currency="jpy", clock=clock)
    assert b.contract.currency == "JPY"


def test_c2_my_side_and_title_checked(db, clock):
    refused(db, "C2", api.create_contract, title="x", my_side="automatic", clock=clock)
    refused(db, "C2", api.create_contract, title="   ", clock=clock)


def test_c2_started_on_refusal_names_the_contract_rule(db, clock):
    e = refused(db, "C2", api.create_contract, title="x", started_on="2026-02-30", clock=clock)
    assert e.field == "started_on"


def test_c3_either_party_may_end_and_future_milestones_are_voided(db, clock, contract):
    b = api.end_contract(db, contract.id, actor="freelancer", reason="cancelled", clock=clock)
    assert b.contract.status == "ended" and b.contract.ended_by == "freelancer"
    assert [m.state for m in b.milestones] == ["voided"] * 3
    c2 = make_contract(db, clock)
    b = api.end_contract(db, c2.id, actor="client", reason="no longer needed", clock=clock)
    assert [m.state for m in b.milestones] == ["voided"] * 3


def test_c3_automatic_cannot_end(db, clock, contract):
    refused(db, "C3", api.end_contract, contract.id, actor="automatic", clock=clock)


def test_c3_freelancer_ending_refunds_escrow(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    b = api.end_contract(db, contract.id, actor="freelancer", reason="cancelled", clock=clock)
    assert [m.state for m in b.milestones] == ["refunded", "voided", "voided"]
    assert b.money.escrow == 0 and b.money.refunded == 100_00
    assert ("refund", 100_00, b.milestones[0].id, "freelancer") in _ledger(db, contract.id)


def test_c3_freelancer_ending_cannot_release(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    refused(db, "C3", api.end_contract, contract.id, actor="freelancer", release_minor=50_00, clock=clock)


def test_c3_client_ending_releases_part_and_requests_refund_of_rest(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    b = api.end_contract(db, contract.id, actor="client", release_minor="40.00", clock=clock)
    assert b.money.paid == 40_00
    assert b.refund_request is not None and b.refund_request.amount_minor == 60_00
    assert b.refund_request.status == "pending"
    assert b.money.escrow == 60_00  # still held until the freelancer answers (P6)
    # Silence accepts it after 7 days.
    clock.advance(days=8)
    api.apply_timers(db, clock)
    b = api.board(db, contract.id, clock)
    assert b.money.escrow == 0 and b.money.refunded == 60_00
    assert b.milestones[0].state == "released"


def test_c3_client_ending_with_none_released_typed_as_zero(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    b = api.end_contract(db, contract.id, actor="client", release_minor="0", clock=clock)
    assert b.money.paid == 0 and b.refund_request.amount_minor == 100_00
    c2 = make_contract(db, clock)
    api.fund_next_milestone(db, c2.id, actor="client", clock=clock)
    b = api.end_contract(db, c2.id, actor="client", release_minor="", clock=clock)
    assert b.refund_request.amount_minor == 100_00


def test_c3_client_ending_releases_all(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    b = api.end_contract(db, contract.id, actor="client", release_minor=100_00, clock=clock)
    assert b.money.paid == 100_00 and b.refund_request is None
    assert [m.state for m in b.milestones] == ["released", "voided", "voided"]


def test_c3_client_cannot_release_more_than_escrow_when_ending(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    refused(db, "C3", api.end_contract, contract.id, actor="client", release_minor=100_01, clock=clock)
    refused(db, "C3", api.end_contract, contract.id, actor="client", release_minor=-1, clock=clock)


def test_c3_ending_refunds_carried_credit(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    api.release_payment(db, contract.id, actor="client", amount=70_00, remainder="carry", clock=clock)
    b = api.end_contract(db, contract.id, actor="freelancer", reason="cancelled", clock=clock)
    assert b.money.credit == 0 and b.money.refunded == 30_00


def test_c3_ending_declines_pending_change_request_and_drops_drafts(db, clock, contract):
    api.draft_add(db, contract.id, side="freelancer", title="Extra", amount=50_00, clock=clock)
    api.propose_changes(db, contract.id, clock=clock)
    api.draft_add(db, contract.id, side="freelancer", title="Extra 2", amount=50_00, clock=clock)
    b = api.end_contract(db, contract.id, actor="client", clock=clock)
    assert b.request is None and b.past_requests[0].status == "declined"
    assert b.draft is None
    conn = db.reader()
    assert conn.execute("select count(*) from plan_draft").fetchone()[0] == 0


def test_c4_reason_must_be_known(db, clock, contract):
    e = refused(db, "C4", api.end_contract, contract.id, actor="client", reason="bored", clock=clock)
    assert e.field == "reason"


def test_c4_feedback_rated_1_to_5_within_14_days(db, clock, contract):
    refused(db, "C4", api.end_contract, contract.id, actor="client", feedback_rating=6, clock=clock)
    refused(db, "C4", api.leave_feedback, contract.id, actor="client", rating=5, clock=clock)  # still open
    api.end_contract(db, contract.id, actor="client", clock=clock)
    refused(db, "C4", api.leave_feedback, contract.id, actor="client", rating=0, clock=clock)
    clock.advance(days=13)
    b = api.leave_feedback(db, contract.id, actor="client", rating=5, text="Great", clock=clock)
    assert (b.contract.feedback_rating, b.contract.feedback_text) == (5, "Great")
    clock.advance(days=2)
    refused(db, "C4", api.leave_feedback, contract.id, actor="freelancer", rating=4, clock=clock)


def test_c4_feedback_at_end(db, clock, contract):
    b = api.end_contract(db, contract.id, actor="client", reason="completed successfully", feedback_rating=4,
                         feedback_text="Good work", clock=clock)
    assert (b.contract.end_reason, b.contract.feedback_rating) == ("completed successfully", 4)


def test_c4_feedback_only_by_a_party(db, clock, contract):
    api.end_contract(db, contract.id, actor="client", clock=clock)
    refused(db, "C4", api.leave_feedback, contract.id, actor="automatic", rating=5, clock=clock)


def test_c5_ended_contract_is_read_only(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    api.release_payment(db, contract.id, actor="client", clock=clock)
    api.end_contract(db, contract.id, actor="client", clock=clock)
    cid = contract.id
    refused(db, "C5", api.fund_next_milestone, cid, actor="client", clock=clock)
    refused(db, "C5", api.submit_work, cid, actor="freelancer", clock=clock)
    refused(db, "C5", api.request_changes, cid, actor="client", clock=clock)
    refused(db, "C5", api.release_payment, cid, actor="client", clock=clock)
    refused(db, "C5", api.request_refund, cid, actor="client", clock=clock)
    refused(db, "C5", api.draft_add, cid, side="client", title="x", amount=10_00, clock=clock)
    refused(db, "C5", api.send_changes, cid, actor="client", clock=clock)
    refused(db, "C5", api.propose_changes, cid, actor="freelancer", clock=clock)
    refused(db, "C5", api.end_contract, cid, actor="freelancer", clock=clock)


def test_c5_nothing_disappears_after_end(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    api.release_payment(db, contract.id, actor="client", amount=50_00, clock=clock)
    api.draft_add(db, contract.id, side="freelancer", title="Extra", amount=50_00, clock=clock)
    api.propose_changes(db, contract.id, clock=clock)
    before = dump(db)
    b = api.end_contract(db, contract.id, actor="client", clock=clock)
    after = dump(db)
    for table in ("milestone", "ledger_entry", "event", "change_request"):
        assert len(after[table]) >= len(before[table])
    assert len(b.milestones) == 3 and len(b.past_requests) == 1
    assert {e.kind for e in b.events} >= {"funded", "released", "refund", "change_requested", "contract_ended"}


def test_c6_contract_with_money_can_only_be_archived(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    e = refused(db, "C6", api.delete_contract, contract.id, clock=clock)
    assert "archive" in e.message
    b = api.archive_contract(db, contract.id, clock=clock)
    assert b.contract.archived
    assert contract.id not in [s.id for s in api.contract_summaries(db, clock)]
    assert contract.id in [s.id for s in api.contract_summaries(db, clock, include_archived=True)]
    b = api.archive_contract(db, contract.id, archived=False, clock=clock)
    assert not b.contract.archived


def test_c6_contract_without_ledger_can_be_deleted(db, clock, contract):
    api.draft_add(db, contract.id, side="client", title="Extra", amount=50_00, clock=clock)
    api.draft_add(db, contract.id, side="freelancer", title="Extra", amount=50_00, clock=clock)
    api.propose_changes(db, contract.id, clock=clock)
    other = make_contract(db, clock, title="Other")
    keep = dump(db)
    api.delete_contract(db, contract.id, clock=clock)
    after = dump(db)
    assert not [r for r in after["contract"] if r[0] == contract.id]
    assert [r for r in after["contract"] if r[0] == other.id] == [r for r in keep["contract"] if r[0] == other.id]
    assert all(t == [] for name, t in after.items() if name in ("plan_item", "plan_draft", "change_request"))
    try:
        api.board(db, contract.id, clock)
    except api.NotFound:
        pass
    else:  # pragma: no cover
        raise AssertionError("deleted contract still has a board")


def test_c6_archived_ended_contract_stays_archived(db, clock, contract):
    api.end_contract(db, contract.id, actor="client", clock=clock)
    b = api.archive_contract(db, contract.id, clock=clock)
    assert b.contract.archived and b.contract.status == "ended"
