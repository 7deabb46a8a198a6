"""R5: "when it happened", as people type it, read in the local time zone and stored as UTC."""

from __future__ import annotations

import pendulum
import pytest

from cairn.storage.errors import DomainError
from cairn.storage.when import Moment, describe, parse

NY = pendulum.timezone("America/New_York")
BERLIN = pendulum.timezone("Europe/Berlin")
# Friday 2026-11-20, 10:00 in New York.
NOW = pendulum.datetime(2026, 11, 20, 15, 0, tz="UTC")


def utc(*args) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


@pytest.mark.parametrize(("text", "expected", "day_only"), [
    ("2026-11-20", utc(2026, 11, 20, 5), True),  # local midnight, EST
    ("2026-11-20 14:30", utc(2026, 11, 20, 19, 30), False),
    ("2026-11-20T14:30", utc(2026, 11, 20, 19, 30), False),
    ("2026-11-20 14:30:15", utc(2026, 11, 20, 19, 30, 15), False),
    ("yesterday", utc(2026, 11, 19, 5), True),
    ("Yesterday 17:00", utc(2026, 11, 19, 22), False),
    ("3d ago", utc(2026, 11, 17, 15), False),
    ("3 days ago", utc(2026, 11, 17, 15), False),
    ("2h ago", utc(2026, 11, 20, 13), False),
    ("1w ago", utc(2026, 11, 13, 15), False),
    ("today 9:15", utc(2026, 11, 20, 14, 15), False),
    ("today at 9:15", utc(2026, 11, 20, 14, 15), False),
    ("today", utc(2026, 11, 20, 5), True),
    ("tomorrow 9:00", utc(2026, 11, 21, 14), False),  # read, so that the operation can say "in the future"
    ("9:15am", utc(2026, 11, 20, 14, 15), False),
    ("  now ", NOW, False),
    ("", NOW, False),
    ("2026-11-20 14:30 UTC", utc(2026, 11, 20, 14, 30), False),
    ("2026-11-20T14:30:00Z", utc(2026, 11, 20, 14, 30), False),
])
def test_accepted_forms_in_local_time(text, expected, day_only):
    assert parse(text, now=NOW, tz=NY) == Moment(expected, day_only)


def test_relative_days_keep_the_wall_clock_across_a_dst_change():
    # 3 days before Tuesday 2026-11-03 10:00 EST is Saturday 10:00 EDT: 3 calendar days, 71 hours.
    now = pendulum.datetime(2026, 11, 3, 15, 0, tz="UTC")
    at = parse("3d ago", now=now, tz=NY).at
    assert at == utc(2026, 10, 31, 14)
    assert at.in_timezone(NY).hour == 10


def test_a_day_in_summer_time_starts_at_its_own_offset():
    assert parse("2026-07-01", now=NOW, tz=BERLIN).at == utc(2026, 6, 30, 22)
    assert parse("2026-01-01", now=NOW, tz=BERLIN).at == utc(2025, 12, 31, 23)


def test_day_end_of_a_23_hour_day():
    # Berlin springs forward on 2026-03-29: the day is 23 hours long.
    m = parse("2026-03-29", now=NOW, tz=BERLIN)
    pendulum.set_local_timezone(BERLIN)
    try:
        assert (m.day_end - m.at).in_hours() == 23
    finally:
        pendulum.set_local_timezone()


def refusal(text: str, tz=NY) -> str:
    with pytest.raises(DomainError) as info:
        parse(text, now=NOW, tz=tz)
    assert info.value.rule == "R5" and info.value.field == "at"
    return info.value.message


def test_a_date_that_does_not_exist():
    msg = refusal("2026-02-30")
    assert "February 2026 has 28 days" in msg
    assert "29 days" in refusal("2028-02-30")  # a leap year
    assert "no month 13" in refusal("2026-13-01")


def test_a_time_skipped_by_the_spring_forward_is_refused_with_one_that_exists():
    msg = refusal("2026-03-08 02:30")
    assert "does not exist in America/New_York" in msg and "2026-03-08 03:30" in msg


def test_a_time_repeated_by_the_fall_back_is_ambiguous_until_the_offset_says_which():
    msg = refusal("2026-11-01 01:30")
    assert "happens twice" in msg and "-04:00" in msg and "-05:00" in msg
    assert parse("2026-11-01 01:30 -04:00", now=NOW, tz=NY).at == utc(2026, 11, 1, 5, 30)
    assert parse("2026-11-01 01:30 -05:00", now=NOW, tz=NY).at == utc(2026, 11, 1, 6, 30)


@pytest.mark.parametrize("text", ["tomorrowish", "3 parsecs ago", "25:00", "9", "2026-11-20 noonish",
                                  "13pm", "2026/11/20", "12:61"])
def test_unreadable_text_says_what_is_accepted(text):
    msg = refusal(text)
    assert f"“{text}”" in msg  # what was typed, then what is accepted instead
    assert "such as 2026-11-20 14:30" in msg and "3d ago" in msg


def test_describe_is_local():
    assert describe(utc(2026, 11, 20, 19, 30), NY) == "2026-11-20 14:30"
