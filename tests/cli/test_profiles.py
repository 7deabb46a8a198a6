"""``cairn profiles`` (P9) and ``cairn report --net``: profiles managed from the command line."""

from __future__ import annotations

import json

from .conftest import run


def test_profiles_list_shows_the_builtin_platforms(demo_db):
    result = run("profiles", "--db", demo_db)  # list is the default
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["Profile", "Review", "Hold"]
    assert lines[1].split() == ["Marketplace", "*", "14", "5", "7", "14", "5.00", "10%", "8"]
    assert "Escrow service *" in result.output and "3 (1-30 per contract)" in result.output
    doc = json.loads(run("profiles", "list", "--db", demo_db, "--json").output)
    assert [p["name"] for p in doc] == ["Marketplace", "Direct client", "Gig marketplace (Fiverr-like)",
                                        "Bid marketplace (Freelancer.com-like)", "Escrow service"]
    direct = doc[1]
    assert (direct["review_days"], direct["hold_days"], direct["fee_rule"], direct["fee"]) == (None, 0, "none",
                                                                                                "no fee")


def test_add_edit_and_move(demo_db):
    r = run("profiles", "add", "Agency portal", "--db", demo_db, "--review", "none", "--hold", "2",
            "--minimum", "10", "--fee", "20% up to 500.00; 10% up to 10,000.00; 5% above")
    assert r.exit_code == 0, r.output
    doc = {p["name"]: p for p in json.loads(run("profiles", "list", "--db", demo_db, "--json").output)}
    p = doc["Agency portal"]
    assert (p["review_days"], p["hold_days"], p["minimum_minor"], p["fee_rule"]) == (
        None, 2, 1000, "20% to 500.00; 10% to 10000.00; 5%")
    r = run("profiles", "edit", "Agency portal", "--db", demo_db, "--hold", "3", "--name", "Agency")
    assert r.exit_code == 0 and "contracts created from now on" in r.output
    r = run("profiles", "move", "1", "Agency", "--db", demo_db)
    assert r.exit_code == 0, r.output
    assert "Contract #1 is on 'Agency': review none, hold 3 days, fee 20% up to 500.00" in r.output
    assert "revision cap none." in r.output
    r = run("profiles", "move", "1", "--revision-cap", "4", "--db", demo_db)
    assert r.exit_code == 0 and "revision cap 4." in r.output, r.output
    r = run("profiles", "move", "1", "--revision-cap", "none", "--db", demo_db)
    assert r.exit_code == 0 and "revision cap none." in r.output, r.output
    r = run("report", "--net", "--per-contract", "--db", demo_db)
    row = next(line for line in r.output.splitlines() if line.startswith("Brand refresh"))
    # 1,200.00 paid to a client billed nothing before: 500.00 at 20% and 700.00 at 10%.
    assert row.split()[-5:] == ["$1,200.00", "$170.00", "$1,030.00", "$0.00", "$1,030.00"]


def test_refusals_are_one_line_naming_the_rule(demo_db):
    for args, says in (
        (("add", "Marketplace"), "P9: there is already a profile named 'Marketplace'"),
        (("add", "X", "--fee", "lots"), "P9: 'lots' is not a fee tier"),
        (("add", "X", "--hold", "two"), "hold days is a whole number of days, not 'two'"),
        (("edit", "Direct client", "--name", "D"), "is built in and keeps its name"),
        (("edit", "Nope", "--hold", "1"), "there is no platform profile 'Nope'"),
        (("edit", "Marketplace"), "give at least one number to change"),
        (("move", "1", "Escrow service", "--review", "45"), "chosen from 1 to 30 days"),
        (("move", "999", "Marketplace"), "Contract 999 does not exist"),
        (("move", "1", "--revision-cap", "100"), "M10: the revision cap is a whole number of rounds from 1 to 99"),
    ):
        r = run("profiles", *args, "--db", demo_db)
        assert r.exit_code != 0 and says in r.output, (args, r.output)
        assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_report_net_as_json(demo_db):
    doc = json.loads(run("report", "--net", "--json", "--db", demo_db).output)
    usd = next(c for c in doc["currencies"] if c["currency"] == "USD")
    assert usd["gross_minor"] == usd["pending_minor"] + usd["available_minor"]
    assert usd["fee_minor"] + usd["net_minor"] == usd["gross_minor"]
    assert usd["net_pending_minor"] + usd["net_available_minor"] == usd["net_minor"]
    assert (usd["gross"], usd["fee"], usd["net"]) == ("5400.00", "495.00", "4905.00")
    plain = json.loads(run("report", "--json", "--db", demo_db).output)
    assert "fee_minor" not in plain["currencies"][0]


def test_list_json_gives_each_contracts_fee_and_net(demo_db):
    doc = {c["title"]: c for c in json.loads(run("list", "--json", "--db", demo_db).output)}
    shop = doc["Shopify store migration"]  # the marketplace's 10% of 1,100.00
    assert (shop["paid_minor"], shop["fee_minor"], shop["net_minor"]) == (110000, 11000, 99000)
    news = doc["Newsletter templates"]  # a direct client: no fee
    assert (news["fee_minor"], news["net_minor"]) == (0, news["paid_minor"])
