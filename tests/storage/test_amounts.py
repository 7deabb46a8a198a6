"""Amounts typed by people are read unambiguously or refused (issue 10): a comma that can only
separate thousands is read; any other comma is refused with what Cairn would read and the form
to type; a locale with a decimal comma turns both roles round, consistently."""

from __future__ import annotations

import pytest

from cairn.storage import api, money
from cairn.storage.errors import DomainError
from cairn.storage.money import format_amount, numbers_for, parse_amount, typed_amount, use_numbers
from tests.conftest import dump, refused


@pytest.fixture
def german():
    use_numbers(numbers_for("de_DE.UTF-8"))
    yield
    use_numbers(None)


@pytest.mark.parametrize(("text", "minor"), [
    ("1,234.56", 123456), ("12,500", 1250000), ("1,234", 123400), ("1,234,567.5", 123456750),
    ("1.5", 150), (".5", 50), ("5.", 500), ("250", 25000), ("$5", 500), ("USD 7", 700), ("7 USD", 700),
    ("7$", 700), (" 12.3 ", 1230), ("1_000", 100000), ("-1,234.50", -123450), ("+3", 300),
    ("1 234.56", 123456), ("1'234", 123400), ("1\u202f234", 123400),
])
def test_point_form_and_thousands_commas_are_read(text, minor):
    assert parse_amount(text, "USD") == minor


@pytest.mark.parametrize(("text", "reads", "meant"), [
    ("1,5", "$15.00", "1.50"),
    ("12,50", "$1,250.00", "12.50"),
    ("1.000,00", "$1.00", "1000.00"),
    ("1,,,0", "$10.00", None),
    ("1,23", "$123.00", "1.23"),
    ("12,5000", "$125,000.00", "12.50"),
    ("1,234,5", "$12,345.00", None),
    ("1,2345.67", "$12,345.67", None),
    (",5", "$5.00", "0.50"),
])
def test_any_other_comma_is_refused_with_what_cairn_would_read(text, reads, meant):
    with pytest.raises(DomainError) as info:
        parse_amount(text, "USD", rule="P1", field="amount")
    e = info.value
    assert e.rule == "P1" and e.field == "amount"
    assert repr(text) in e.message and reads in e.message, e.message
    assert "decimal point" in e.message and "would read as" in e.message
    if meant:
        assert f"type {meant}" in e.message, e.message


@pytest.mark.parametrize("text", ["1.2.3", "0,500", "1,2 34", "١٢٣", "1e3", "0x10", "½", "--5", "5-",
                                  "€5", "5 EUR", "$", "USD", "1,", ",", "."])
def test_other_shapes_are_refused(text):
    with pytest.raises(DomainError):
        parse_amount(text, "USD")


def test_a_symbol_of_another_currency_is_refused_by_name():
    with pytest.raises(DomainError) as info:
        parse_amount("€5", "USD")
    assert "USD" in info.value.message and "€" in info.value.message


@pytest.mark.parametrize(("text", "minor"), [("1,5", 150), ("12,50", 1250), ("1.000,00", 100000),
                                             ("1.234,56", 123456), ("12.500", 1250000), ("1 234,5", 123450),
                                             ("1\u202f234,5", 123450), ("1\xa0234", 123400), ("0,5", 50),
                                             ("5 €", 500), ("€ 1.500", 150000)])
def test_a_decimal_comma_locale_reads_its_own_form(german, text, minor):
    assert parse_amount(text, "EUR") == minor


@pytest.mark.parametrize(("text", "reads", "meant"), [("1.5", "15,00 €", "1,50"), ("1,234.56", None, "1234,56"),
                                                      ("12.50", "1.250,00 €", "12,50")])
def test_a_decimal_comma_locale_refuses_the_point_form_consistently(german, text, reads, meant):
    with pytest.raises(DomainError) as info:
        parse_amount(text, "EUR")
    assert "de_DE" in info.value.message and "decimal comma" in info.value.message
    if reads:
        assert reads in info.value.message, info.value.message
    assert f"type {meant}" in info.value.message, info.value.message


def test_a_decimal_comma_locale_shows_and_prefills_its_own_form(german):
    assert format_amount(123456, "EUR") == "1.234,56 €"
    assert format_amount(-5, "USD") == "-0,05 $"
    assert typed_amount(123456, "EUR") == "1234,56"
    assert parse_amount(typed_amount(123456, "EUR"), "EUR") == 123456
    assert money.plain_amount(123456, "EUR") == "1234.56", "machine formats (CSV) never follow the locale"


def test_the_point_form_prefills_what_it_reads():
    for minor, cur in ((123456, "USD"), (5, "USD"), (7, "JPY"), (1234, "KWD")):
        assert parse_amount(typed_amount(minor, cur), cur) == minor
    assert format_amount(123456, "USD") == "$1,234.56"


def test_indian_grouping_follows_the_locale():
    use_numbers(numbers_for("en_IN.UTF-8"))
    try:
        assert parse_amount("1,00,000.50", "INR") == 10000050
        assert format_amount(10000050, "INR") == "₹1,00,000.50"
        with pytest.raises(DomainError):
            parse_amount("100,000", "INR")
    finally:
        use_numbers(None)


@pytest.mark.parametrize(("env", "decimal"), [
    ({"LANG": "de_DE.UTF-8"}, ","), ({"LANG": "en_US.UTF-8"}, "."), ({"LANG": "C.UTF-8"}, "."), ({}, "."),
    ({"LANG": "de_DE.UTF-8", "LC_NUMERIC": "en_GB.UTF-8"}, "."),
    ({"LANG": "en_US.UTF-8", "LC_NUMERIC": "fr_FR.UTF-8"}, ","),
    ({"LC_ALL": "C", "LC_NUMERIC": "de_DE.UTF-8"}, "."),
    ({"LANG": "xx_YY.UTF-8"}, "."), ({"LANG": "../../etc"}, "."), ({"LANG": "de_DE@euro"}, ","),
])
def test_the_locale_comes_from_the_environment_like_any_program(monkeypatch, env, decimal):
    for var in ("LC_ALL", "LC_NUMERIC", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert money.numbers_from_environment().decimal == decimal


@pytest.mark.parametrize("name", money.POINT_LOCALES)
def test_the_fast_path_agrees_with_the_locale_data(name):
    assert numbers_for(name, fast=False) == numbers_for(name)


def test_a_comma_in_the_release_dialog_never_records_ten_times_the_money(db, clock, contract):
    api.fund_next_milestone(db, contract.id, actor="client", clock=clock)
    before = dump(db)
    e = refused(db, "P1", api.release_payment, contract.id, amount="1,5", clock=clock)
    assert e.field == "amount" and "1.50" in e.message
    assert dump(db) == before
    for op, kw, rule in ((api.give_bonus, {"amount": "12,50"}, "P7"),
                         (api.draft_add, {"side": "client", "title": "t", "amount": "1.000,00"}, "M1")):
        refused(db, rule, op, contract.id, **kw, clock=clock)
    b = api.release_payment(db, contract.id, amount="100.00", clock=clock)
    assert b.money.paid == 100_00
