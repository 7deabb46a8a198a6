"""M1-M12: milestone fields, states, order, escrow, locking, submission, review and due dates."""

from __future__ import annotations

from datetime import date, timedelta

from cairn.storage import api
from tests.conftest import dump, make_contract, refused


def states(b):
    return [m.state for m in b.milestones]


def test_m1_fields_are_stored(db, clock):
    b = api.create_contract(db, title="x", milestones=[
        api.MilestoneIn("Design", "1,250.50", due_date="2026-04-01", description="Wireframes\nand mockups")],
        clock=clock)
    m = b.milestones[0]
    assert (m.title, m.amount_minor, m.due_date, m.description, m.position) == (
        "Design", 125050, date(2026, 4, 1), "Wireframes\nand mockups", 1)


def test_m1_title_1_to_200_characters(db, clock, contract):
    refused(db, "M1", api.draft_add, contract.id, side="client", title="", amount=10_00, clock=clock)
    refused(db, "M1", api.draft_add, contract.id, side="client", title="x" * 201, amount=10_00, clock=clock)
    b = api.draft_add(db, contract.id, side="client", title="x" * 200, amount=10_00, clock=clock)
    assert b.plan[-1].row.title == "x" * 200


def test_m1_description_up_to_5000(db, clock, contract):
    refused(db, "M1", api.draft_add, contract.id, side="client", title="t", amount=10_00,
            description="d" * 5001, clock=clock)


def test_m1_amount_positive_at_least_minimum_exact_in_minor_unit(db, clock, contract):
    cid = contract.id
    for bad in (0, -1, "0", "-5.00", "4.99", 499, "1.001", "abc", "NaN", "inf", ""):
        e = refused(db, "M1", api.draft_add, cid, side="client", title="t", amount=bad, clock=clock)
        assert e.field == "amount"
    b = api.draft_add(db, cid, side="client", title="t", amount="5.00", clock=clock)
    assert b.plan[-1].row.amount_minor == 500


def test_m1_minimum_comes_from_the_profile(db, clock):
    b = make_contract(db, clock, 1, amount=1, profile="Direct client")
    assert b.milestones[0].amount_minor == 1
    refused(db, "M1", api.create_contract, title="x", milestones=[api.MilestoneIn("a", 1)], clock=clock)


def test_m1_jpy_has_no_minor_unit(db, clock):
    e = refused(db, "M1", api.create_contract, title="x", currency="JPY", profile="Direct client",
                milestones=[api.MilestoneIn("a", "1.5")], clock=clock)
    assert "JPY" in e.message
    b = api.create_contract(db, title="x", currency="JPY", milestones=[api.MilestoneIn("a", "5000")], clock=clock)
    assert b.milestones[0].amount_minor == 5000


def test_m1_impossible_due_dates(db, clock, contract):
    for bad in ("2026-02-30", "31/12/2026", "tomorrow", "2026-13-01"):
        e = refused(db, "M1", api.draft_add, contract.id, side="client", title="t", amount=10_00, due_date=bad,
                    clock=clock)
        assert e.field == "due_date"


def test_m2_state_path_future_active_submitted_released(db, clock, contract):
    cid = contract.id
    assert states(api.board(db, cid, clock))[0] == "future"
    assert states(api.fund_next_milestone(db, cid, actor="client", clock=clock))[0] == "active"
    assert states(api.submit_work(db, cid, message="done", clock=clock))[0] == "submitted"
    assert states(api.release_payment(db, cid, actor="client", clock=clock))[0] == "released"


def test_m2_side_exits_refunded_and_deleted(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.refund_escrow(db, cid, actor="freelancer", clock=clock)
    assert states(b) == ["refunded", "future", "future"]
    api.draft_delete(db, cid, side="client", key=f"m{b.milestones[2].id}", clock=clock)
    b = api.send_changes(db, cid, clock=clock)
    assert states(b) == ["refunded", "future"]
    conn = db.reader()
    assert conn.execute("select state from milestone where id = ?", (contract.milestones[2].id,)).fetchone() == (
        "deleted",)


def test_m3_only_the_first_future_milestone_can_be_activated(db, clock, contract):
    cid = contract.id
    second = contract.milestones[1].id
    e = refused(db, "M3", api.fund_next_milestone, cid, actor="client", milestone_id=second, clock=clock)
    assert '"M1"' in e.message
    b = api.fund_next_milestone(db, cid, actor="client", milestone_id=contract.milestones[0].id, clock=clock)
    assert states(b)[0] == "active"


def test_m3_nothing_to_activate(db, clock):
    b = make_contract(db, clock, 0)
    refused(db, "M3", api.fund_next_milestone, b.id, actor="client", clock=clock)


def test_m4_one_milestone_in_escrow_at_a_time(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    e = refused(db, "M4", api.fund_next_milestone, cid, actor="client", clock=clock)
    assert "release or refund" in e.message
    api.submit_work(db, cid, clock=clock)
    refused(db, "M4", api.fund_next_milestone, cid, actor="client", clock=clock)
    api.release_payment(db, cid, actor="client", clock=clock)
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    assert states(b) == ["released", "active", "future"]


def test_m5_only_the_client_funds(db, clock, contract):
    e = refused(db, "M5", api.fund_next_milestone, contract.id, actor="freelancer", clock=clock)
    assert "client" in e.message


def test_m5_funding_deposits_amount_less_carried_credit(db, clock):
    b = api.create_contract(db, title="x", milestones=[api.MilestoneIn("a", 100_00), api.MilestoneIn("b", 80_00)],
                            clock=clock)
    cid = b.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    api.release_payment(db, cid, actor="client", amount=70_00, remainder="carry", clock=clock)
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    assert b.money.funded == 100_00 + 50_00
    assert b.milestones[1].held_minor == 80_00 and b.money.credit == 0


def test_m6_locked_milestone_cannot_be_edited_deleted_or_moved(db, clock, contract):
    cid = contract.id
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    key = f"m{b.milestones[0].id}"
    for side in ("client", "freelancer"):
        e = refused(db, "M6", api.draft_edit, cid, side=side, key=key, title="New", clock=clock)
        assert "locked" in e.message and "future" in e.message
        refused(db, "M6", api.draft_delete, cid, side=side, key=key, clock=clock)
        refused(db, "M6", api.draft_move, cid, side=side, key=key, delta=1, clock=clock)


def test_m6_history_is_immutable(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.release_payment(db, cid, actor="client", clock=clock)
    key = f"m{b.milestones[0].id}"
    e = refused(db, "M6", api.draft_edit, cid, side="client", key=key, amount=1_00, clock=clock)
    assert "history" in e.message
    refused(db, "M6", api.draft_delete, cid, side="freelancer", key=key, clock=clock)


def test_m7_future_milestone_never_moves_above_locked_or_past(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.board(db, cid, clock)
    e = refused(db, "M7", api.draft_move, cid, side="client", key=f"m{b.milestones[1].id}", delta=-1,
                clock=clock)
    assert '"M1"' in e.message
    b = api.draft_move(db, cid, side="client", key=f"m{b.milestones[2].id}", delta=-1, clock=clock)
    assert [r.row.title for r in b.plan] == ["M1", "M3", "M2"]
    assert b.plan[0].locked


def test_m7_futures_added_edited_deleted_reordered(db, clock, contract):
    cid = contract.id
    ids = [m.id for m in contract.milestones]
    api.draft_add(db, cid, side="client", title="M4", amount=40_00, clock=clock)
    api.draft_edit(db, cid, side="client", key=f"m{ids[0]}", title="M1b", clock=clock)
    api.draft_delete(db, cid, side="client", key=f"m{ids[1]}", clock=clock)
    api.draft_move(db, cid, side="client", key=f"m{ids[2]}", to_index=0, clock=clock)
    b = api.send_changes(db, cid, clock=clock)
    assert [(m.title, m.position) for m in b.milestones] == [("M3", 1), ("M1b", 2), ("M4", 3)]


def test_m8_submitting_requires_a_funded_milestone(db, clock, contract):
    e = refused(db, "M8", api.submit_work, contract.id, actor="freelancer", clock=clock)
    assert "not funded" in e.message


def test_m9_only_the_freelancer_submits_with_a_message(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    refused(db, "M9", api.submit_work, cid, actor="client", clock=clock)
    b = api.submit_work(db, cid, actor="freelancer", message="Here it is", clock=clock)
    m = b.milestones[0]
    assert m.submission_message == "Here it is"
    assert m.review_due_at == clock.now() + timedelta(days=14)
    e = refused(db, "M9", api.submit_work, cid, actor="freelancer", clock=clock)
    assert "wait for the client to release payment or request changes" in e.message  # what to do instead


def test_m10_request_changes_returns_to_active_and_restarts_clock(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    refused(db, "M10", api.request_changes, cid, actor="client", clock=clock)
    api.submit_work(db, cid, clock=clock)
    refused(db, "M10", api.request_changes, cid, actor="freelancer", clock=clock)
    clock.advance(days=10)
    b = api.request_changes(db, cid, actor="client", message="Fix the logo", clock=clock)
    assert states(b)[0] == "active" and b.milestones[0].review_due_at is None
    clock.advance(days=10)
    b = api.submit_work(db, cid, clock=clock)
    assert b.milestones[0].review_due_at == clock.now() + timedelta(days=14)
    clock.advance(days=13)
    api.apply_timers(db, clock)
    assert states(api.board(db, cid, clock))[0] == "submitted"


def test_m11_auto_release_after_review_window_dated_and_automatic(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.submit_work(db, cid, clock=clock)
    due = b.milestones[0].review_due_at
    clock.advance(days=20)
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert states(b)[0] == "released" and b.money.paid == 100_00
    ev = next(e for e in b.events if e.kind == "auto_release")
    assert ev.actor == "automatic" and ev.at == due
    conn = db.reader()
    assert conn.execute("select at, actor from ledger_entry where kind = 'release'").fetchone() == (
        "2026-03-16T12:00:00.000000Z", "automatic")


def test_m11_timers_applied_by_any_operation(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    api.submit_work(db, cid, clock=clock)
    clock.advance(days=14, seconds=1)
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    assert states(b) == ["released", "active", "future"]


def test_m11_not_before_the_window(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    api.submit_work(db, cid, clock=clock)
    clock.advance(days=14, seconds=-1)
    assert api.apply_timers(db, clock) == 0


def test_m11_direct_client_profile_has_no_auto_release(db, clock):
    b = make_contract(db, clock, profile="Direct client")
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = api.submit_work(db, b.id, clock=clock)
    assert b.milestones[0].review_due_at is None
    clock.advance(days=400)
    api.apply_timers(db, clock)
    assert states(api.board(db, b.id, clock))[0] == "submitted"


def test_m12_past_due_is_flagged_never_penalised(db, clock):
    b = api.create_contract(db, title="x", milestones=[api.MilestoneIn("a", 100_00, due_date="2026-03-01")],
                            clock=clock)
    b = api.fund_next_milestone(db, b.id, actor="client", clock=clock)

    def flagged() -> tuple[bool, bool, bool]:
        s = next(s for s in api.contract_summaries(db, clock) if s.id == b.id)
        due = [d for d in api.deadlines(db, clock) if d.kind == "due" and d.contract_id == b.id]
        return b.milestones[0].overdue(clock.now()), s.overdue, bool(due)

    assert flagged() == (True, True, True)  # active, its day over: flagged on the board, list and deadlines
    b = api.submit_work(db, b.id, clock=clock)
    assert flagged() == (False, False, False)  # delivered: the client's review is the next clock
    b = api.request_changes(db, b.id, message="one more pass", clock=clock)
    assert flagged() == (True, True, True)  # back to the freelancer: the due date counts again
    b = api.submit_work(db, b.id, clock=clock)
    b = api.release_payment(db, b.id, actor="client", clock=clock)
    assert b.money.paid == 100_00  # nothing deducted


def test_m12_due_dates_optional(db, clock, contract):
    assert all(m.due_date is None for m in contract.milestones)
    before = dump(db)
    assert api.deadlines(db, clock) == []
    assert dump(db) == before
