"""``cairn demo`` covers every state and passes ``cairn check``; ``cairn check`` finds broken ledgers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pendulum

from cairn.storage.db import Database
from cairn.storage.queries import check

from .conftest import NOW, run


def _q(path, sql, *args):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_demo_then_check_passes(demo_db):
    result = run("check", "--db", demo_db)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK ")
    assert check.problems(Database.open(demo_db)) == []


def test_demo_covers_every_state(demo_db):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    today = pendulum.instance(now).in_timezone("local").date().isoformat()
    iso_now = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    states = {s for (s,) in _q(demo_db, "select distinct state from milestone")}
    assert states == {"future", "active", "submitted", "released", "refunded", "voided", "deleted"}
    # R3: a pending change request; R1: the client's draft not sent yet.
    assert _q(demo_db, "select count(*) from change_request where status = 'pending'") == [(1,)]
    assert _q(demo_db, "select count(*) from plan_draft where side = 'client'") == [(1,)]
    # M11: a submission two days from automatic release.
    reviews = [datetime.fromisoformat(r) for (r,) in _q(demo_db, "select review_due_at from milestone "
                                                                  "where state = 'submitted'")]
    assert any(abs(r - (now + timedelta(days=2))) < timedelta(hours=1) for r in reviews)
    # P3: a partial release with carried credit, applied to the next milestone.
    kinds = {k for (k,) in _q(demo_db, "select distinct kind from ledger_entry")}
    assert {"deposit", "release", "refund", "credit", "credit_applied", "bonus"} <= kinds
    # C3: an ended contract with a voided milestone; C2: the user as client; two currencies.
    assert _q(demo_db, "select count(*) from contract c join milestone m on m.contract_id = c.id "
                       "where c.status = 'ended' and m.state = 'voided'")[0][0] >= 1
    assert _q(demo_db, "select count(*) from contract where my_side = 'client'")[0][0] >= 1
    assert {c for (c,) in _q(demo_db, "select distinct currency from contract")} == {"USD", "EUR"}
    # M12: overdue and upcoming due dates on open work.
    open_due = "select count(*) from milestone m join contract c on c.id = m.contract_id where c.status = 'open' " \
               "and m.state in ('future', 'active', 'submitted') and m.due_date "
    assert _q(demo_db, open_due + "< ?", today)[0][0] >= 1
    assert _q(demo_db, open_due + "> ?", today)[0][0] >= 1
    # P6: a pending refund request; P5: pending and available money.
    assert _q(demo_db, "select count(*) from refund_request where status = 'pending'") == [(1,)]
    assert _q(demo_db, "select count(*) from ledger_entry where kind in ('release', 'bonus') "
                       "and available_at > ?", iso_now)[0][0] >= 1
    assert _q(demo_db, "select count(*) from ledger_entry where kind in ('release', 'bonus') "
                       "and available_at <= ?", iso_now)[0][0] >= 1
    # R5: unread events, and events dated in the past, never after now.
    assert _q(demo_db, "select count(*) from event where read = 0")[0][0] >= 1
    assert _q(demo_db, "select count(*) from event where at > ?", iso_now) == [(0,)]
    titles = " ".join(t for (t,) in _q(demo_db, "select title || ' ' || client_name from contract"))
    assert "lorem" not in titles.lower()


def test_demo_refuses_a_non_empty_database_unless_forced(demo_db):
    before = _q(demo_db, "select count(*) from contract")
    result = run("demo", "--db", demo_db)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr
    assert _q(demo_db, "select count(*) from contract") == before
    result = run("demo", "--db", demo_db, "--force")
    assert result.exit_code == 0, result.output
    assert _q(demo_db, "select count(*) from contract") == before


def test_demo_with_synthetic_contracts_passes_check(tmp_path):
    path = tmp_path / "big.db"
    result = run("demo", "--db", path, "--contracts", "200", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "200 synthetic" in result.output
    assert _q(path, "select count(*) from contract") == [(209,)]
    counts = _q(path, "select count(*) from milestone where contract_id > 9 group by contract_id")
    assert len(counts) == 200 and all(3 <= n <= 12 for (n,) in counts)
    assert _q(path, "select count(*) from contract c where c.id > 9 and not exists "
                    "(select 1 from event e where e.contract_id = c.id)") == [(0,)]
    assert len({s for (s,) in _q(path, "select distinct state from milestone where contract_id > 9")}) >= 5
    result = run("check", "--db", path)
    assert result.exit_code == 0, result.output


def test_demo_synthetic_is_reproducible_by_seed(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    for p in (a, b):
        assert run("demo", "--db", p, "--contracts", "20", "--seed", "11").exit_code == 0
    sql = "select title, client_name, currency, status from contract order by id"
    assert _q(a, sql) == _q(b, sql)


def _corrupt(path, sql, *args):
    conn = sqlite3.connect(path)
    conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_p4_check_reports_money_held_by_a_released_milestone(demo_db):
    mid, cid = _q(demo_db, "select id, contract_id from milestone where state = 'released' limit 1")[0]
    _corrupt(demo_db, "insert into ledger_entry (contract_id, milestone_id, kind, amount_minor, at, actor, note) "
                      "values (?, ?, 'deposit', 100, '2026-03-01T00:00:00.000000Z', 'client', '')", cid, mid)
    result = run("check", "--db", demo_db)
    assert result.exit_code == 1
    assert f"M4: milestone {mid}" in result.output and "holds 100 minor units" in result.output


def test_p4_check_reports_a_ledger_entry_on_another_contracts_milestone(demo_db):
    mid, cid = _q(demo_db, "select id, contract_id from milestone where state = 'active' limit 1")[0]
    other = _q(demo_db, "select id from contract where id != ? limit 1", cid)[0][0]
    _corrupt(demo_db, "update ledger_entry set contract_id = ? where milestone_id = ? and kind = 'deposit'",
             other, mid)
    result = run("check", "--db", demo_db)
    assert result.exit_code == 1
    assert f"belongs to contract {other} but names milestone {mid}" in result.output
    assert "P4: contract" in result.output  # conservation broken on both contracts


def test_m4_and_r3_check_reports_two_in_escrow_and_two_pending_requests(demo_db):
    cid = _q(demo_db, "select contract_id from change_request where status = 'pending'")[0][0]
    _corrupt(demo_db, "update milestone set state = 'active' where contract_id = ? and state = 'future'", cid)
    _corrupt(demo_db, "insert into change_request (contract_id, status, proposed_by, message, created_at, outcome) "
                      "values (?, 'pending', 'freelancer', '', '2026-03-01T00:00:00.000000Z', '')", cid)
    result = run("check", "--db", demo_db)
    assert result.exit_code == 1
    assert f"M4: contract {cid} has" in result.output
    assert f"R3: contract {cid} has 2 pending change requests" in result.output


def test_check_reports_negative_and_fractional_amounts(demo_db):
    _corrupt(demo_db, "update ledger_entry set amount_minor = 12.5 where id = 1")
    problems = check.problems(sqlite3.connect(demo_db))
    assert any("ledger entry 1" in p and "not a positive integer" in p for p in problems)


def test_check_on_a_missing_database_is_one_line(tmp_path):
    result = run("check", "--db", tmp_path / "nope.db")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "no such database" in result.output
    assert not (tmp_path / "nope.db").exists()


def test_now_is_frozen_in_the_demo(demo_db):
    latest = _q(demo_db, "select max(at) from event")[0][0]
    assert latest <= pendulum.parse(NOW).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
