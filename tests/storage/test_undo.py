"""R5: undo the last action recorded on a contract, with everything it set off; every query
answers exactly as before, and the journal keeps both the action and its undo."""

from __future__ import annotations

import pendulum
import pytest

from cairn.storage import api
from cairn.storage.queries import check
from tests.conftest import make_contract, refused
from tests.storage.queries_snapshot import differences, record


@pytest.fixture(autouse=True)
def _utc():
    pendulum.set_local_timezone(pendulum.timezone("UTC"))
    yield
    pendulum.set_local_timezone()


def same(before, db, clock):
    assert not differences(before, record(db, clock)), "\n".join(differences(before, record(db, clock)))


def undo(db, clock, cid, **kw):
    return api.undo_last_action(db, cid, clock=clock, **kw)


def test_undo_a_wrong_release_gives_back_exactly_what_was_there(db, clock):
    cid = make_contract(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    api.submit_work(db, cid, message="done", clock=clock)
    before = record(db, clock)
    b = api.release_payment(db, cid, amount="40", remainder="carry", clock=clock)
    assert b.money.paid == 40_00 and b.money.credit == 60_00
    b = undo(db, clock, cid)
    same(before, db, clock)
    assert b.locked.state == "submitted" and b.money.escrow == 100_00
    # The journal keeps the release (undone) and the undo (R5).
    kinds = {e.kind: e for e in b.events}
    assert kinds["released"].undone and kinds["credit"].undone and not kinds["submitted"].undone
    assert "Undone:" in kinds["undone"].summary and "released" in kinds["undone"].summary
    assert b.last_action.kind == "submit_work"


def test_undo_takes_back_the_timers_it_set_off(db, clock):
    cid = make_contract(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    clock.advance(days=1)
    api.apply_timers(db, clock)
    before = record(db, clock)
    api.submit_work(db, cid, message="done", clock=clock)
    clock.advance(days=20)  # M11 fired on day 14, P5 on day 19
    api.apply_timers(db, clock)
    b = api.board(db, cid, clock)
    assert b.milestones[0].state == "released" and b.money.available == 100_00
    b = undo(db, clock, cid)
    assert b.milestones[0].state == "active" and b.money.paid == 0 and b.money.escrow == 100_00
    assert all(e.undone for e in b.events if e.kind in ("auto_release", "available", "submitted"))
    clock.set(clock.now().subtract(days=20))  # the queries as of the moment before the submission
    same(before, db, clock)


def test_a_submission_recorded_late_and_released_at_once_is_undone_whole(db, clock):
    cid = make_contract(db, clock, started_on="2026-01-01").id
    api.fund_next_milestone(db, cid, clock=clock, at=clock.now().subtract(days=25))
    before = record(db, clock)
    b = api.submit_work(db, cid, message="x", clock=clock, at=clock.now().subtract(days=20))
    assert b.milestones[0].state == "released"
    undo(db, clock, cid)
    same(before, db, clock)


def test_timers_that_did_not_depend_on_it_fire_again_dated_when_due(db, clock):
    cid = make_contract(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    api.release_payment(db, cid, clock=clock)  # pending until day 5
    api.give_bonus(db, cid, amount="10", clock=clock)
    clock.advance(days=6)
    api.apply_timers(db, clock)  # both become available, after the bonus was recorded
    b = undo(db, clock, cid)  # the bonus
    assert b.money.bonus == 0 and b.money.available == 100_00 and b.money.pending == 0
    again = [e for e in b.events if e.kind == "available" and not e.undone]
    assert len(again) == 1 and again[0].at == pendulum.datetime(2026, 3, 7, 12)
    # The plain-SQL look (cairn due, report) agrees: the undone firing's event does not count.
    from cairn.storage.queries.timers import timers_due

    assert not timers_due(db, clock)


def test_multi_step_undo_walks_back_in_order(db, clock):
    cid = make_contract(db, clock).id
    start = record(db, clock)
    api.fund_next_milestone(db, cid, clock=clock)
    funded = record(db, clock)
    api.submit_work(db, cid, message="x", clock=clock)
    undo(db, clock, cid)
    same(funded, db, clock)
    undo(db, clock, cid)
    same(start, db, clock)
    e = refused(db, "R5", undo, clock, cid)
    assert "since it was created" in e.message and "delete it (C6)" in e.message


def test_undo_of_an_end_reopens_the_contract(db, clock):
    cid = make_contract(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    before = record(db, clock)
    b = api.end_contract(db, cid, actor="client", release_minor="30", clock=clock)
    assert b.contract.status == "ended" and b.refund_request is not None
    b = undo(db, clock, cid)
    assert b.contract.is_open and b.refund_request is None
    same(before, db, clock)


def test_undo_of_a_plan_change_removes_the_added_milestone_and_keeps_the_journal_sound(db, clock):
    cid = make_contract(db, clock, my_side="client").id
    api.draft_add(db, cid, side="client", title="Extra", amount="50", clock=clock)
    before_send = record(db, clock)
    b = api.send_changes(db, cid, clock=clock)
    assert [m.title for m in b.milestones][-1] == "Extra"
    undo(db, clock, cid)
    same(before_send, db, clock)
    assert check.problems(db) == []
    added = next(e for e in api.board(db, cid, clock).events if e.kind == "milestone_added")
    assert added.undone and added.milestone_id is None  # the milestone is gone; the entry stays
    # The draft came back as it was: sending it again gives the same plan.
    b = api.send_changes(db, cid, clock=clock)
    assert [m.title for m in b.milestones][-1] == "Extra"


def test_draft_edits_are_undone_one_by_one_and_no_op_moves_are_not_actions(db, clock):
    cid = make_contract(db, clock).id
    b = api.board(db, cid, clock)
    first = f"m{b.milestones[0].id}"
    api.draft_move(db, cid, side="freelancer", key=first, delta=-1, clock=clock)  # nowhere to go
    assert api.board(db, cid, clock).last_action is None
    api.draft_move(db, cid, side="freelancer", key=first, delta=1, clock=clock)
    before = record(db, clock)
    api.draft_edit(db, cid, side="freelancer", key=first, title="Renamed", clock=clock)
    undo(db, clock, cid)
    same(before, db, clock)
    undo(db, clock, cid)
    assert api.board(db, cid, clock, side="freelancer").draft is None


def test_undo_names_a_later_action_recorded_meanwhile(db, clock):
    cid = make_contract(db, clock).id
    b = api.fund_next_milestone(db, cid, clock=clock)
    offered = b.last_action.id
    api.submit_work(db, cid, message="x", clock=clock)  # in another session, say
    e = refused(db, "R5", undo, clock, cid, action_id=offered)
    assert "Work submitted" in e.message and "undo that first" in e.message


def test_after_undo_the_order_of_events_ignores_what_was_undone(db, clock):
    cid = make_contract(db, clock, started_on="2026-01-01").id
    api.fund_next_milestone(db, cid, clock=clock, at="2026-02-01")
    api.release_payment(db, cid, amount="10", clock=clock)  # typed today by mistake
    undo(db, clock, cid)
    b = api.release_payment(db, cid, amount="100", clock=clock, at="2026-02-10 10:00")
    assert b.money.paid == 100_00


def test_a_late_action_dated_before_a_timer_that_fired_takes_the_timer_back(db, clock):
    cid = make_contract(db, clock, started_on="2026-01-01").id
    api.fund_next_milestone(db, cid, clock=clock, at=clock.now().subtract(days=25))
    api.submit_work(db, cid, message="x", clock=clock, at=clock.now().subtract(days=20))  # auto-released day 14
    # The client had in fact asked for changes on day 10: the automatic release never happened.
    b = api.request_changes(db, cid, message="again", clock=clock, at=clock.now().subtract(days=10))
    assert b.milestones[0].state == "active" and b.money.paid == 0 and b.money.escrow == 100_00
    auto = [e for e in b.events if e.kind == "auto_release"]
    assert auto and all(e.undone for e in auto)
    assert check.problems(db) == []


def test_undo_moves_the_version_forward(db, clock):
    cid = make_contract(db, clock).id
    v0 = api.board(db, cid, clock).contract.version
    v1 = api.fund_next_milestone(db, cid, clock=clock).contract.version
    assert undo(db, clock, cid).contract.version > v1 > v0


def test_a_deleted_ledger_row_id_given_to_a_new_row_is_never_linked_to_the_undone_event(db, clock):
    cid = make_contract(db, clock).id
    api.fund_next_milestone(db, cid, clock=clock)
    b = api.release_payment(db, cid, clock=clock)
    undo(db, clock, cid)
    b = api.release_payment(db, cid, amount="60", clock=clock)  # SQLite reuses the released row's id
    undone = [e for e in b.events if e.undone and e.kind == "released"]
    live = [e for e in b.events if not e.undone and e.kind == "released"]
    assert undone and live
    conn = db.reader()
    ledger_of = dict(conn.execute("select id, ledger_id from event where kind = 'released'").fetchall())
    assert ledger_of[undone[0].id] is None and ledger_of[live[0].id] is not None
    assert check.problems(db) == []


def test_deleting_a_contract_deletes_its_action_log(db, clock):
    cid = make_contract(db, clock).id
    api.draft_add(db, cid, side="freelancer", title="X", amount="10", clock=clock)
    api.delete_contract(db, cid, clock=clock)
    conn = db.reader()
    assert conn.execute("select count(*) from action").fetchone()[0] == 0
    assert conn.execute("select count(*) from action_change").fetchone()[0] == 0


# --- Edit contract (C2, C1, P4, P9) ------------------------------------------------------------
def test_edit_contract_fixes_a_typo_with_an_event_and_undo_brings_it_back(db, clock):
    cid = make_contract(db, clock, title="Webiste").id
    b = api.edit_contract(db, cid, clock=clock, title="Website", notes="Fixed the title")
    assert b.contract.title == "Website" and b.contract.notes == "Fixed the title"
    e = next(e for e in b.events if e.kind == "contract_edited")
    assert e.before == {"title": "Webiste", "notes": ""} and e.after["title"] == "Website"
    assert undo(db, clock, cid).contract.title == "Webiste"


def test_edit_contract_changes_nothing_when_nothing_differs(db, clock):
    cid = make_contract(db, clock).id
    b = api.edit_contract(db, cid, clock=clock, title="Website")
    assert b.last_action is None and not [e for e in b.events if e.kind == "contract_edited"]


def test_currency_kind_and_profile_only_while_no_money_moved(db, clock):
    cid = make_contract(db, clock, n=2).id
    b = api.edit_contract(db, cid, clock=clock, currency="JPY", profile="Direct client")
    assert b.contract.currency == "JPY" and b.milestones[0].amount_minor == 100  # 100.00 -> ¥100
    api.fund_next_milestone(db, cid, clock=clock)
    assert "has moved money" in refused(db, "P4", api.edit_contract, cid, clock=clock, currency="EUR").message
    refused(db, "P9", api.edit_contract, cid, clock=clock, profile="Marketplace")
    refused(db, "C1", api.edit_contract, cid, clock=clock, kind="hourly")
    api.edit_contract(db, cid, clock=clock, title="Still editable", client_name="Other")


def test_a_contract_with_milestones_cannot_become_hourly(db, clock):
    cid = make_contract(db, clock).id
    e = refused(db, "C1", api.edit_contract, cid, clock=clock, kind="hourly")
    assert e.field == "kind" and "delete its milestones" in e.message
    empty = make_contract(db, clock, n=0, title="Empty").id
    assert api.edit_contract(db, empty, clock=clock, kind="hourly").contract.kind == "hourly"


def test_start_date_cannot_move_after_what_is_recorded(db, clock):
    cid = make_contract(db, clock, started_on="2026-01-01").id
    api.fund_next_milestone(db, cid, clock=clock, at="2026-02-01 10:00")
    e = refused(db, "C2", api.edit_contract, cid, clock=clock, started_on="2026-02-02")
    assert "from 2026-02-01" in e.message and e.field == "started_on"
    assert api.edit_contract(db, cid, clock=clock, started_on="2026-02-01").contract.started_on.isoformat() == \
        "2026-02-01"


def test_an_ended_contract_cannot_be_edited(db, clock):
    cid = make_contract(db, clock).id
    api.end_contract(db, cid, actor="freelancer", clock=clock)
    refused(db, "C5", api.edit_contract, cid, clock=clock, title="New")
