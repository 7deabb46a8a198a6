"""Migrations lose nothing; the storage layer stays free of Textual and lean on the read path."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cairn.storage import migrate
from cairn.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
# Every database here is made by the migrations themselves, never copied from a template (conftest).
pytestmark = pytest.mark.real_migrations

T = "2026-03-02T12:00:00.000000Z"
ROWS = {
    "contract": [
        "insert into contract (id, title, client_name, kind, currency, profile_id, my_side, started_on, notes, "
        "status, archived, ended_at, ended_by, end_reason, feedback_rating, feedback_text, feedback_at, "
        f"created_at, version) values (1, 'Site', 'Acme', 'fixed', 'USD', 1, 'freelancer', '2026-03-01', '', "
        f"'open', 0, null, null, null, null, null, null, '{T}', 7)",
        "insert into contract (id, title, client_name, kind, currency, profile_id, my_side, started_on, notes, "
        "status, archived, ended_at, ended_by, end_reason, feedback_rating, feedback_text, feedback_at, "
        f"created_at, version) values (2, 'Old', 'Bob', 'fixed', 'EUR', 2, 'client', '2026-01-01', 'n', "
        f"'ended', 1, '{T}', 'client', 'cancelled', 4, 'ok', '{T}', '{T}', 3)",
    ],
    "milestone": [
        "insert into milestone (id, contract_id, position, title, description, due_date, amount_minor, state, "
        f"activated_at, submitted_at, submission_message, review_due_at, closed_at, created_at) values "
        f"(1, 1, 1, 'Design', 'd', '2026-04-01', 10000, 'submitted', '{T}', '{T}', 'done', '{T}', null, '{T}')",
        "insert into milestone (id, contract_id, position, title, description, due_date, amount_minor, state, "
        f"activated_at, submitted_at, submission_message, review_due_at, closed_at, created_at) values "
        f"(2, 1, 2, 'Build', '', null, 20000, 'future', null, null, null, null, null, '{T}')",
        "insert into milestone (id, contract_id, position, title, description, due_date, amount_minor, state, "
        f"activated_at, submitted_at, submission_message, review_due_at, closed_at, created_at) values "
        f"(3, 2, 1, 'Gone', '', null, 5000, 'voided', null, null, null, null, '{T}', '{T}')",
    ],
    "ledger_entry": [
        "insert into ledger_entry (id, contract_id, milestone_id, kind, amount_minor, at, actor, available_at, note) "
        f"values (1, 1, 1, 'deposit', 10000, '{T}', 'client', null, '')",
        "insert into ledger_entry (id, contract_id, milestone_id, kind, amount_minor, at, actor, available_at, note) "
        f"values (2, 2, null, 'bonus', 500, '{T}', 'client', '{T}', 'thanks')",
    ],
    "event": [
        "insert into event (id, contract_id, milestone_id, ledger_id, at, actor, kind, summary, before_json, "
        f"after_json, read) values (1, 1, 1, 1, '{T}', 'client', 'funded', 'Funded', '{{}}', '{{}}', 0)",
        "insert into event (id, contract_id, milestone_id, ledger_id, at, actor, kind, summary, before_json, "
        f"after_json, read) values (2, 2, 3, null, '{T}', 'client', 'milestone_voided', 'Voided', null, null, 1)",
    ],
    "change_request": [
        "insert into change_request (id, contract_id, status, proposed_by, message, created_at, decided_at, "
        f"decided_by, outcome, diff_json) values (1, 1, 'pending', 'freelancer', 'more', '{T}', null, null, '', null)",
    ],
    "plan_draft": [
        f"insert into plan_draft (id, contract_id, side, created_at, updated_at) values (1, 1, 'client', '{T}', '{T}')",
    ],
    "plan_item": [
        "insert into plan_item (id, draft_id, request_id, seq, milestone_id, deleted, title, description, due_date, "
        "amount_minor) values (1, null, 1, 0, 2, 0, 'Build', '', null, 20000)",
        "insert into plan_item (id, draft_id, request_id, seq, milestone_id, deleted, title, description, due_date, "
        "amount_minor) values (2, null, 1, 1, null, 0, 'Extra', '', '2026-06-01', 3000)",
        "insert into plan_item (id, draft_id, request_id, seq, milestone_id, deleted, title, description, due_date, "
        "amount_minor) values (3, 1, null, 0, 2, 1, 'Build', '', null, 20000)",
    ],
    "refund_request": [
        "insert into refund_request (id, contract_id, milestone_id, amount_minor, status, requested_at, "
        f"answer_due_at, answered_at, answered_by, note) values (1, 1, 1, 4000, 'disputed', '{T}', '{T}', '{T}', "
        "'freelancer', 'no')",
    ],
}


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {t: conn.execute(f"select * from {t} order by id").fetchall() for t in ["profile", *ROWS]}


def test_migrating_a_populated_first_schema_database_loses_nothing(tmp_path):
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrate.upgrade(db, "0001")
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("select version_num from alembic_version").fetchone() == ("0001",)
    for statements in ROWS.values():
        for sql in statements:
            conn.execute(sql)
    conn.commit()
    before = _rows(conn)
    conn.close()

    db = Database.open(path)  # migrates to head, rebuilding the milestone table (0002)
    db.close()
    conn = sqlite3.connect(path)
    assert conn.execute("select version_num from alembic_version").fetchone() == (migrate.HEAD,)
    after = _rows(conn)
    # Columns added later come last, with their defaults (0004: plan_item.moved is false; 0005:
    # contract.revision_cap is empty); 0006: each contract keeps its profile's numbers (review, hold,
    # refund answer, minimum, feedback, bonus, fee); 0007: event.action_id is empty, old events belong
    # to no logged action, and a refund request has no dispute stage date or outcome; 0009: a plan
    # item has no place (it names every future milestone, in order).
    added = {"plan_item": {1: (0, None)}, "event": {1: (None,)}, "refund_request": {1: (None, None)},
             "contract": {1: (None, 14, 5, 7, 500, 14, 365, "10%"), 2: (None, None, 0, 7, 1, 14, 365, "none")}}
    for table in ROWS:
        assert after[table] == [row + added.get(table, {}).get(row[0], added.get(table, {}).get(1, ()))
                                for row in before[table]], table
    # Profiles gained the feedback and bonus windows (0002), then "review per contract" and a fee rule
    # (0005: the marketplace's 10%), and the three other built-in platforms.
    assert [r[:7] for r in after["profile"][:2]] == [r[:7] for r in before["profile"]]
    assert [r[7:] for r in after["profile"][:2]] == [(14, 365, 0, "10%"), (14, 365, 0, "none")]
    assert [r[1] for r in after["profile"][2:]] == ["Gig marketplace (Fiverr-like)",
                                                    "Bid marketplace (Freelancer.com-like)", "Escrow service"]
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    # 0002's check constraint is in place.
    try:
        conn.execute("update milestone set state = 'lost' where id = 2")
    except sqlite3.IntegrityError:
        pass
    else:  # pragma: no cover
        raise AssertionError("milestone state check missing after migration")
    conn.close()


def test_migrated_database_works_with_the_operations(tmp_path):
    from cairn.storage import api
    from cairn.storage.clock import FixedClock

    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrate.upgrade(db, "0001")
    db.close()
    conn = sqlite3.connect(path)
    for table in ("contract", "milestone", "ledger_entry"):
        for sql in ROWS[table]:
            conn.execute(sql)
    conn.commit()
    conn.close()
    db = Database.open(path)
    clock = FixedClock("2026-03-02T11:00:00Z")
    b = api.release_payment(db, 1, actor="client", clock=clock)
    assert b.milestones[0].state == "released" and b.money.paid == 10000
    # Foreign keys are enforced again on the connection the migration used.
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("insert into event (contract_id, at, actor, kind, summary, read) "
                       "values (999, 'x', 'client', 'k', 's', 0)"))
    db.close()


def test_head_matches_the_alembic_scripts():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_heads() == [migrate.HEAD]


def test_opening_an_up_to_date_database_does_not_migrate_again(tmp_path):
    db = Database.open(tmp_path / "x.db")
    db.close()
    before = (tmp_path / "x.db").stat().st_mtime_ns
    Database.open(tmp_path / "x.db").close()
    assert (tmp_path / "x.db").stat().st_mtime_ns == before


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_storage_never_imports_textual():
    out = _run("""
        import sys
        import cairn.storage.api, cairn.storage.queries, cairn.storage.diff, cairn.storage.migrate, cairn.storage.operations.timers
        print(sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "cairn.tui", "rich"))))
    """)
    assert out == "[]"
    for py in (ROOT / "storage").rglob("*.py"):
        text = py.read_text()
        assert "import textual" not in text and "from textual" not in text and "from cairn.tui" not in text and "import cairn.tui" not in text, py


def test_read_path_does_not_import_sqlalchemy(tmp_path):
    path = tmp_path / "r.db"
    db = Database.open(path)
    from cairn.storage import api
    from cairn.storage.clock import FixedClock

    clock = FixedClock("2026-03-02T12:00:00Z")
    api.create_contract(db, title="x", milestones=[api.MilestoneIn("a", 1000)], clock=clock)
    db.close()
    out = _run(f"""
        import sys
        from cairn.storage.db import Database
        from cairn.storage.clock import FixedClock
        from cairn.storage.queries.board import board
        from cairn.storage.queries.deadlines import deadlines
        from cairn.storage.queries.earnings import earnings
        from cairn.storage.queries.summaries import contract_summaries
        db = Database.open({str(path)!r})
        clock = FixedClock("2026-03-02T12:00:00Z")
        summaries = contract_summaries(db, clock)
        board(db, summaries[0].id, clock)
        earnings(db, clock)
        deadlines(db, clock)
        print(len(summaries), sorted(m for m in sys.modules if m.split(".")[0] in
                                     ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "textual")))
    """)
    assert out == "1 []"
