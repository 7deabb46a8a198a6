"""M10: revision rounds per milestone, an optional cap per contract, a warning past it."""

from __future__ import annotations

import sqlite3

import pytest

from cairn.storage import api
from cairn.storage.exchange.json_dump import ImportRefused, export_json
from cairn.storage.exchange.json_import import import_json
from cairn.storage.queries import check
from cairn.storage.queries.history import history
from tests.conftest import make_contract, refused


def _round(db, cid, clock, message="again"):
    api.submit_work(db, cid, actor="freelancer", clock=clock)
    clock.advance(hours=1)
    return api.request_changes(db, cid, actor="client", message=message, clock=clock)


def test_rounds_are_counted_per_milestone_and_warned_past_the_cap(db, clock):
    b = make_contract(db, clock, 2, revision_cap=2)
    assert b.contract.revision_cap == 2
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = _round(db, b.id, clock)
    m = b.locked
    assert m.revisions == 1 and b.revisions_text(m) == "revisions: 1 of 2" and not b.past_revision_cap()
    b = _round(db, b.id, clock)
    assert b.locked.revisions == 2 and b.past_revision_cap()  # the next one goes past it
    b = _round(db, b.id, clock)  # recorded all the same: it happened on the platform
    assert b.locked.revisions == 3 and b.revisions_text(b.locked) == "revisions: 3, past the cap of 2"
    story = history(db, b.id)
    assert "Revision round 3, past the cap of 2." in story.entries[0].what
    assert ("revision round", None, "3") in [(c.field, c.before, c.after) for c in story.entries[0].changes]
    # The next milestone starts again from zero.
    api.submit_work(db, b.id, actor="freelancer", clock=clock)
    api.release_payment(db, b.id, actor="client", clock=clock)
    b = api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    assert b.locked.revisions == 0 and b.revisions_text(b.locked) == "revisions: 0 of 2"


def test_no_cap_counts_without_warning(db, clock):
    b = make_contract(db, clock, 1)
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = _round(db, b.id, clock)
    assert b.contract.revision_cap is None and b.revisions_text(b.locked) == "revisions: 1"
    assert not b.past_revision_cap() and "past the cap" not in history(db, b.id).entries[0].what


@pytest.mark.parametrize("cap", [0, 100, -1, "three", 2.5, True])
def test_a_cap_out_of_range_is_refused(db, clock, cap):
    e = refused(db, "M10", make_contract, clock, 1, revision_cap=cap)
    assert e.field == "revision_cap" and "1 to 99" in e.message


def test_typed_caps_and_empty(db, clock):
    assert make_contract(db, clock, 1, revision_cap=" 3 ").contract.revision_cap == 3
    assert make_contract(db, clock, 1, revision_cap="").contract.revision_cap is None


def test_the_cap_round_trips_through_export_and_import_and_is_checked(db, clock, tmp_path):
    from cairn.storage.db import Database

    make_contract(db, clock, 1, revision_cap=4)
    dumped = export_json(db)
    other = Database.open(tmp_path / "other.db")
    try:
        import_json(other, dumped)
        assert export_json(other) == dumped
        assert other.reader().execute("select revision_cap from contract").fetchone() == (4,)
    finally:
        other.close()
    bad = dumped.replace('"revision_cap": 4', '"revision_cap": 0')
    assert bad != dumped
    third = Database.open(tmp_path / "third.db")
    try:
        with pytest.raises(ImportRefused) as info:
            import_json(third, bad)
        assert any("revision_cap" in p and "1 to 99" in p for p in info.value.problems), info.value.problems
    finally:
        third.close()
    conn = sqlite3.connect(db.path)  # a hand edit past the rule
    conn.execute("update contract set revision_cap = 250")
    conn.commit()
    conn.close()
    assert any(p.startswith("M10: contract") for p in check.problems(db))


def test_the_cap_of_an_existing_contract_changes_with_an_event_and_undoes(db, clock):
    """M10 after creation: the terms change sets, changes or clears the cap; recorded with the values
    before and after, undone by the undo log's row images."""
    b = make_contract(db, clock, 2)
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = _round(db, b.id, clock)
    clock.advance(hours=1)
    b = api.change_terms(db, b.id, revision_cap=" 1 ", clock=clock)
    assert b.contract.revision_cap == 1 and b.past_revision_cap()  # the next request goes past it
    assert b.revisions_text(b.locked) == "revisions: 1 of 1"
    top = history(db, b.id).entries[0]
    assert top.what == 'Contract "Website" revision cap: 1 round.'
    assert ("revision cap", None, "1") in [(c.field, c.before, c.after) for c in top.changes]
    clock.advance(hours=1)
    b = api.change_terms(db, b.id, revision_cap=3, clock=clock)
    assert b.contract.revision_cap == 3
    assert ("revision cap", "1", "3") in [(c.field, c.before, c.after) for c in history(db, b.id).entries[0].changes]
    b = api.undo_last_action(db, b.id, clock=clock)
    assert b.contract.revision_cap == 1
    clock.advance(hours=1)
    b = api.change_terms(db, b.id, revision_cap="", clock=clock)  # empty: no cap
    assert b.contract.revision_cap is None and b.revisions_text(b.locked) == "revisions: 1"
    b = api.undo_last_action(db, b.id, clock=clock)
    b = api.undo_last_action(db, b.id, clock=clock)
    assert b.contract.revision_cap is None and b.locked.revisions == 1  # back to the start, the round kept
    assert check.problems(db) == []


@pytest.mark.parametrize("cap", [0, 100, -1, "three", "2.5", 2.5, True])
def test_a_cap_out_of_range_is_refused_on_an_existing_contract(db, clock, cap):
    b = make_contract(db, clock, 1, revision_cap=2)
    e = refused(db, "M10", api.change_terms, b.id, revision_cap=cap, clock=clock)
    assert e.field == "revision_cap" and "1 to 99" in e.message


def test_the_same_cap_again_or_a_cap_on_an_hourly_contract_is_refused(db, clock):
    b = make_contract(db, clock, 1, revision_cap=2)
    e = refused(db, "P9", api.change_terms, b.id, revision_cap="2", clock=clock)
    assert "nothing changed" in e.message
    h = api.create_contract(db, title="Support", kind="hourly", clock=clock)
    e = refused(db, "M10", api.change_terms, h.id, revision_cap=2, clock=clock)
    assert e.field == "revision_cap" and "hourly" in e.message
    assert refused(db, "P9", api.change_terms, h.id, revision_cap="", clock=clock)  # no cap already


def test_a_cap_and_a_fee_change_together_are_one_action(db, clock):
    b = make_contract(db, clock, 1)
    b = api.change_terms(db, b.id, revision_cap=2, fee_rule="5%", clock=clock)
    top = history(db, b.id).entries[0]
    assert "fee: 5%" in top.what and "revision cap: 2 rounds" in top.what and "keep their dates" in top.what
    b = api.undo_last_action(db, b.id, clock=clock)
    assert b.contract.revision_cap is None and b.contract.profile.fee_rule != "5%"
