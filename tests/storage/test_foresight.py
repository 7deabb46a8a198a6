"""Foresight: the cash-flow forecast, work at risk and the clients' habits, from the record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cairn.storage import api
from cairn.storage.dates import due_instant
from cairn.storage.queries.clients import clients
from cairn.storage.queries.foresight import at_risk, forecast, risk_totals, week_starts
from cairn.storage.queries.reading import instant
from tests.conftest import make_contract


def _dated(db, clock, days: list[int], *, amount=100_00, client="Acme", currency="USD", **kw):
    today = clock.now().in_timezone("local").date()
    ms = [api.MilestoneIn(title=f"M{i + 1}", amount=amount, due_date=(today + timedelta(days=d)).isoformat())
          for i, d in enumerate(days)]
    return api.create_contract(db, title=kw.pop("title", "Site"), client_name=client, currency=currency,
                               milestones=ms, clock=clock, **kw)


def test_the_three_series_are_kept_apart_and_fall_in_their_weeks(db, clock):
    b = _dated(db, clock, [3, 10, 20, 200])
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    api.submit_work(db, b.id, actor="freelancer", clock=clock)  # auto-release in 14 days
    other = _dated(db, clock, [1], title="Logo", amount=50_00)
    api.fund_next_milestone(db, other.id, actor="client", clock=clock)
    api.release_payment(db, other.id, actor="client", clock=clock)  # pending 5 days, then available
    [f] = forecast(db, clock)
    assert f.currency == "USD" and len(f.weeks) == 8
    now = instant(clock)
    starts = week_starts(now, 8)

    def week(at):
        return max(i for i, s in enumerate(starts[:-1]) if at >= s)

    certain = next(i for i in f.items if i.series == "certain")
    expected = next(i for i in f.items if i.series == "expected")
    assert (certain.amount, certain.basis) == (50_00, "available")
    assert (expected.amount, expected.basis) == (100_00, "auto-release")
    assert f.weeks[week(certain.at)].certain == 50_00
    assert f.weeks[week(expected.at)].expected == 100_00
    # Planned: the future milestones at the end of their due day; the one 200 days out is later.
    today = now.astimezone().date()
    assert f.weeks[week(due_instant(today + timedelta(days=10)))].planned >= 100_00
    assert f.total("planned") == 200_00 and f.later == {"certain": 0, "expected": 0, "planned": 100_00}
    assert f.total("certain") == 50_00 and f.total("expected") == 100_00
    # Every figure traces to its items.
    assert sum(i.amount for i in f.items) == sum(w.total for w in f.weeks) + sum(f.later.values()) \
        + sum(f.undated.values())


def test_the_first_week_runs_from_now_and_the_others_from_local_mondays(clock):
    now = instant(clock)
    starts = week_starts(now, 8)
    assert starts[0] == now
    for s in starts[1:]:
        local = s.astimezone()
        assert (local.weekday(), local.hour, local.minute) == (0, 0, 0)
    assert all(b - a <= timedelta(days=7, hours=1) for a, b in zip(starts[1:], starts[2:], strict=False))


def test_expected_comes_sooner_by_the_clients_usual_review_time(db, clock):
    first = _dated(db, clock, [1, 30], client="Quick Co")
    api.fund_next_milestone(db, first.id, actor="client", clock=clock)
    api.submit_work(db, first.id, actor="freelancer", clock=clock)
    clock.advance(days=2)
    api.release_payment(db, first.id, actor="client", clock=clock)  # this client reviews in 2 days
    api.fund_next_milestone(db, first.id, actor="client", clock=clock)
    api.submit_work(db, first.id, actor="freelancer", clock=clock)
    [f] = forecast(db, clock)
    expected = next(i for i in f.items if i.series == "expected")
    assert expected.basis == "usual review"
    assert expected.at == instant(clock) + timedelta(days=2)
    [c] = clients(db)
    assert c.review_days == pytest.approx(2.0) and c.reviews == 1


def test_currencies_are_never_added_together_and_client_side_is_not_income(db, clock):
    _dated(db, clock, [5], currency="EUR")
    _dated(db, clock, [5], currency="USD")
    _dated(db, clock, [5], currency="GBP", my_side="client")
    assert [f.currency for f in forecast(db, clock)] == ["EUR", "USD"]


def test_undated_planned_money_is_shown_apart(db, clock):
    make_contract(db, clock, 2)
    [f] = forecast(db, clock)
    assert f.undated["planned"] == 200_00 and f.total("planned") == 0


def test_work_at_risk_unfunded_due_submitted_and_disputed(db, clock):
    b = _dated(db, clock, [-2, 0, 9])  # M1 overdue, M2 due today, M3 later
    [r] = at_risk(db, clock)
    assert (r.unfunded_due, r.unfunded_count, r.submitted, r.disputed) == (200_00, 2, 0, 0)
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    api.submit_work(db, b.id, actor="freelancer", clock=clock)
    [r] = at_risk(db, clock)
    assert (r.unfunded_due, r.submitted, r.disputed) == (100_00, 100_00, 0)
    api.request_refund(db, b.id, actor="client", clock=clock)
    [r] = at_risk(db, clock)
    assert (r.submitted, r.disputed) == (0, 100_00)
    api.answer_refund_request(db, b.id, actor="freelancer", accept=False, note="delivered", clock=clock)
    [r] = at_risk(db, clock)
    assert r.disputed == 100_00 and r.total == 200_00
    totals = risk_totals(at_risk(db, clock) + at_risk(db, clock))
    assert totals["USD"].total == 400_00


def test_no_risk_for_work_not_yet_due_or_contracts_as_the_client(db, clock):
    _dated(db, clock, [3, 10])
    _dated(db, clock, [-3], my_side="client")
    assert at_risk(db, clock) == []


def test_clients_across_contracts(db, clock):
    a = _dated(db, clock, [1, 2, 3], client="Acme Ltd")
    b = _dated(db, clock, [1], client="  acme   LTD ", currency="EUR")
    _dated(db, clock, [1], client="Other")
    api.fund_next_milestone(db, a.id, actor="client", clock=clock)
    api.submit_work(db, a.id, actor="freelancer", clock=clock)
    clock.advance(days=1)
    api.request_changes(db, a.id, actor="client", message="again", clock=clock)
    api.submit_work(db, a.id, actor="freelancer", clock=clock)
    clock.advance(days=3)
    api.release_payment(db, a.id, actor="client", clock=clock)
    clock.advance(days=4)
    api.fund_next_milestone(db, a.id, actor="client", clock=clock)
    api.refund_escrow(db, a.id, actor="freelancer", clock=clock)
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    api.release_payment(db, b.id, actor="client", clock=clock)
    api.give_bonus(db, b.id, actor="client", amount="10.00", clock=clock)
    stats = clients(db)
    acme = stats[0]
    assert acme.name == "acme LTD" and acme.contracts == 2  # as on the newest contract and stats[1].name == "Other"
    assert acme.paid == {"EUR": 110_00, "USD": 100_00}
    assert acme.refunded == {"USD": 100_00} and acme.refunds == 1
    assert acme.review_days == pytest.approx(3.0)  # from the last submission, not the first
    assert acme.funding_days == pytest.approx(4.0) and acme.fundings == 1
    assert acme.revisions == 1
    assert [s.name for s in clients(db, name="ACME ltd")] == ["acme LTD"]


def test_change_requests_proposed_and_accepted(db, clock):
    b = make_contract(db, clock, 3)
    for accept in (True, False):
        m = b.milestones[2]
        api.draft_edit(db, b.id, key=f"m{m.id}", side="freelancer", amount="150.00" if accept else "170.00",
                       clock=clock)
        api.propose_changes(db, b.id, actor="freelancer", message="more", clock=clock)
        if accept:
            api.accept_change_request(db, b.id, actor="client", clock=clock)
        else:
            api.decline_change_request(db, b.id, actor="client", reason="no", clock=clock)
    [c] = clients(db)
    assert (c.requests_proposed, c.requests_accepted) == (2, 1)


def test_due_date_boundary_is_the_end_of_the_day(db, clock):
    today = instant(clock).astimezone().date()
    assert due_instant(today) > instant(clock)
    assert isinstance(today, date)


def test_the_board_carries_its_contracts_work_at_risk(db, clock):
    from cairn.storage.queries.board import board

    b = _dated(db, clock, [-1, 5])
    other = _dated(db, clock, [-1])
    assert board(db, b.id, clock).at_risk == 100_00
    api.fund_next_milestone(db, other.id, actor="client", clock=clock)
    api.submit_work(db, other.id, actor="freelancer", clock=clock)
    assert board(db, other.id, clock).at_risk == 100_00  # now waiting for review, not unfunded
    assert board(db, b.id, clock).at_risk == 100_00
    assert sum(r.total for r in at_risk(db, clock)) == 200_00
