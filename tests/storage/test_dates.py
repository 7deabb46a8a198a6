"""Due dates end at the end of their day in the local zone, by the zone's real rules."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import pytest

from cairn.storage.dates import countdown, due_instant


@pytest.fixture
def zone():
    old = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_summer_and_winter_dates_end_at_their_own_local_midnight(zone):
    zone("Europe/Berlin")
    # Checked in winter or in summer, a date ends at that date's midnight: CEST in July, CET in December.
    assert due_instant(date(2026, 7, 1)) == datetime(2026, 7, 1, 22, 0, tzinfo=UTC)
    assert due_instant(date(2026, 12, 6)) == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    zone("America/New_York")
    assert due_instant(date(2026, 7, 1)) == datetime(2026, 7, 2, 4, 0, tzinfo=UTC)
    assert due_instant(date(2026, 12, 6)) == datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def test_countdown_to_the_end_of_the_day():
    now = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    os.environ.setdefault("TZ", "UTC")
    at = datetime(2026, 12, 6, 0, 0, tzinfo=UTC)  # 2026-12-05 ends then, in UTC
    assert countdown(at, now) == "in 14d 0h"
    assert countdown(None, now) == ""
    assert countdown(now, now) == "in 0m"
