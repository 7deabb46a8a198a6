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
