"""R1-R5: plan batches, change requests, events; and the diff of a batch against the plan."""

from __future__ import annotations

from datetime import date

from cairn.storage import api
from cairn.storage.db import Database
from cairn.storage.diff import Row, diff
from tests.conftest import dump, make_contract, refused


def keys(b):
    return {m.title: f"m{m.id}" for m in b.milestones}


def titles(b):
    return [m.title for m in b.milestones]


# --- R1 -------------------------------------------------------------------------------
def test_r1_client_edits_as_a_batch_previewed_then_sent_at_once(db, clock, contract):
    cid, k = contract.id, keys(contract)
    api.draft_add(db, cid, side="client", title="M4", amount=40_00, clock=clock)
    b = api.draft_edit(db, cid, side="client", key=k["M2"], amount="150.00", clock=clock)
    # Preview: the milestones themselves are unchanged until sent.
    assert [m.amount_minor for m in b.milestones] == [100_00] * 3
    assert [a.row.title for a in b.draft_diff.added] == ["M4"]
    assert b.draft_diff.total_before == 300_00 and b.draft_diff.total_after == 390_00
    b = api.send_changes(db, cid, actor="client", message="as agreed", clock=clock)
    assert titles(b) == ["M1", "M2", "M3", "M4"] and b.milestones[1].amount_minor == 150_00
    assert b.draft is None


def test_r1_draft_survives_reopening_the_database(db, clock, contract):
    api.draft_add(db, contract.id, side="client", title="Later", amount=40_00, clock=clock)
    db.close()
    again = Database.open(db.path)
    b = api.board(again, contract.id, clock, side="client")
    assert [r.row.title for r in b.plan] == ["M1", "M2", "M3", "Later"]
    assert "added" in b.plan[-1].marks
    again.close()


def test_r1_only_the_client_sends(db, clock, contract):
    api.draft_add(db, contract.id, side="freelancer", title="x", amount=10_00, clock=clock)
    e = refused(db, "R1", api.send_changes, contract.id, actor="freelancer", clock=clock)
    assert "propose" in e.message


def test_r1_empty_draft_has_nothing_to_send(db, clock, contract):
    refused(db, "R1", api.send_changes, contract.id, actor="client", clock=clock)
    k = keys(contract)
    api.draft_edit(db, contract.id, side="client", key=k["M1"], title="Changed", clock=clock)
    b = api.draft_edit(db, contract.id, side="client", key=k["M1"], title="M1", clock=clock)
    assert b.draft is None  # editing back drops the draft
    refused(db, "R1", api.send_changes, contract.id, actor="client", clock=clock)


def test_r1_restore_a_milestone_marked_for_deletion(db, clock, contract):
    k = keys(contract)
    b = api.draft_delete(db, contract.id, side="client", key=k["M2"], clock=clock)
    assert "deleted" in next(r for r in b.plan if r.key == k["M2"]).marks
    b = api.draft_delete(db, contract.id, side="client", key=k["M2"], clock=clock)
    assert b.draft is None


def test_r1_discard_draft(db, clock, contract):
    api.draft_add(db, contract.id, side="client", title="x", amount=10_00, clock=clock)
    b = api.discard_draft(db, contract.id, side="client", clock=clock)
    assert b.draft is None and titles(b) == ["M1", "M2", "M3"]


def test_r1_drafts_are_per_side(db, clock, contract):
    api.draft_add(db, contract.id, side="client", title="Client's", amount=10_00, clock=clock)
    b = api.draft_add(db, contract.id, side="freelancer", title="Freelancer's", amount=10_00, clock=clock)
    assert [r.row.title for r in b.plan][-1] == "Freelancer's"
    b = api.board(db, contract.id, clock, side="client")
    assert [r.row.title for r in b.plan][-1] == "Client's"


# --- R2 -------------------------------------------------------------------------------
def test_r2_freelancer_proposes_a_change_request(db, clock, contract):
    api.draft_add(db, contract.id, side="freelancer", title="Extra", amount=50_00, clock=clock)
    b = api.propose_changes(db, contract.id, actor="freelancer", message="Scope grew", clock=clock)
    assert b.request is not None and b.request.status == "pending" and b.request.message == "Scope grew"
    assert [a.row.title for a in b.request.diff.added] == ["Extra"]
    assert titles(b) == ["M1", "M2", "M3"]  # nothing applied yet


def test_r2_client_does_not_propose(db, clock, contract):
    api.draft_add(db, contract.id, side="client", title="x", amount=10_00, clock=clock)
    refused(db, "R2", api.propose_changes, contract.id, actor="client", clock=clock)


# --- R3 -------------------------------------------------------------------------------
def _propose(db, clock, cid, title="Extra"):
    api.draft_add(db, cid, side="freelancer", title=title, amount=50_00, clock=clock)
    return api.propose_changes(db, cid, actor="freelancer", clock=clock)


def test_r3_one_pending_request_and_client_waits(db, clock, contract):
    cid = contract.id
    api.draft_add(db, cid, side="client", title="Client draft", amount=10_00, clock=clock)
    _propose(db, clock, cid)
    api.draft_add(db, cid, side="freelancer", title="Another", amount=10_00, clock=clock)
    e = refused(db, "R3", api.propose_changes, cid, actor="freelancer", clock=clock)
    assert "withdraw" in e.message
    e = refused(db, "R3", api.draft_add, cid, side="client", title="x", amount=10_00, clock=clock)
    assert "accept or decline" in e.message
    refused(db, "R3", api.send_changes, cid, actor="client", clock=clock)


def test_r3_requests_never_expire_and_freelancer_may_withdraw(db, clock, contract):
    cid = contract.id
    _propose(db, clock, cid)
    clock.advance(days=1000)
    api.apply_timers(db, clock)
    assert api.board(db, cid, clock).request.status == "pending"
    refused(db, "R3", api.withdraw_change_request, cid, actor="client", clock=clock)
    b = api.withdraw_change_request(db, cid, actor="freelancer", clock=clock)
    assert b.request is None and b.past_requests[0].status == "withdrawn"
    refused(db, "R3", api.withdraw_change_request, cid, actor="freelancer", clock=clock)


def test_r3_only_client_answers(db, clock, contract):
    _propose(db, clock, contract.id)
    refused(db, "R3", api.accept_change_request, contract.id, actor="freelancer", clock=clock)
    refused(db, "R3", api.decline_change_request, contract.id, actor="freelancer", clock=clock)


# --- R4 -------------------------------------------------------------------------------
def test_r4_accept_applies_the_whole_batch(db, clock, contract):
    cid, k = contract.id, keys(contract)
    api.draft_add(db, cid, side="freelancer", title="M4", amount=40_00, clock=clock)
    api.draft_edit(db, cid, side="freelancer", key=k["M1"], title="Kick-off", due_date="2026-04-01", clock=clock)
    api.draft_delete(db, cid, side="freelancer", key=k["M2"], clock=clock)
    api.draft_move(db, cid, side="freelancer", key=k["M3"], to_index=0, clock=clock)
    api.propose_changes(db, cid, clock=clock)
    b = api.accept_change_request(db, cid, actor="client", clock=clock)
    assert titles(b) == ["M3", "Kick-off", "M4"]
    assert b.milestones[1].due_date == date(2026, 4, 1)
    assert b.request is None and b.past_requests[0].status == "accepted"
    assert b.past_requests[0].decided_diff["added"][0]["title"] == "M4"


def test_r4_decline_changes_nothing(db, clock, contract):
    cid = contract.id
    _propose(db, clock, cid)
    before = dump(db)
    b = api.decline_change_request(db, cid, actor="client", reason="Not now", clock=clock)
    after = dump(db)
    assert after["milestone"] == before["milestone"] and after["ledger_entry"] == before["ledger_entry"]
    assert b.past_requests[0].status == "declined" and b.past_requests[0].outcome == "Not now"


def test_r4_stale_request_refused_with_the_reason_and_nothing_applied(db, clock, contract):
    cid, k = contract.id, keys(contract)
    api.draft_edit(db, cid, side="freelancer", key=k["M1"], amount="150.00", clock=clock)
    api.draft_add(db, cid, side="freelancer", title="M4", amount=40_00, clock=clock)
    api.propose_changes(db, cid, clock=clock)
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    e = refused(db, "R4", api.accept_change_request, cid, actor="client", clock=clock)
    assert '"M1"' in e.message and "activated" in e.message
    b = api.board(db, cid, clock)
    assert b.request.diff.problems and not b.request.diff.applies
    # Declining is still possible.
    api.decline_change_request(db, cid, actor="client", clock=clock)


def test_r4_stale_when_a_named_milestone_was_deleted(db, clock, contract):
    cid, k = contract.id, keys(contract)
    # The client deletes M3 directly, then the freelancer's earlier draft edits it.
    api.draft_edit(db, cid, side="freelancer", key=k["M3"], title="Final", clock=clock)
    api.draft_delete(db, cid, side="client", key=k["M3"], clock=clock)
    api.send_changes(db, cid, clock=clock)
    e = refused(db, "R4", api.propose_changes, cid, actor="freelancer", clock=clock)
    assert "deleted" in e.message


def test_r4_request_that_does_not_touch_the_activated_milestone_still_applies(db, clock, contract):
    """R4 refuses a batch when a milestone *it names* was activated; an untouched one is not named."""
    cid = contract.id
    _propose(db, clock, cid, title="M4")
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.board(db, cid, clock)
    assert b.request.diff.applies
    b = api.accept_change_request(db, cid, actor="client", clock=clock)
    assert titles(b) == ["M1", "M2", "M3", "M4"]
    assert [m.state for m in b.milestones] == ["active", "future", "future", "future"]
    assert [m.position for m in b.milestones] == [1, 2, 3, 4]


def test_r4_request_that_moved_something_above_the_activated_milestone_is_stale(db, clock, contract):
    cid, k = contract.id, keys(contract)
    api.draft_move(db, cid, side="freelancer", key=k["M3"], to_index=0, clock=clock)
    api.propose_changes(db, cid, clock=clock)
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    refused(db, "R4", api.accept_change_request, cid, actor="client", clock=clock)


# --- R5 -------------------------------------------------------------------------------
def test_r5_every_change_is_an_event_with_before_and_after(db, clock, contract):
    cid, k = contract.id, keys(contract)
    api.draft_edit(db, cid, side="client", key=k["M2"], amount="120.00", title="Design", clock=clock)
    b = api.send_changes(db, cid, clock=clock)
    ev = next(e for e in b.events if e.kind == "milestone_edited")
    assert ev.actor == "client" and ev.before == {"amount_minor": 100_00, "title": "M2"}
    assert ev.after == {"amount_minor": 120_00, "title": "Design"}
    assert ev.at == clock.now()


def test_r5_what_happened_while_away_is_unread_until_seen(db, clock, contract):
    cid = contract.id  # the user is the freelancer
    b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    funded = next(e for e in b.events if e.kind == "funded")
    assert funded.read and b.unread == 0  # the user recorded it, acting as the client
    b = api.submit_work(db, cid, clock=clock)
    assert next(e for e in b.events if e.kind == "submitted").read
    clock.advance(days=30)  # the timers release it while the user is away
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert b.unread == 2 and {e.kind for e in b.events if not e.read} == {"auto_release", "available"}
    assert api.mark_events_read(db, cid, clock=clock) == 2
    assert api.board(db, cid, clock).unread == 0


def test_r5_events_are_append_only(db, clock, contract):
    cid = contract.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    before = dump(db)["event"]
    api.submit_work(db, cid, clock=clock)
    after = dump(db)["event"]
    # Earlier events keep every column (only ``read`` may change, by mark_events_read).
    assert after[: len(before)] == before


# --- the diff -------------------------------------------------------------------------------
def _rows(*spec):
    return [Row(milestone_id=i, title=t, amount_minor=a, state=s) for i, t, a, s in spec]


CURRENT = _rows((1, "A", 100, "released"), (2, "B", 200, "active"), (3, "C", 300, "future"),
                (4, "D", 400, "future"), (5, "E", 500, "future"))


def _items(*spec):
    out = []
    for n, entry in enumerate(spec):
        mid, title, amount = entry[:3]
        deleted = len(entry) > 3 and entry[3]
        out.append(Row(milestone_id=mid, title=title, amount_minor=amount, item_id=100 + n, deleted=deleted))
    return out


def test_diff_unchanged_batch_is_empty():
    d = diff(CURRENT, _items((3, "C", 300), (4, "D", 400), (5, "E", 500)))
    assert d.empty and d.applies and d.total_before == d.total_after == 1500


def test_diff_added_with_position():
    d = diff(CURRENT, _items((3, "C", 300), (None, "New", 50), (4, "D", 400), (5, "E", 500)))
    assert [(a.row.title, a.position) for a in d.added] == [("New", 4)]
    assert d.moved == ()  # an insert does not mark everything below it as moved
    assert d.total_after == 1550 and d.count_after == 6


def test_diff_insert_at_top_marks_nothing_moved():
    d = diff(CURRENT, _items((None, "First", 50), (3, "C", 300), (4, "D", 400), (5, "E", 500)))
    assert d.moved == () and len(d.added) == 1


def test_diff_removed():
    d = diff(CURRENT, _items((3, "C", 300), (4, "D", 400, True), (5, "E", 500)))
    assert [r.title for r in d.removed] == ["D"] and d.moved == ()
    assert d.total_after == 1100


def test_diff_edited_field_by_field():
    items = _items((3, "C2", 350), (4, "D", 400), (5, "E", 500))
    items[0] = Row(milestone_id=3, title="C2", amount_minor=350, due_date=date(2026, 5, 1), item_id=100)
    d = diff(CURRENT, items)
    (e,) = d.edited
    assert e.milestone_id == 3 and e.title == "C"
    assert [(c.field, c.old, c.new) for c in e.changes] == [
        ("title", "C", "C2"), ("due_date", None, date(2026, 5, 1)), ("amount_minor", 300, 350)]


def test_diff_moved_from_to():
    d = diff(CURRENT, _items((5, "E", 500), (3, "C", 300), (4, "D", 400)))
    assert [(m.title, m.from_position, m.to_position) for m in d.moved] == [("E", 5, 3)]


def test_diff_move_down_marks_only_the_moved_one():
    d = diff(CURRENT, _items((4, "D", 400), (5, "E", 500), (3, "C", 300)))
    assert [(m.title, m.from_position, m.to_position) for m in d.moved] == [("C", 3, 5)]


def test_diff_delete_above_does_not_mark_moved():
    d = diff(CURRENT, _items((3, "C", 300, True), (4, "D", 400), (5, "E", 500)))
    assert d.moved == ()


def test_diff_stale_item_is_a_problem():
    current = _rows((1, "A", 100, "released"), (2, "B", 200, "active"), (3, "C", 300, "active"))
    d = diff(current, _items((3, "C", 999)))
    assert d.problems and '"C"' in d.problems[0]


def test_diff_through_the_board_shows_plan_marks(db, clock, contract):
    cid, k = contract.id, keys(contract)
    api.draft_add(db, cid, side="client", title="New", amount=10_00, after_key=k["M1"], clock=clock)
    b = api.draft_move(db, cid, side="client", key=k["M3"], to_index=0, clock=clock)
    marks = {r.row.title: r.marks for r in b.plan}
    assert marks["New"] == {"added"} and marks["M3"] == {"moved"} and marks["M2"] == frozenset()
    assert [r.row.title for r in b.plan] == ["M3", "M1", "New", "M2"]


def test_template_contract_two_sides(db, clock):
    b = make_contract(db, clock, my_side="client")
    assert b.contract.my_side == "client" and b.side == "client"


def test_r2_draft_can_change_a_milestone_added_after_it_began(db, clock, contract):
    """The freelancer's draft began before the client added M4; M4 is still a future milestone."""
    cid = contract.id
    api.draft_add(db, cid, side="freelancer", title="Freelancer's idea", amount=10_00, clock=clock)
    api.draft_add(db, cid, side="client", title="M4", amount=40_00, clock=clock)
    b = api.send_changes(db, cid, clock=clock)
    m4 = f"m{b.milestones[-1].id}"
    b = api.draft_edit(db, cid, side="freelancer", key=m4, amount="45.00", clock=clock)
    assert [r.row.title for r in b.plan] == ["M1", "M2", "M3", "Freelancer's idea", "M4"]
    assert b.draft_diff.edited[0].changes[0].new == 45_00
    b = api.draft_move(db, cid, side="freelancer", key=m4, to_index=0, clock=clock)
    assert [r.row.title for r in b.plan][0] == "M4"
    api.propose_changes(db, cid, clock=clock)
    b = api.accept_change_request(db, cid, clock=clock)
    assert [(m.title, m.amount_minor) for m in b.milestones][0] == ("M4", 45_00)


def test_the_moved_marker_names_the_milestone_the_user_moved(db, clock):
    # Moving M4 above M3 and moving M3 below M4 give the same order; the marker names the one moved.
    for moved, other in (("M4", "M3"), ("M3", "M4")):
        b = make_contract(db, clock, 4)
        key = {f"M{i}": f"m{m.id}" for i, m in enumerate(b.milestones, start=1)}
        delta = -1 if moved == "M4" else 1
        b = api.draft_move(db, b.id, side="client", key=key[moved], delta=delta, clock=clock)
        marks = {pr.key: pr.marks for pr in b.plan}
        assert "moved" in marks[key[moved]] and "moved" not in marks[key[other]], moved
        assert [m.milestone_id for m in b.draft_diff.moved] == [int(key[moved][1:])]


def test_a_draft_operation_returns_the_board_a_fresh_read_gives(db, clock):
    """Draft operations hand the board the plan and items they read and wrote (``Written``):
    what they return is what reading the board again gives, fees on released milestones included;
    and after another session's commit the board reads everything again."""
    from cairn.storage.queries.board import Written, board

    b = make_contract(db, clock, 5)
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    api.release_payment(db, b.id, amount="100.00", clock=clock)  # M1 released, with its fee
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)  # M2 active
    k = keys(board(db, b.id, clock))

    def same(returned):
        fresh = board(db, b.id, clock, side="freelancer")
        assert returned.milestones == fresh.milestones and returned.plan == fresh.plan
        assert returned.draft_diff == fresh.draft_diff and returned.contract == fresh.contract
        return returned

    assert same(board(db, b.id, clock)).milestones[0].fee_minor > 0
    same(api.draft_move(db, b.id, side="freelancer", key=k["M5"], delta=-1, clock=clock))
    same(api.draft_add(db, b.id, side="freelancer", title="Extra", amount="50.00", after_key=k["M3"],
                       clock=clock))
    same(api.draft_edit(db, b.id, side="freelancer", key=k["M4"], title="Renamed", clock=clock))
    same(api.draft_delete(db, b.id, side="freelancer", key=k["M3"], clock=clock))
    moved = same(api.draft_move(db, b.id, side="freelancer", key=k["M5"], delta=2, clock=clock))
    assert [pr.row.title for pr in moved.plan][2:] == ["M3", "Extra", "Renamed", "M5"]
    # Handed a plan that is no longer the contract's (another session committed since), the
    # board reads it again.
    stale = Written(moved.contract.version - 1, [], [])
    assert board(db, b.id, clock, side="freelancer", written=stale).plan == moved.plan
