"""R5: a contract's journal reads as what happened, in words, with every message."""

from __future__ import annotations

from cairn.storage import api
from cairn.storage.queries.history import history, without_rule_ids
from tests.conftest import make_contract


def test_every_event_newest_first_with_changes_in_words_and_every_message(db, clock):
    b = make_contract(db, clock, 3)
    cid = b.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    clock.advance(hours=1)
    api.submit_work(db, cid, actor="freelancer", message="Draft attached, see the link", clock=clock)
    clock.advance(hours=1)
    api.request_changes(db, cid, actor="client", message="Please fix the footer", clock=clock)
    clock.advance(hours=1)
    api.release_payment(db, cid, actor="client", amount="60.00", remainder="refund", clock=clock)
    clock.advance(hours=1)
    api.give_bonus(db, cid, actor="client", amount="25.00", note="for weekend work", clock=clock)
    h = history(db, cid)
    kinds = [e.kind for e in h.entries]
    assert kinds[0] == "bonus" and kinds[-1] == "contract_created"
    assert [e.at for e in h.entries] == sorted((e.at for e in h.entries), reverse=True)
    messages = [m for e in h.entries for m in e.messages]
    assert ("Submission note", "Draft attached, see the link") in messages
    assert ("Changes requested", "Please fix the footer") in messages
    assert ("Bonus note", "for weekend work") in messages
    funded = next(e for e in h.entries if e.kind == "funded")
    fields = {c.field: (c.before, c.after) for c in funded.changes}
    assert fields["state"] == ("future", "active") and "due_date" not in fields
    released = next(e for e in h.entries if e.kind == "released")
    assert {c.field: c.after for c in released.changes}["released"] == "$60.00"
    # No rule ids in the story; they belong to refusals and help.
    assert not any("(P5" in e.what or "(M11)" in e.what for e in h.entries)
    assert [e.kind for e in history(db, cid, search="FOOTER").entries] == ["changes_requested"]
    assert history(db, cid, search="nothing like this").entries == []


def test_plan_edits_name_the_fields_a_person_uses(db, clock):
    b = make_contract(db, clock, 3)
    m = b.milestones[2]
    api.draft_edit(db, b.id, key=f"m{m.id}", side="client", amount="150.00", due_date="2026-12-06", clock=clock)
    api.send_changes(db, b.id, actor="client", message="Bigger scope", clock=clock)
    h = history(db, b.id)
    edited = next(e for e in h.entries if e.kind == "milestone_edited")
    fields = {c.field: (c.before, c.after) for c in edited.changes}
    assert fields["amount"] == ("$100.00", "$150.00")
    assert fields["due date"][1] == "2026-12-06"
    assert ("Message", "Bigger scope") in next(e for e in h.entries if e.kind == "plan_changed").messages


def test_what_the_user_recorded_as_the_other_party_is_not_unread(db, clock):
    b = make_contract(db, clock, 2)  # the user is the freelancer
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)  # recorded as the client
    api.submit_work(db, b.id, actor="freelancer", clock=clock)
    assert api.board(db, b.id, clock).unread == 0
    clock.advance(days=30)  # the review window passes: the automatic release is news
    api.apply_timers(db, clock)
    b = api.board(db, b.id, clock)
    assert b.unread >= 1 and all(e.actor == "automatic" for e in b.events if not e.read)


def test_rule_ids_are_taken_out_of_summaries():
    assert without_rule_ids("$5.00 payment is now available (P5).") == "$5.00 payment is now available."
    assert without_rule_ids("pending until 2026-01-01 (P5, P7).") == "pending until 2026-01-01."
