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
