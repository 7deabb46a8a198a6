"""Dates far away and text of any kind (issue 10): refused at every door, never a crash.

A due date of 9999-12-31 used to be accepted, then overflowed ``due_instant`` (a traceback, and
a board that never loaded again); ``1e9999999`` in Custom percentages raised decimal.Overflow in
the new-contract form's live preview.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cairn.storage import api, validate
from cairn.storage.dates import due_instant
from cairn.storage.errors import DomainError
from cairn.storage.money import parse_amount
from cairn.storage.templates import split_typed
from tests.conftest import dump, refused


@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31", "2101-01-01", "0001-01-01", "1970-01-01"])
def test_dates_outside_the_window_are_refused_in_every_operation(db, clock, contract, day):
    e = refused(db, "M1", api.draft_add, contract.id, side="client", title="t", amount=10_00, due_date=day,
                clock=clock)
    assert e.field == "due_date" and "2000-01-01" in e.message and "2100-12-31" in e.message
    refused(db, "C2", api.create_contract, title="x", started_on=day, clock=clock)


@pytest.mark.parametrize("day", ["2000-01-01", "2100-12-31"])
def test_the_window_includes_its_ends(db, clock, contract, day):
    b = api.draft_add(db, contract.id, side="client", title="t", amount=10_00, due_date=day, clock=clock)
    assert str(b.plan[-1].row.due_date) == day


def test_create_contract_never_commits_and_then_raises(db, clock):
    before = dump(db)
    with pytest.raises(DomainError) as info:
        api.create_contract(db, title="Far", milestones=[api.MilestoneIn("m", 10_00, "9999-12-31")], clock=clock)
    assert info.value.field == "milestone-1-due_date"  # which milestone of the plan (the form marks it)
    assert dump(db) == before
    b = api.create_contract(db, title="Edge", milestones=[api.MilestoneIn("m", 10_00, "2100-12-31")], clock=clock)
    assert b.milestones[0].due_date == date(2100, 12, 31)


def test_due_instant_never_overflows():
    for day in (date.max, date.min, date(9999, 12, 30), date(2100, 12, 31)):
        assert due_instant(day).tzinfo is not None


def test_date_objects_are_held_to_the_window_too():
    with pytest.raises(DomainError):
        validate.due_date(date(9999, 12, 31))


@pytest.mark.parametrize(("template", "n", "percentages"), [
    ("custom", "", "1e9999999"), ("custom", "", "1e9999999, -1e9999999"), ("custom", "", "NaN"),
    ("custom", "", "9" * 5000), ("custom", "", "50, 50e0"), ("custom", "", "0x10"), ("custom", "", ","),
    ("custom", "", "33.333333333333333333333333333333, 66.666666666666666666666666666667"),
    ("equal", "9" * 5000, ""), ("equal", "-3", ""), ("equal", "0", ""), ("equal", "101", ""), ("equal", "1e2", ""),
    ("nonsense", "", ""), ("custom", "", "\x00"), ("custom", "", "½, ½"),
])
def test_the_split_preview_refuses_any_text_cleanly(template, n, percentages):
    with pytest.raises(DomainError) as info:
        split_typed("4000", "USD", template, n=n, percentages=percentages)
    assert info.value.field in ("n", "percentages", "template", "total")


def test_the_split_reads_what_people_type():
    assert split_typed("4,000.00", "USD", "custom", percentages="30, 30, 40%") == [120000, 120000, 160000]
    assert split_typed("100", "USD", "custom", percentages="33.5; 66.5") == [3350, 6650]
    assert split_typed("90", "USD", "equal", n="3") == [3000, 3000, 3000]
    assert split_typed("100", "USD", "25/50/25") == [2500, 5000, 2500]


@settings(max_examples=300, deadline=None)
@given(total=st.text(max_size=40), n=st.text(max_size=8), percentages=st.text(max_size=60),
       template=st.sampled_from(["25/50/25", "thirds", "equal", "custom", "x"]))
@example(total="0", n="0\x1f", percentages="", template="equal")  # found under load: int() raised
@example(total="100", n="²", percentages="", template="equal")
def test_any_text_in_the_new_contract_form_is_split_or_refused(total, n, percentages, template):
    try:
        parts = split_typed(total, "USD", template, n=n, percentages=percentages)
    except DomainError:
        return
    assert parts and all(p > 0 for p in parts) and sum(parts) == parse_amount(total, "USD")


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(alphabet="0123456789,.-+ _$€e", max_size=60),
                 st.from_regex(r"[0-9]{20,400}(\.[0-9]{0,400})?", fullmatch=True)))
def test_any_text_is_an_amount_or_refused(text):
    try:
        minor = parse_amount(text, "USD")
    except DomainError:
        return
    assert isinstance(minor, int) and abs(minor) <= 10**15


def test_cairn_check_names_far_dates_an_older_cairn_kept(db, clock, contract):
    import sqlite3

    from cairn.storage.queries import check

    conn = sqlite3.connect(db.path)
    conn.execute("update milestone set due_date = '9999-12-31' where id = ?", (contract.milestones[0].id,))
    conn.commit()
    conn.close()
    problems = check.problems(db)
    assert any("is due 9999-12-31, outside the dates Cairn keeps" in p for p in problems), problems
    api.board(db, contract.id, clock)  # and the board still loads (due_instant never overflows)
