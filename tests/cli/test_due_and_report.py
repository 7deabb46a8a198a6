"""``cairn due`` (G3) and ``cairn report`` (P8) print what they should, as of a frozen clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from cairn.cli import countdown, parse_duration

from .conftest import run

_UTC = re.compile(r"\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z)\)")


def test_p8_report_per_currency(demo_db):
    result = run("report", "--db", demo_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Earnings as the freelancer, as of")  # rule ids belong in refusals and help
    assert lines[1].split() == ["Work", "in", "progress", "In", "review", "Pending", "Available"]
    assert lines[2].split() == ["EUR", "€3,900.00", "€0.00", "€0.00", "€900.00"]
    assert lines[3].split() == ["USD", "$2,000.00", "$2,400.00", "$1,350.00", "$4,050.00"]
    # Money the user pays out as the client is its own line, never earnings.
    assert lines[5] == "You pay as the client (not earnings)"
    assert lines[6].split() == ["In", "escrow", "Released", "Bonuses", "Refunded", "to", "you"]
    assert lines[7].split() == ["USD", "$2,400.00", "$600.00", "$0.00", "$0.00"]
    assert len(lines) == 8


def test_p8_report_per_contract(demo_db):
    result = run("report", "--db", demo_db, "--per-contract")
    assert result.exit_code == 0, result.output
    rows = {line.split(" (#")[0]: line.split(")", 1)[1].split() for line in result.output.splitlines()
            if " (#" in line}
    assert rows["Shopify store migration"] == ["USD", "$2,000.00", "$0.00", "$1,100.00", "$0.00"]
    assert rows["Brand refresh"] == ["USD", "$0.00", "$2,400.00", "$0.00", "$1,200.00"]
    assert rows["Conference website"] == ["USD", "$0.00", "$0.00", "$250.00", "$2,400.00"]
    assert "Children's book illustrations" not in rows  # the user is the client there: not earnings


def test_p8_report_later_shows_the_m11_release_and_p5_availability(demo_db):
    # Three weeks on, the submission was released automatically (M11) and everything is available (P5).
    result = run("report", "--db", demo_db, now="2026-03-31T12:00:00Z")
    usd = next(line for line in result.output.splitlines() if line.startswith("USD")).split()
    assert usd == ["USD", "$2,000.00", "$0.00", "$0.00", "$7,800.00"]


def test_g3_due_lists_every_kind_soonest_first_with_utc_instants(demo_db):
    result = run("due", "--db", demo_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    instants = [_UTC.search(line).group(1) for line in lines if _UTC.search(line)]
    assert instants == sorted(instants)
    text = result.output
    assert not re.search(r"\([CGMPR]\d+\)", text)  # rule ids belong in refusals and help, not labels
    assert "Brand refresh: \"Logo concepts\" released automatically" in text
    m11 = next(line for line in lines if "released automatically" in line and "Logo concepts" in line)
    assert "2026-03-12T12:00Z" in m11 and "in 2d 0h" in m11
    assert "payment becomes available" in text
    assert "answer the €500.00 refund request, or it is accepted" in text
    assert "feedback window closes" in text
    assert "overdue" in text and "\"Theme customisation\" due" in text
    # Due dates are calendar dates: the date itself, never the next day's 00:00.
    due = [line for line in lines if "\" due" in line]
    assert due and all(re.match(r"\d{4}-\d{2}-\d{2} end of day ", line) for line in due)
    assert "00:00" not in "".join(due)
    # Where the user is the client, deadlines say what the user does; the freelancer's money is not theirs.
    assert "Children's book illustrations: you review \"Six spread illustrations\" by then" in text
    assert not any("Children's book" in line and "becomes available" in line for line in lines)


def test_g3_due_within_limits_the_horizon(demo_db):
    result = run("due", "--db", demo_db, "--within", "7d")
    assert result.exit_code == 0
    assert "Packaging mockups" not in result.output  # due in 30 days
    assert "released automatically" in result.output
    assert all(line[:10] <= "2026-03-17" for line in result.output.splitlines())
    wide = run("due", "--db", demo_db, "--within", "5w")
    assert "Packaging mockups" in wide.output


def test_g3_due_with_nothing_ahead(tmp_path):
    from cairn.storage.db import Database

    path = tmp_path / "empty.db"
    Database.open(path).close()
    result = run("due", "--db", path, "--within", "1h")
    assert result.exit_code == 0
    assert result.output == "No deadlines in the next 1 hour.\n"


@pytest.mark.parametrize("text, expected", [("12h", timedelta(hours=12)), ("7d", timedelta(days=7)),
                                            ("2w", timedelta(weeks=2)), (" 3D ", timedelta(days=3))])
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "-1d", "1.5d", "7days", "3x"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_due_bad_within_is_one_line(demo_db):
    result = run("due", "--db", demo_db, "--within", "soon")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "12h, 7d or 2w" in result.output


def test_countdown():
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert countdown(now + timedelta(days=2, hours=3), now) == "in 2d 3h"
    assert countdown(now + timedelta(days=13, hours=23, minutes=59), now) == "in 13d 23h"
    assert countdown(now + timedelta(minutes=35), now) == "in 35m"
    assert countdown(now - timedelta(days=3), now) == "overdue 3d 0h"


def test_the_dashboard_and_the_cli_share_one_countdown():
    from cairn.storage.dates import countdown as storage_countdown
    from cairn.tui.format import countdown as tui_countdown

    assert countdown is storage_countdown is tui_countdown


_ORM_LOADED = """
import sys
from cairn.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="cairn")
except SystemExit:
    pass
print("ORM" if {"sqlalchemy", "sqlmodel", "pydantic"} & set(sys.modules) else "no ORM", file=sys.stderr)
"""


@pytest.mark.parametrize("command", ["due", "report"])
def test_the_orm_is_imported_only_when_a_timer_is_due(demo_db, command):
    import subprocess
    import sys

    def loads_orm(now: str) -> bool:
        done = subprocess.run([sys.executable, "-c", _ORM_LOADED, "--now", now, command, "--db", str(demo_db)],
                              capture_output=True, text=True, check=True)
        return done.stderr.strip().splitlines()[-1] == "ORM"

    assert not loads_orm("2026-03-10T12:00:00Z")  # nothing due: plain sqlite3 only
    assert loads_orm("2026-03-31T12:00:00Z")  # the M11 release and P5 availability are applied
    assert not loads_orm("2026-03-31T12:00:00Z")  # ... once: now nothing is due
