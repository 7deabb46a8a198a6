"""P9: fee rules, exact fees at each release and bonus, and net money (rounding: half up, once per payment)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.storage import api, fees
from cairn.storage.errors import DomainError
from cairn.storage.money import POINT, Numbers, use_numbers
from cairn.storage.queries import check
from tests.conftest import make_contract

TIERS = "20% up to 500.00; 10% up to 10,000.00; 5% above"


def test_rules_read_as_typed_and_store_one_way():
    assert fees.canonical(TIERS) == "20% to 500.00; 10% to 10000.00; 5%"
    assert fees.canonical("  2.75 % ") == "2.75%"
    assert fees.canonical("") == fees.canonical("0%") == fees.canonical("No fee") == "none"
    assert fees.stored("20% to 500.00; 10% to 10000.00; 5%").shown() == "20% up to 500.00, 10% up to 10,000.00, 5% above"
    assert fees.stored("12.5%").shown() == "12.5%" and fees.stored("none").shown() == "no fee"


def test_rules_follow_a_decimal_comma_locale_when_typed_never_when_stored():
    use_numbers(Numbers(decimal=",", group=".", locale="de_DE"))
    try:
        assert fees.canonical("20% bis 500,00".replace("bis", "to") + "; 2,5%") == "20% to 500.00; 2.5%"
        assert fees.stored("20% to 10000.00; 5%").shown() == "20% up to 10.000,00, 5% above"
    finally:
        use_numbers(POINT)


@pytest.mark.parametrize(("typed", "says"), [
    ("ten", "not a fee tier"), ("150%", "more than the payment"), ("20%; 10%", "only the last tier"),
    ("20% to 500.00", "the last tier covers everything above"), ("20% to 500; 10% to 400; 5%", "must rise"),
    ("20% to 1,5; 5%", "would read as"), ("20% to 0; 5%", "more than zero"), ("1.234%", "not a percentage"),
    ("; ".join([f"1% to {i}.00" for i in range(1, 12)] + ["1%"]), "at most 10 tiers"),
])
def test_bad_rules_are_refused_naming_what_to_type(typed, says):
    with pytest.raises(DomainError) as info:
        fees.canonical(typed)
    assert info.value.rule == "P9" and info.value.field == "fee_rule" and says in info.value.message


def test_a_payment_straddling_a_tier_boundary_is_split_across_tiers():
    rule = fees.parse(TIERS)
    # 400.00 already billed; 300.00 more: 100.00 at 20% and 200.00 at 10% = 40.00.
    assert rule.fee(300_00, "USD", billed_before=400_00) == 40_00
    # Across all three: 0 -> 20,000.00 = 100 + 950 + 500.
    assert rule.fee(20_000_00, "USD") == 1_550_00
    # Bounds are amounts of the contract's currency: 500 yen, 10,000 yen.
    assert rule.fee(1000, "JPY") == 100 + 50
    assert fees.parse("20% to 500.50; 5%").fee(1000, "JPY") == 100 + 25  # cut to whole yen


def test_rounding_is_half_up_once_per_payment():
    assert fees.parse("10%").fee(5, "USD") == 1  # 0.5 cent -> 1
    assert fees.parse("10%").fee(4, "USD") == 0
    assert fees.parse("2.5%").fee(20, "USD") == 1  # 0.5 -> 1
    # Two tiers each with half a cent: rounded once (1 cent), not twice (2 cents).
    assert fees.parse("10% to 0.05; 30%").fee(10, "USD", billed_before=0) == 2  # 0.5 + 1.5 = 2.0
    assert fees.parse("10% to 0.05; 10%").fee(10, "USD") == 1


rules = st.one_of(
    st.just("none"),
    st.integers(0, 10_000).map(lambda bp: f"{bp // 100}.{bp % 100:02d}%"),
    st.lists(st.tuples(st.integers(1, 10**9), st.integers(0, 10_000)), min_size=1, max_size=5).map(
        lambda ts: "; ".join(f"{bp / 100:.2f}% to {b}.00" for b, bp in
                             zip(sorted({b for b, _ in ts}), [bp for _, bp in ts], strict=False))
        + "; 3%"),
)


@given(rules, st.integers(1, 10**13), st.integers(0, 10**13), st.sampled_from(["USD", "JPY", "KWD"]))
def test_fee_plus_net_is_the_payment_and_the_fee_is_exact(text, gross, before, currency):
    rule = fees.parse(text)
    fee = rule.fee(gross, currency, before)
    net = gross - fee
    assert fee + net == gross and 0 <= fee <= gross
    # The same figure by exact decimal arithmetic, portion by portion, rounded half up once.
    exact, low = Decimal(0), 0
    for upto, bp in rule.bounds(currency):
        high = before + gross if upto is None else upto
        portion = max(0, min(before + gross, high) - max(before, low))
        exact += Decimal(portion) * bp / 10_000
        if upto is None:
            break
        low = upto
    assert fee == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(st.integers(1, 10**9), st.integers(1, 10**9), st.integers(0, 10**9))
def test_splitting_a_payment_changes_the_fee_by_at_most_a_rounding(a, b, before):
    rule = fees.parse(TIERS)
    whole = rule.fee(a + b, "USD", before)
    parts = rule.fee(a, "USD", before) + rule.fee(b, "USD", before + a)
    assert abs(whole - parts) <= 1


def released(db, clock, b, amount=None):
    b = api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    return api.release_payment(db, b.id, actor="client", amount=amount, clock=clock)


def test_fees_at_each_release_partial_release_and_bonus(db, clock):
    b = make_contract(db, clock, 3, amount=400_00, fee_rule=TIERS)
    b = released(db, clock, b)  # 400 at 20% = 80
    assert b.milestones[0].fee_minor == 80_00 and b.money.fee == 80_00 and b.money.net == 320_00
    clock.advance(hours=1)
    b = released(db, clock, b, amount="300.00")  # 100 at 20% + 200 at 10% = 40 (partial; rest refunded)
    assert b.milestones[1].fee_minor == 40_00 and b.milestones[1].released_minor == 300_00
    clock.advance(hours=1)
    b = api.give_bonus(db, b.id, actor="client", amount="50.00", clock=clock)  # 10% = 5
    assert (b.money.paid, b.money.fee, b.money.net) == (750_00, 125_00, 625_00)
    assert (b.money.pending, b.money.fee_pending, b.money.net_pending) == (750_00, 125_00, 625_00)
    clock.advance(days=6)
    b = api.board(db, b.id, clock)
    assert (b.money.available, b.money.net_available, b.money.net_pending) == (750_00, 625_00, 0)
    e = api.earnings(db, clock)[0]
    assert (e.gross, e.fee, e.net, e.fee_available) == (750_00, 125_00, 625_00, 125_00)
    assert check.problems(db) == []


def test_tiers_count_lifetime_billings_with_the_same_client_on_the_same_platform(db, clock):
    api.edit_profile(db, "Marketplace", fee_rule=TIERS)
    first = released(db, clock, make_contract(db, clock, 1, amount=500_00))  # 100 at 20%
    clock.advance(hours=1)
    second = released(db, clock, make_contract(db, clock, 1, amount=500_00, title="Second"))  # all at 10%
    assert (first.money.fee, api.board(db, second.id, clock).money.fee) == (100_00, 50_00)
    # Another platform, or another currency: billings start again.
    clock.advance(hours=1)
    api.edit_profile(db, "Direct client", fee_rule=TIERS)
    direct = released(db, clock, make_contract(db, clock, 1, amount=500_00, profile="Direct client"))
    euros = released(db, clock, make_contract(db, clock, 1, amount=500_00, currency="EUR"))
    assert direct.money.fee == euros.money.fee == 100_00
    # The first contract's fee does not change with what came after it.
    assert api.board(db, first.id, clock).money.fee == 100_00


def test_the_same_client_is_the_trimmed_name_letter_case_aside_and_found_by_index(db, clock):
    from cairn.storage.queries import fees as fee_reads
    from cairn.storage.queries.reading import connection

    def billed(client_name: str):
        clock.advance(hours=1)
        return released(db, clock, api.create_contract(db, title="Work", client_name=client_name, clock=clock,
                                                       milestones=[api.MilestoneIn("M1", 500_00)]))

    api.edit_profile(db, "Marketplace", fee_rule=TIERS)
    billed("Acme")
    same = billed("  ACME ")
    assert same.money.fee == 50_00  # all of it at 10%: Acme was billed 500.00 before
    # No client name: each such contract is a client of its own.
    billed(" ")
    alone = billed("")
    assert alone.money.fee == 100_00
    # The board's read finds those contracts by ix_contract_client (migration 0008), not by a
    # scan of every contract: the expression in the query must stay the index's, word for word.
    sql = fee_reads._PAYMENTS.format(scope=fee_reads._SAME_CLIENTS, ledger="", where="")
    plan = " ".join(row[-1] for row in connection(db).execute("explain query plan " + sql, {"cid": same.id}))
    assert "USING INDEX ix_contract_client (profile_id=? AND my_side=? AND currency=? AND <expr>=?)" in plan


def test_the_fee_is_derived_so_correcting_the_rule_corrects_it(db, clock):
    b = released(db, clock, make_contract(db, clock, 1))
    assert b.money.fee == 10_00  # the marketplace's 10%
    b = api.change_terms(db, b.id, fee_rule="20%", clock=clock)
    assert b.money.fee == 20_00 and b.milestones[0].fee_minor == 20_00
    # A profile edit never changes it.
    api.edit_profile(db, "Marketplace", fee_rule="none")
    assert api.board(db, b.id, clock).money.fee == 20_00


def test_direct_client_takes_no_fee(db, clock):
    b = released(db, clock, make_contract(db, clock, 1, profile="Direct client"))
    assert (b.money.paid, b.money.fee, b.money.net) == (100_00, 0, 100_00)


@settings(deadline=None, max_examples=20)
@given(st.lists(st.tuples(st.sampled_from(["none", "10%", "2.75%", TIERS, "33.33%"]),
                          st.integers(500, 10**15), st.sampled_from(["Acme", "Bolt"]), st.integers(0, 10)),
                min_size=1, max_size=6))
def test_the_lists_fee_totals_equal_the_payments_fees(tmp_path_factory, specs):
    """The earnings' fees (flat rates summed in SQL, tiers through the window) agree with every
    payment's own fee, whatever the rules, amounts (up to Cairn's largest) and clients."""
    from cairn.storage.clock import FixedClock
    from cairn.storage.queries.earnings import contract_fees
    from cairn.storage.queries.fees import fee_sums, payments, totals

    db = api.Database.open(tmp_path_factory.mktemp("sums") / "cairn.db")
    clock = FixedClock("2026-03-02T12:00:00Z")
    for rule, amount, client, days in specs:
        b = api.create_contract(db, title="x", client_name=client, fee_rule=rule, clock=clock,
                                milestones=[api.MilestoneIn("M1", amount)])
        api.fund_next_milestone(db, b.id, actor="client", clock=clock)
        api.release_payment(db, b.id, actor="client", clock=clock)
        clock.advance(days=days)
    conn = db.reader()
    now = "2026-03-20T00:00:00.000000Z"
    sums = fee_sums(conn, now)
    by: dict[int, list] = {}
    for p in payments(conn):
        by.setdefault(p.contract_id, []).append(p)
    expected = {cid: (t.fee_pending, t.fee_available) for cid, ps in by.items()
                if (t := totals(ps, now)).fee}
    assert {cid: v for cid, v in sums.items() if any(v)} == expected
    # One contract's payments (a board's read; a flat rule reads its own rows, a tiered one the
    # window over its client's contracts) are the same as in the pass over them all.
    for cid, ps in by.items():
        assert payments(conn, contract_id=cid) == ps
    # The list's first screenful reads its contracts' fees one by one: the same as the pass.
    everyone = contract_fees(db, clock)
    assert contract_fees(db, clock, ids=list(by)[:3]) == {cid: everyone[cid] for cid in list(by)[:3]
                                                          if cid in everyone}
    db.close()
