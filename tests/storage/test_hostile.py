"""Hostile input: refused with a clear message naming the rule, or stored and read back exactly."""

from __future__ import annotations

import pytest

from cairn.storage import api
from cairn.storage.money import parse_amount
from tests.conftest import refused

STORED_EXACTLY = [
    "[bold]Design[/bold]",
    "[link=https://x]click[/link]",
    "[red]x[/]",
    "Logo 🚀 design ✓ émigré 中文",
    "\u202eevil",  # bidi override: printable, the screen decides how to show it
    "x" * 200,
]
REFUSED_TITLES = [
    "\x1b[31mred\x1b[0m",
    "bell\x07",
    "nul\x00byte",
    "line\nbreak",
    "\x9bcsi",
    "x" * 10_000,
    "",
    "   ",
    "\ud800lone surrogate",
]


@pytest.mark.parametrize("title", STORED_EXACTLY)
def test_titles_with_markup_and_emoji_are_stored_exactly(db, clock, title):
    b = api.create_contract(db, title=title, client_name=title[:200], milestones=[api.MilestoneIn(title, 10_00)],
                            clock=clock)
    assert b.contract.title == title and b.contract.client_name == title[:200]
    assert b.milestones[0].title == title
    assert api.contract_summaries(db, clock)[0].title == title


@pytest.mark.parametrize("title", REFUSED_TITLES)
def test_hostile_milestone_titles_are_refused_with_the_rule(db, clock, contract, title):
    e = refused(db, "M1", api.draft_add, contract.id, side="client", title=title, amount=10_00, clock=clock)
    assert e.field == "title" and e.message


@pytest.mark.parametrize("title", REFUSED_TITLES)
def test_hostile_contract_titles_are_refused_with_the_rule(db, clock, title):
    e = refused(db, "C2", api.create_contract, title=title, clock=clock)
    assert e.field == "title"


def test_messages_keep_newlines_and_tabs_but_refuse_escapes(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    refused(db, "M9", api.submit_work, contract.id, message="done \x1b]8;;https://x\x1b\\", clock=clock)
    refused(db, "M9", api.submit_work, contract.id, message="x" * 5001, clock=clock)
    msg = "Line one\n\tLine two [bold]not bold[/bold] 🎉"
    b = api.submit_work(db, contract.id, message=msg, clock=clock)
    assert b.milestones[0].submission_message == msg


def test_windows_line_endings_in_descriptions_are_kept_as_newlines(db, clock, contract):
    b = api.draft_add(db, contract.id, side="client", title="t", amount=10_00, description="a\r\nb", clock=clock)
    assert b.plan[-1].row.description == "a\nb"


@pytest.mark.parametrize("amount", ["-5", "0", "0.00", "4.99", "1.001", "NaN", "nan", "inf", "-inf", "Infinity",
                                    "1e3", "1E-2", "abc", "", "  ", "12..5", "1,2,3.4.5", "10" * 20,
                                    "99999999999999999999", -1, 0, 499, 10**16, True, "0x10", "½"])
def test_hostile_amounts_are_refused_under_m1(db, clock, contract, amount):
    e = refused(db, "M1", api.draft_add, contract.id, side="client", title="t", amount=amount, clock=clock)
    assert e.field == "amount" and e.message


@pytest.mark.parametrize("amount", ["1.5", "0.5", "-1", "1e3", "NaN"])
def test_jpy_amounts_finer_than_a_yen_are_refused(db, clock, amount):
    refused(db, "M1", api.create_contract, title="x", currency="JPY", profile="Direct client",
            milestones=[api.MilestoneIn("a", amount)], clock=clock)


@pytest.mark.parametrize(("text", "minor"), [("1,250.50", 125050), ("$5", 500), ("5.00 EUR", None),
                                             ("USD 7", 700), (" 12.3 ", 1230), ("1_000", 100000)])
def test_parse_amount_reads_what_people_type(text, minor):
    if minor is None:
        with pytest.raises(api.DomainError):
            parse_amount(text, "USD")
    else:
        assert parse_amount(text, "USD") == minor


def test_huge_amounts_are_refused_not_overflowed(db, clock, contract):
    refused(db, "M1", api.draft_add, contract.id, side="client", title="t", amount="1" + "0" * 30, clock=clock)
    refused(db, "P7", api.give_bonus, contract.id, amount=2**63, clock=clock)
    b = api.draft_add(db, contract.id, side="client", title="t", amount="9999999999999.99", clock=clock)
    assert b.plan[-1].row.amount_minor == 999999999999999


@pytest.mark.parametrize("day", ["2026-02-30", "31/12/2026", "2026-13-01", "2026-1-1", "12/31/2026", "tomorrow",
                                 "2026-02-29", "0000-01-01", "2026-12-31T10:00", "\x1b[0m"])
def test_impossible_dates_are_refused(db, clock, contract, day):
    e = refused(db, "M1", api.draft_add, contract.id, side="client", title="t", amount=10_00, due_date=day,
                clock=clock)
    assert e.field == "due_date" and "YYYY-MM-DD" in e.message


def test_leap_day_is_a_date(db, clock, contract):
    b = api.draft_add(db, contract.id, side="client", title="t", amount=10_00, due_date="2028-02-29", clock=clock)
    assert str(b.plan[-1].row.due_date) == "2028-02-29"


def test_unknown_keys_and_ids_are_refused_not_crashing(db, clock, contract):
    for key in ("m999", "n999", "", "x", "m", "m-1", "mabc"):
        refused(db, "R1", api.draft_edit, contract.id, side="client", key=key, title="t", clock=clock)
    for op in (api.fund_next_milestone, api.submit_work, api.release_payment):
        with pytest.raises(api.NotFound):
            op(db, 999, clock=clock)
