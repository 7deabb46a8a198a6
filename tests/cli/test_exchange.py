"""``cairn export`` and ``cairn import``: identical JSON round trip; every problem listed; nothing written."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

from icalendar import Calendar

from cairn.storage.migrate import HEAD

from .conftest import run


def _export(path, tmp_path, name="out.json", fmt="json"):
    out = tmp_path / name
    result = run("export", "--db", path, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_export_import_export_gives_identical_json(demo_db, tmp_path):
    first = _export(demo_db, tmp_path, "first.json")
    copy = tmp_path / "copy.db"
    result = run("import", first, "--db", copy)
    assert result.exit_code == 0, result.output
    assert "Imported into" in result.output
    second = _export(copy, tmp_path, "second.json")
    assert first.read_bytes() == second.read_bytes()
    assert run("check", "--db", copy).exit_code == 0


def test_round_trip_with_synthetic_contracts(tmp_path):
    src, copy = tmp_path / "src.db", tmp_path / "copy.db"
    assert run("demo", "--db", src, "--contracts", "30").exit_code == 0
    first = _export(src, tmp_path, "a.json")
    assert run("import", first, "--db", copy).exit_code == 0
    assert _export(copy, tmp_path, "b.json").read_bytes() == first.read_bytes()


def test_json_export_is_versioned_and_complete(demo_db, tmp_path):
    doc = json.loads(_export(demo_db, tmp_path).read_text())
    assert doc["format"] == "cairn-export" and doc["format_version"] == 1 and doc["schema_revision"] == HEAD
    conn = sqlite3.connect(demo_db)
    for table, rows in doc["tables"].items():
        assert len(rows) == conn.execute(f"select count(*) from {table}").fetchone()[0], table
    assert set(doc["tables"]) == {r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
        "and name != 'alembic_version'")}


def test_export_file_is_owner_only(demo_db, tmp_path):
    assert _export(demo_db, tmp_path).stat().st_mode & 0o077 == 0


def test_export_to_stdout(demo_db):
    result = run("export", "--db", demo_db)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["format"] == "cairn-export"


def _broken(demo_db, tmp_path):
    doc = json.loads(_export(demo_db, tmp_path).read_text())
    t = doc["tables"]
    t["milestone"][0]["amount_minor"] = 12.5                    # money must be integer minor units
    t["milestone"][1]["state"] = "paused"                      # unknown state
    t["contract"][0]["currency"] = "XYZ"                       # not ISO 4217
    t["ledger_entry"][0]["kind"] = "gift"                      # unknown ledger kind
    t["ledger_entry"][1]["milestone_id"] = 9999                # dangling reference
    t["event"][0]["at"] = "yesterday"                          # not a UTC instant
    del t["plan_draft"][0]["side"]                             # missing field
    release = next(e for e in t["ledger_entry"][2:] if e["kind"] == "release")
    release["amount_minor"] += 1                               # breaks P4 (the milestone goes negative)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    return path, release


def test_import_refuses_a_broken_file_listing_every_problem_and_writes_nothing(demo_db, tmp_path):
    path, release = _broken(demo_db, tmp_path)
    target = tmp_path / "target.db"
    result = run("import", path, "--db", target)
    assert result.exit_code == 1
    err = result.stderr
    assert "import refused" in err and "nothing was written" in err
    for expected in ("milestone row 1 (id 1): amount_minor: must be a whole number, not 12.5",
                     "milestone row 2 (id 2): state: 'paused' is not one of",
                     "contract row 1 (id 1): currency: 'XYZ' is not an ISO 4217 currency",
                     "ledger_entry row 1 (id 1): kind: 'gift' is not one of",
                     "ledger_entry row 2 (id 2): milestone_id: 9999 points at no milestone",
                     "event row 1 (id 1): at: 'yesterday' is not a UTC instant",
                     "plan_draft row 1 (id 1): side: is missing",
                     f"P4: milestone {release['milestone_id']}"):
        assert expected in err, expected
    assert "Traceback" not in result.output
    assert not target.exists()  # the refused import left no file behind


def test_import_refusal_leaves_an_existing_empty_database_empty(demo_db, tmp_path):
    path, _ = _broken(demo_db, tmp_path)
    target = tmp_path / "empty.db"
    assert run("import", _export(demo_db, tmp_path, "ok.json"), "--db", tmp_path / "scratch.db").exit_code == 0
    sqlite3.connect(target).close()  # an empty file: a new database
    assert run("import", path, "--db", target).exit_code == 1
    assert sqlite3.connect(target).execute("select count(*) from contract").fetchone() == (0,)


def test_import_refuses_a_non_empty_database(demo_db, tmp_path):
    result = run("import", _export(demo_db, tmp_path), "--db", demo_db)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "already holds contracts" in result.stderr


def test_import_refuses_other_versions_and_non_exports(demo_db, tmp_path):
    doc = json.loads(_export(demo_db, tmp_path).read_text())
    doc["format_version"] = 2
    (tmp_path / "v2.json").write_text(json.dumps(doc))
    (tmp_path / "other.json").write_text('{"hello": 1}')
    (tmp_path / "text.json").write_text("not json at all")
    for name, expected in (("v2.json", "format_version is 2"), ("other.json", "not a Cairn export"),
                           ("text.json", "not JSON")):
        result = run("import", tmp_path / name, "--db", tmp_path / f"{name}.db")
        assert result.exit_code == 1, name
        assert expected in result.stderr, name
        assert not (tmp_path / f"{name}.db").exists()


def test_csv_has_milestones_bonuses_and_refunds_as_rows_with_contract_columns(demo_db, tmp_path):
    from cairn.storage.exchange import csv_export

    rows = list(csv.DictReader(io.StringIO(_export(demo_db, tmp_path, "m.csv", "csv").read_text())))
    conn = sqlite3.connect(demo_db)
    n = conn.execute("select count(*) from milestone").fetchone()[0]
    bonuses, refunds = (conn.execute("select count(*) from ledger_entry where kind = ?", (k,)).fetchone()[0]
                        for k in ("bonus", "refund"))
    assert [r["row"] for r in rows].count("milestone") == n
    assert [r["row"] for r in rows].count("bonus") == bonuses > 0
    assert [r["row"] for r in rows].count("refund") == refunds > 0
    first = rows[0]
    assert first["contract_title"] == "Brand refresh" and first["client_name"] == "Juniper Coffee Roasters"
    assert first["amount"] == "1200.00" and first["currency"] == "USD"  # decimals beside the currency code
    assert first["released"] == "1200.00" and first["in_escrow"] == "0.00"
    assert first["contract_status"] == "open" and first["archived"] == "no"
    bonus = next(r for r in rows if r["row"] == "bonus")
    assert bonus["amount"] == "250.00" and bonus["at"] and not bonus["milestone_id"]
    assert {r["contract_status"] for r in rows} == {"open", "ended"}
    # Every column is documented where the export is made.
    for column in csv_export.CSV_COLUMNS:
        assert f"``{column}``" in csv_export.__doc__, column


def test_ics_holds_due_dates_and_g3_deadlines(demo_db, tmp_path):
    cal = Calendar.from_ical(_export(demo_db, tmp_path, "d.ics", "ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    kinds = {str(e.get("categories").cats[0]) for e in events}
    assert {"due", "review", "available", "refund_answer", "feedback"} <= kinds
    review = next(e for e in events if "released automatically" in str(e.get("summary")))
    assert "Logo concepts" in str(review.get("summary"))
    assert not any(re.search(r"\([CGMPR]\d+", str(e.get("summary"))) for e in events)  # no rule ids
    assert len({str(e.get("uid")) for e in events}) == len(events)


def test_ics_uids_say_what_each_event_is_and_survive_a_change(demo_db, tmp_path):
    # A due date is an all-day event on its date; every UID is derived from what the event is, so
    # one milestone more (or one fewer) changes no other event's UID.
    def uids() -> dict[str, str]:
        cal = Calendar.from_ical(_export(demo_db, tmp_path, "d.ics", "ics").read_bytes())
        return {str(e.get("uid")): str(e.get("summary")) for e in cal.walk("VEVENT")}

    before = uids()
    mid, day, title = sqlite3.connect(demo_db).execute(
        "select m.id, m.due_date, m.title from milestone m join contract c on c.id = m.contract_id "
        "where m.state in ('future', 'active') and m.due_date is not null and c.status = 'open' "
        "order by m.id").fetchone()
    assert before[f"cairn-due-m{mid}@cairn"].startswith(f"Due: {title}")
    (review,) = sqlite3.connect(demo_db).execute("select id from milestone where title = 'Logo concepts'").fetchone()
    assert f"cairn-review-m{review}@cairn" in before
    # Submitted for review, a milestone is delivered: its due date is no longer a deadline (M12).
    assert f"cairn-due-m{review}@cairn" not in before
    cal = Calendar.from_ical(_export(demo_db, tmp_path, "d.ics", "ics").read_bytes())
    due = next(e for e in cal.walk("VEVENT") if str(e.get("uid")) == f"cairn-due-m{mid}@cairn")
    assert due.decoded("dtstart").isoformat() == day
    conn = sqlite3.connect(demo_db)
    conn.execute("update milestone set due_date = null where id = (select min(id) from milestone "
                 "where due_date is not null and state = 'future')")
    conn.commit()
    after = uids()
    assert len(after) == len(before) - 1 and set(after) < set(before)


def test_import_reports_unique_conflicts(demo_db, tmp_path):
    doc = json.loads(_export(demo_db, tmp_path).read_text())
    doc["tables"]["profile"][1]["name"] = "Marketplace"  # two profiles with one name
    path = tmp_path / "dupe.json"
    path.write_text(json.dumps(doc))
    result = run("import", path, "--db", tmp_path / "dupe.db")
    assert result.exit_code == 1
    assert "profile row 2 (id 2): UNIQUE constraint failed: profile.name" in result.stderr


def test_an_export_made_before_plan_items_remembered_moves_still_imports(demo_db, tmp_path):
    doc = json.loads(_export(demo_db, tmp_path).read_text())
    assert doc["tables"]["plan_item"]
    for row in doc["tables"]["plan_item"]:
        del row["moved"]
    path = tmp_path / "older.json"
    path.write_text(json.dumps(doc))
    result = run("import", path, "--db", tmp_path / "older.db")
    assert result.exit_code == 0, result.output
