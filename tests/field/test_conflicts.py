"""Two sessions act on the same thing: exactly one wins; the other gets a clear message and
nothing changes for it. Each session has its own Database (its own connections)."""

from __future__ import annotations

import threading

import pytest

from cairn.storage import api
from cairn.storage.clock import FixedClock

NOW = "2026-11-20T09:00:00Z"


@pytest.fixture
def two(tmp_path):
    path = tmp_path / "both.db"
    clock = FixedClock(NOW)
    a = api.Database.open(path)
    b = api.Database.open(path)
    board = api.create_contract(a, title="Shared", my_side="client", clock=clock, milestones=[
        api.MilestoneIn("One", "100"), api.MilestoneIn("Two", "200"), api.MilestoneIn("Three", "300")])
    yield a, b, board, clock
    a.close()
    b.close()


def test_both_fund_from_the_same_view_one_wins(two):
    a, b, board, clock = two
    version = board.contract.version
    api.fund_next_milestone(a, board.id, clock=clock, expect_version=version)
    with pytest.raises(api.Conflict) as refused:
        api.fund_next_milestone(b, board.id, clock=clock, expect_version=version)
    assert "another Cairn session" in refused.value.message
    after = api.board(b, board.id, clock)
    assert [m.state for m in after.milestones] == ["active", "future", "future"]
    assert after.money.funded == 10000


def test_both_fund_at_the_same_instant_one_wins(two):
    a, b, board, clock = two
    results = []

    def fund(db):
        try:
            api.fund_next_milestone(db, board.id, clock=clock, expect_version=board.contract.version)
            results.append("won")
        except api.DomainError as e:
            results.append(e.rule)

    threads = [threading.Thread(target=fund, args=(db,)) for db in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["DB", "won"]
    assert api.board(a, board.id, clock).money.funded == 10000


def test_both_edit_the_plan_one_wins(two):
    a, b, board, clock = two
    version = board.contract.version
    api.draft_add(a, board.id, side="client", title="From A", amount="50", clock=clock, expect_version=version)
    with pytest.raises(api.Conflict):
        api.draft_add(b, board.id, side="client", title="From B", amount="50", clock=clock,
                      expect_version=version)
    titles = [r.row.title for r in api.board(b, board.id, clock, side="client").plan]
    assert "From A" in titles and "From B" not in titles


def test_accepting_a_request_the_other_session_withdrew(two):
    a, b, board, clock = two
    api.draft_add(a, board.id, side="freelancer", title="Extra", amount="80", clock=clock)
    proposed = api.propose_changes(a, board.id, clock=clock)
    api.withdraw_change_request(a, board.id, clock=clock)
    with pytest.raises(api.DomainError) as refused:
        api.accept_change_request(b, board.id, clock=clock)
    assert refused.value.rule in ("R3", "DB")
    assert "Extra" not in [m.title for m in api.board(b, board.id, clock).milestones]
    assert proposed.request is not None
