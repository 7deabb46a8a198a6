"""Reconciling the marketplace's transaction history (both header layouts) with Cairn's record."""

from __future__ import annotations

import csv
import io

import pytest

from cairn.storage import api
from cairn.storage.exchange.reconcile import ReconcileError, parse_date, parse_money, reconcile
from tests.conftest import dump, make_contract

NEW = ["Date", "Transaction ID", "Transaction Type", "Transaction Summary", "Description 1", "Ref ID", "Amount $",
       "Amount in local currency", "Currency", "Current Balance $", "Payment Method"]
OLD = ["Date", "Ref ID", "Type", "Description", "Agency", "Freelancer", "Team", "Account Name", "PO", "Amount",
       "Amount in local currency", "Currency", "Balance"]


def new_csv(rows: list[tuple[str, str, str, str]], header=NEW) -> bytes:
    """rows: (date, type, summary, amount)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    for i, (on, kind, summary, amount) in enumerate(rows, 1):
        w.writerow([on, f"T{i:04}", kind, summary, "", f"R{i}", amount, amount, "USD", "0.00", "Upwork"])
    return out.getvalue().encode()


def old_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(OLD)
    for i, (on, kind, description, amount) in enumerate(rows, 1):
        w.writerow([on, f"{1000 + i}", kind, description, "", "Me", "Acme", "Me", "", amount, amount, "USD", "0"])
    return out.getvalue().encode()


@pytest.fixture
def record(db, clock):
    """Logo design (Acme): M1 released 2026-03-02, a 20.00 bonus on 03-03, M2 refunded on 03-04."""
    b = make_contract(db, clock, 3, title="Logo design")
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    api.release_payment(db, b.id, actor="client", clock=clock)
    clock.advance(days=1)
    api.give_bonus(db, b.id, actor="client", amount="20.00", clock=clock)
    clock.advance(days=1)
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    api.refund_escrow(db, b.id, actor="freelancer", clock=clock)
    return b


def test_new_layout_everything_matches(db, record):
    data = new_csv([
        ("Mar 2, 2026", "Fixed Price", "Invoice for Logo design - M1", "$100.00"),
        ("Mar 2, 2026", "Service Fee", "Service Fee for Logo design", "-$10.00"),
        ("Mar 3, 2026", "Bonus", "Bonus for Logo design", "$20.00"),
        ("Mar 4, 2026", "Refund", "Refund for Logo design - M2", "-$100.00"),
        ("Mar 5, 2026", "Withdrawal", "To bank", "-$110.00"),
    ])
    before = dump(db)
    r = reconcile(db, data)
    assert dump(db) == before  # changes nothing
    assert r.layout == "new" and r.rows == 5 and r.ignored == 1
    assert [(f.kind, m.kind, f.amount) for f, m in r.matched] == [("release", "release", 100_00),
                                                                   ("bonus", "bonus", 20_00),
                                                                   ("refund", "refund", 100_00)]
    assert [(f.amount, m.kind) for f, m in r.fees] == [(10_00, "release")]
    assert r.clean and not r.only_in_file and not r.only_in_cairn


def test_old_layout_reports_mismatches_and_what_is_only_on_one_side(db, record):
    data = old_csv([
        ("03/02/2026", "Fixed Price", "Logo design - Milestone 1", "95.00"),  # Cairn says 100.00
        ("03/06/2026", "Fixed Price", "Another job entirely", "300.00"),  # nothing in Cairn
        ("03/04/2026", "Refund", "Logo design - refund", "(100.00)"),
    ])
    r = reconcile(db, data)
    assert r.layout == "old"
    [(f, m)] = r.mismatched
    assert (f.amount, m.amount, f.line) == (95_00, 100_00, 2)
    assert [f.line for f in r.only_in_file] == [3]
    assert [m.kind for m in r.only_in_cairn] == ["bonus"]  # recorded in Cairn, not in the file
    assert len(r.matched) == 1 and not r.clean


def test_dates_apart_beyond_the_margin_do_not_match(db, record):
    data = new_csv([("2026-03-20", "Fixed Price", "Logo design", "100.00")])
    r = reconcile(db, data, days=3)
    assert not r.matched and len(r.only_in_file) == 1
    assert r.only_in_cairn == []  # Cairn's movements outside the file's period are not 'missing'


@pytest.mark.parametrize(("data", "where"), [
    (b"Date,Something,Else\n2026-03-02,a,b\n", "line 1, column 1: unknown header"),
    (",".join(NEW[:3] + ["Surprise"] + NEW[3:]).encode() + b"\n", "line 1, column 4: unknown column 'Surprise'"),
    (",".join(n for n in NEW if n != "Currency").encode() + b"\n", "the new layout's column 'Currency' is missing"),
    (b"", "line 1: the file is empty"),
    (b"Date,Transaction ID\n\xff\xfe", "line 2, column 1: the file is not UTF-8"),
])
def test_unreadable_headers_and_encodings_are_refused_with_line_and_column(db, data, where):
    with pytest.raises(ReconcileError, match=where):
        reconcile(db, data)


def test_a_bad_number_or_date_is_refused_with_its_line_and_column(db, record):
    bad_amount = new_csv([("Mar 2, 2026", "Fixed Price", "Logo design", "$1OO.00")])
    with pytest.raises(ReconcileError, match=r"line 2, column 7: '\$1OO.00' is not an amount"):
        reconcile(db, bad_amount)
    bad_date = old_csv([("31/02/2026", "Bonus", "Logo design", "5.00")])
    with pytest.raises(ReconcileError, match=r"line 2, column 1: '31/02/2026' is not a date"):
        reconcile(db, bad_date)
    short = new_csv([]) + b"2026-03-02,T1,Bonus\n"
    with pytest.raises(ReconcileError, match="line 2: 3 columns where the header has 11"):
        reconcile(db, short)


def test_a_byte_order_mark_and_crlf_are_read(db, record):
    data = b"\xef\xbb\xbf" + new_csv([("Mar 3, 2026", "Bonus", "Logo design", "20.00")]).replace(b"\n", b"\r\n")
    r = reconcile(db, data)
    assert len(r.matched) == 1


def test_parsing_amounts_and_dates():
    assert parse_money("$1,100.00", "USD") == 110000
    assert parse_money("-$20.00", "USD") == -2000
    assert parse_money("(20.50)", "USD") == -2050
    assert parse_money("1100", "JPY") == 1100
    for bad in ("1,10.00", "1.2.3", "", "12.345", "abc"):
        with pytest.raises(ValueError):
            parse_money(bad, "USD")
    assert str(parse_date("March 5, 2026")) == "2026-03-05"
    assert str(parse_date("2026-03-05T10:00:00Z")) == "2026-03-05"


@pytest.fixture
def two_jobs(db, clock):
    """Two contracts paid on the same day, as a freelancer's month looks: "Shopify store migration"
    (Harbor & Pine, 10%) releases 1,100.00 and gets a 50.00 bonus; "Brand refresh" (Juniper, 10%)
    releases 1,200.00; "Logo design" (Acme) refunds its escrow."""
    def job(title, client, amount):
        b = api.create_contract(db, title=title, client_name=client, fee_rule="10%", clock=clock,
                                milestones=[api.MilestoneIn(title="First", amount=amount),
                                            api.MilestoneIn(title="Second", amount=amount)])
        api.fund_next_milestone(db, b.id, actor="client", clock=clock)
        return b.id

    shop, brand, logo = (job("Shopify store migration", "Harbor & Pine Outfitters", 1_100_00),
                         job("Brand refresh", "Juniper Coffee Roasters", 1_200_00), job("Logo design", "Acme", 300_00))
    api.release_payment(db, shop, actor="client", clock=clock)
    api.release_payment(db, brand, actor="client", clock=clock)
    api.give_bonus(db, shop, actor="client", amount="50.00", clock=clock)
    api.refund_escrow(db, logo, actor="freelancer", clock=clock)
    return shop, brand, logo


def _realistic(layout: str, *, brand_fee: str = "-120.00") -> bytes:
    """The platform's own wording: payments name the contract; a service fee names only the
    payment it was taken from (its Ref ID), never the contract."""
    rows = [  # (date, ref, type, description, team, amount)
        ("Mar 1, 2026", "900101", "Fixed Price", "Invoice for Milestone First - Shopify store migration",
         "Harbor & Pine Outfitters", "1,100.00"),
        ("Mar 1, 2026", "900102", "Service Fee", "Service Fee for Fixed Price - Ref ID 900101",
         "Harbor & Pine Outfitters", "-110.00"),
        ("Mar 1, 2026", "900103", "Fixed Price", "Invoice for Milestone First - Brand refresh",
         "Juniper Coffee Roasters", "1,200.00"),
        ("Mar 1, 2026", "900104", "Service Fee", "Service Fee for Fixed Price - Ref ID 900103",
         "Juniper Coffee Roasters", brand_fee),
        ("Mar 1, 2026", "900105", "Bonus", "Bonus for Shopify store migration", "Harbor & Pine Outfitters", "50.00"),
        ("Mar 1, 2026", "900106", "Service Fee", "Service Fee for Bonus - Ref ID 900105",
         "Harbor & Pine Outfitters", "-5.00"),
        ("Mar 1, 2026", "900107", "Refund", "Refund for Logo design", "Acme", "-300.00"),
        ("Mar 2, 2026", "900108", "Withdrawal", "Withdrawal to bank account", "", "-2,235.00"),
        ("Mar 2, 2026", "900109", "Withdrawal Fee", "Withdrawal fee", "", "-0.99"),
    ]
    out = io.StringIO()
    w = csv.writer(out)
    if layout == "new":
        w.writerow(NEW)
        for on, ref, kind, text, team, amount in rows:
            w.writerow([on, ref, kind, text, team, ref, f"${amount}" if not amount.startswith("-") else
                        f"-${amount[1:]}", amount, "USD", "$0.00", "Direct to U.S. bank"])
    else:
        w.writerow(OLD)
        for on, ref, kind, text, team, amount in rows:
            w.writerow([on, ref, kind, text, "", "Me Myself", team, "Me Myself", "", amount, amount, "USD", "0.00"])
    return out.getvalue().encode()


@pytest.mark.parametrize("layout", ["new", "old"])
def test_realistic_history_fees_follow_their_ref_id_and_are_checked_against_the_rule(db, clock, two_jobs, layout):
    shop, brand, logo = two_jobs
    r = reconcile(db, _realistic(layout))
    assert r.layout == layout and r.rows == 9 and r.ignored == 2  # the withdrawal and its fee
    assert [(f.kind, m.contract_id, f.amount) for f, m in r.matched] == [
        ("release", shop, 1_100_00), ("release", brand, 1_200_00), ("bonus", shop, 50_00), ("refund", logo, 300_00)]
    # Each fee beside the very payment it names, on the same day as two other payments.
    assert [(f.amount, m.contract_id, m.kind) for f, m in r.fees] == [
        (110_00, shop, "release"), (120_00, brand, "release"), (5_00, shop, "bonus")]
    assert r.clean, (r.mismatched, r.fee_mismatched, r.only_in_file, r.only_in_cairn)


@pytest.mark.parametrize("layout", ["new", "old"])
def test_a_fee_other_than_the_contracts_rule_gives_is_a_mismatch(db, clock, two_jobs, layout):
    _, brand, _ = two_jobs
    r = reconcile(db, _realistic(layout, brand_fee="-240.00"))  # the platform took 20%, Cairn's rule says 10%
    [(f, m, expected)] = r.fee_mismatched
    assert (f.amount, m.contract_id, expected) == (240_00, brand, 120_00)
    assert not r.clean and len(r.fees) == 2
