"""``cairn forecast`` and ``cairn clients``: text and --json, as of a frozen clock."""

from __future__ import annotations

import json
import sqlite3

from .conftest import run


def test_forecast_text_has_each_currency_week_by_week_and_the_work_at_risk(demo_db):
    result = run("forecast", "--db", demo_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Forecast as the freelancer, as of 2026-03-10") and "gross" in lines[0]
    usd = lines.index("USD, week of            Certain   Expected    Planned       Total")
    assert lines[usd + 1].split() == ["Tue", "2026-03-10", "(now)", "$1,350.00", "$2,400.00", "$2,380.00",
                                      "$6,130.00"]
    assert lines[usd + 2].startswith("Mon 2026-03-16")
    assert lines[usd + 9].split() == ["All", "$1,350.00", "$2,400.00", "$7,580.00", "$11,330.00"]
    assert "Work at risk (not yet protected)" in lines
    assert lines[-1].split() == ["Total", "USD", "$380.00", "$2,400.00", "$0.00", "$2,780.00"]
    assert all(len(line) <= 80 for line in lines)


def test_forecast_json_is_exact_and_traceable(demo_db):
    result = run("forecast", "--db", demo_db, "--json", "--weeks", "4")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    usd = next(c for c in doc["currencies"] if c["currency"] == "USD")
    assert len(usd["weeks"]) == 4
    first = usd["weeks"][0]
    assert (first["certain_minor"], first["expected_minor"], first["planned_minor"]) == (135000, 240000, 238000)
    assert first["from"] == "2026-03-10T12:00:00Z" and first["start"] == "2026-03-10"
    in_weeks = sum(w["total_minor"] for w in usd["weeks"])
    rest = sum(usd["later"][f"{s}_minor"] + usd["undated"][f"{s}_minor"] for s in ("certain", "expected", "planned"))
    assert sum(i["amount_minor"] for i in usd["items"]) == in_weeks + rest
    assert {t["currency"]: t["total_minor"] for t in doc["at_risk"]["totals"]} == {"EUR": 150000, "USD": 278000}


def test_forecast_refuses_a_bad_week_count(demo_db):
    result = run("forecast", "--db", demo_db, "--weeks", "0")
    assert result.exit_code == 2 and "--weeks" in result.output


def test_forecast_of_an_empty_database_says_so(tmp_path):
    path = tmp_path / "empty.db"
    from cairn.storage.db import Database

    Database.open(path).close()
    result = run("forecast", "--db", path)
    assert result.exit_code == 0, result.output
    assert "No money ahead" in result.output and "Work at risk: none" in result.output


def test_clients_text_and_json(demo_db):
    result = run("clients", "--db", demo_db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["Client", "Contracts", "Paid"]
    assert lines[1].split()[:7] == ["Juniper", "Coffee", "Roasters", "2", "(2", "open)", "$1,200.00"]
    doc = json.loads(run("clients", "--db", demo_db, "--json").output)
    juniper = doc["clients"][0]
    assert juniper["client"] == "Juniper Coffee Roasters" and juniper["contracts"] == 2
    assert juniper["paid"] == [{"currency": "USD", "amount": "1200.00", "amount_minor": 120000}]
    assert juniper["median_review_days"] == 2.0 and juniper["revisions_requested"] == 1


def test_client_names_are_printed_as_data(tmp_path):
    path = tmp_path / "x.db"
    from cairn.storage import api
    from cairn.storage.clock import FixedClock
    from cairn.storage.db import Database

    db = Database.open(path)
    api.create_contract(db, title="T", client_name="Evil Co", clock=FixedClock("2026-03-01T00:00:00Z"),
                        milestones=[api.MilestoneIn(title="A", amount=100_00)])
    db.close()
    with sqlite3.connect(path) as conn:  # as an older Cairn, which took control characters, kept it
        conn.execute("update contract set client_name = 'Evil\x1b]0;pwned\x07 Co'")
    conn.close()
    result = run("clients", "--db", path)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
