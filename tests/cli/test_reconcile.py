"""``cairn reconcile FILE``: prints what matches and what differs, changes nothing, refuses in one line."""

from __future__ import annotations

import json

from tests.storage.test_reconcile import new_csv, old_csv

from .conftest import run


def test_reconcile_the_demo_against_a_file_in_each_layout(demo_db, tmp_path):
    doc = json.loads(run("list", "--db", demo_db, "--json", "--all").output)
    conference = next(c for c in doc if c["title"] == "Conference website")
    assert conference["paid_minor"] > 0
    new = tmp_path / "new.csv"
    new.write_bytes(new_csv([("2026-03-09", "Bonus", "Bonus for Conference website", "$250.00"),
                             ("2026-03-09", "Withdrawal", "to bank", "-$10.00")]))
    before = demo_db.read_bytes()
    result = run("reconcile", str(new), "--db", demo_db, "--days", "30")
    assert demo_db.read_bytes() == before
    lines = result.output.splitlines()
    assert lines[0].startswith("Transaction history (new layout): 2 rows")
    assert "Matched: 1" in lines and "Nothing was changed." in lines[0]
    assert result.exit_code == 1  # the demo's other movements are only in Cairn
    old = tmp_path / "old.csv"
    old.write_bytes(old_csv([("03/09/2026", "Bonus", "Conference website bonus", "250.00")]))
    doc = json.loads(run("reconcile", str(old), "--db", demo_db, "--json", "--days", "30").output)
    assert doc["layout"] == "old" and doc["matched"][0]["file"]["amount_minor"] == 25000
    assert doc["matched"][0]["cairn"]["contract"] == "Conference website"


def test_reconcile_refusals_are_one_line(demo_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Date,Foo\n")
    result = run("reconcile", str(bad), "--db", demo_db)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"cairn: {bad}: line 1, column 1: unknown header 'Date,Foo'; "
                                                  "Cairn reads the marketplace's transaction history (Date, "
                                                  "Transaction ID, Transaction Type, ... or Date, Ref ID, Type, "
                                                  "Description, ...)."]
    assert run("reconcile", str(tmp_path), "--db", demo_db).exit_code != 0
    missing = run("reconcile", str(tmp_path / "nope.csv"), "--db", demo_db)
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_a_fee_the_contracts_rule_does_not_give_is_printed_as_a_fee_mismatch(demo_db, tmp_path):
    new = tmp_path / "new.csv"
    new.write_bytes(new_csv([("2026-03-09", "Bonus", "Bonus for Conference website", "$250.00"),
                             ("2026-03-09", "Service Fee", "Service Fee for Conference website", "-$30.00")]))
    result = run("reconcile", str(new), "--db", demo_db, "--days", "30")
    lines = result.output.splitlines()
    assert "Fees (beside their payment, as Cairn derives them from the contract's fee rule): 0" in lines
    i = lines.index("Fee mismatches (the file's fee, the payment, and the fee the contract's rule gives): 1")
    assert "service fee" not in lines[i + 1] and "fee $30.00" in lines[i + 1]
    assert lines[i + 1].endswith("Cairn's fee $25.00") and "bonus $250.00 Conference website" in lines[i + 1]
    doc = json.loads(run("reconcile", str(new), "--db", demo_db, "--json", "--days", "30").output)
    [wrong] = doc["fee_mismatched"]
    assert (wrong["file"]["amount_minor"], wrong["cairn_fee_minor"], wrong["cairn"]["kind"]) == (3000, 2500, "bonus")
    assert doc["fees"] == [] and doc["clean"] is False
