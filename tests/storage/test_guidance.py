"""G2 templates split a total exactly; G3 deadlines, soonest first, as UTC instants."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cairn.storage import api
from cairn.storage.templates import split
from tests.conftest import make_contract, refused


@pytest.mark.parametrize(("total", "template", "kw", "parts"), [
    (1000_00, "25/50/25", {}, [250_00, 500_00, 250_00]),
    (100_01, "25/50/25", {}, [25_00, 50_00, 25_01]),
    (100_00, "thirds", {}, [33_33, 33_33, 33_34]),
    (100, "equal", {"n": 7}, [14, 14, 14, 14, 14, 14, 16]),
    (100_00, "custom", {"percentages": ["30", "30%", "40"]}, [30_00, 30_00, 40_00]),
    (10_00, "custom", {"percentages": ["33.3", "33.3", "33.4"]}, [3_33, 3_33, 3_34]),
])
def test_g2_templates_split_exactly_cents_to_the_last(total, template, kw, parts):
    got = split(total, template, **kw)
    assert got == parts and sum(got) == total


@pytest.mark.parametrize(("total", "template", "kw"), [
    (0, "thirds", {}), (-5, "thirds", {}), (2, "thirds", {}), (100, "equal", {"n": 0}),
    (100, "equal", {"n": 101}), (100, "custom", {"percentages": ["50", "40"]}),
    (100, "custom", {"percentages": ["abc"]}), (100, "custom", {"percentages": ["NaN", "100"]}),
    (100, "custom", {"percentages": []}), (100, "weird", {}),
])
def test_g2_bad_splits_are_refused(total, template, kw):
    with pytest.raises(api.DomainError) as e:
        split(total, template, **kw)
    assert e.value.rule == "G2"


def test_g2_contract_from_a_template(db, clock):
    ms = api.plan_from_template(1000_01, "25/50/25", titles=["Start"])
    b = api.create_contract(db, title="x", milestones=ms, clock=clock)
    assert [(m.title, m.amount_minor) for m in b.milestones] == [
        ("Start", 250_00), ("Main delivery", 500_00), ("Final revisions", 250_01)]
    assert b.money.value == 1000_01


def test_g2_template_parts_below_the_minimum_are_refused(db, clock):
    refused(db, "M1", api.create_contract, title="x", milestones=api.plan_from_template(10_00, "equal", n=4),
            clock=clock)


def test_g3_deadlines_soonest_first(db, clock):
    b = api.create_contract(db, title="Due", milestones=[
        api.MilestoneIn("a", 100_00, due_date="2026-03-20"), api.MilestoneIn("b", 100_00, due_date="2026-03-05")],
        clock=clock)
    cid = b.id
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    api.submit_work(db, cid, clock=clock)  # review due 2026-03-16 12:00 UTC
    other = make_contract(db, clock, 1)
    api.fund_next_milestone(db, other.id, actor="client", clock=clock)
    api.release_payment(db, other.id, actor="client", clock=clock)  # available 2026-03-07
    third = make_contract(db, clock, 1)
    api.fund_next_milestone(db, third.id, actor="client", clock=clock)
    api.request_refund(db, third.id, actor="client", clock=clock)  # answer by 2026-03-09
    ended = make_contract(db, clock, 1)
    api.end_contract(db, ended.id, actor="client", clock=clock)  # feedback window to 2026-03-16
    ds = api.deadlines(db, clock)
    assert [d.at for d in ds] == sorted(d.at for d in ds)
    kinds = {d.kind for d in ds}
    assert kinds == {"due", "review", "available", "refund_answer", "feedback"}
    review = next(d for d in ds if d.kind == "review")
    assert review.at == clock.now() + timedelta(days=14) and review.at.tzinfo is not None
    assert next(d for d in ds if d.kind == "available").at == clock.now() + timedelta(days=5)
    assert next(d for d in ds if d.kind == "refund_answer").at == clock.now() + timedelta(days=7)
    assert next(d for d in ds if d.kind == "feedback").at == clock.now() + timedelta(days=14)
    soon = api.deadlines(db, clock, within=timedelta(days=6))
    assert {d.kind for d in soon} == {"due", "available"}


def test_g3_summary_next_deadline_and_attention(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    api.submit_work(db, contract.id, clock=clock)
    s = next(s for s in api.contract_summaries(db, clock) if s.id == contract.id)
    assert s.next_deadline.kind == "review" and s.awaiting_review and s.attention == "In review"


def test_g3_past_deadlines_are_overdue_not_dropped(db, clock):
    b = api.create_contract(db, title="x", milestones=[api.MilestoneIn("a", 100_00, due_date="2026-03-01")],
                            clock=clock)
    ds = api.deadlines(db, clock)
    assert ds and ds[0].overdue(clock.now())
    assert api.deadlines(db, clock, include_overdue=False) == []
    assert b.id == ds[0].contract_id
