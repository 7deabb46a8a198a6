"""The suite's new databases (copied from a migrated template, tests/conftest.py) are exactly
what the migrations make: same rows, same schema, same header, same file mode.
(Two runs of the migrations differ only in the order of some clauses, see ``_describe``.)"""

from __future__ import annotations

import re
import sqlite3
import stat

from cairn.storage import migrate
from cairn.storage.db import Database


def _clauses_sorted(statement: str) -> str:
    """A CREATE TABLE with its clauses (columns, keys, checks) in sorted order; other lines as they are."""
    text = re.sub(r"\s+", " ", statement).strip()
    if not text.startswith("CREATE TABLE"):
        return text
    head, _, body = text.partition("(")
    body = body.rstrip("; ").removesuffix(")")
    clauses, depth, current = [], 0, ""
    for ch in body:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            clauses.append(current.strip())
            current = ""
        else:
            current += ch
    clauses.append(current.strip())
    return f"{head}({', '.join(sorted(clauses))})"


def _describe(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        pragmas = {p: conn.execute(f"PRAGMA {p}").fetchone()[0]
                   for p in ("application_id", "user_version", "journal_mode", "page_size", "auto_vacuum",
                             "encoding")}
        # Alembic's batch migrations write a table's foreign keys, and some indexes, in an order
        # that differs from run to run (Python's hash seed): the same schema, other text.
        dump = sorted(_clauses_sorted(line) for line in conn.iterdump())
        return {"dump": dump, "pragmas": pragmas, "mode": stat.S_IMODE(path.stat().st_mode)}
    finally:
        conn.close()


def test_a_new_database_is_what_the_migrations_make(tmp_path):
    assert hasattr(migrate.upgrade, "real"), "the template is not in use: this test proves nothing"
    copied = Database.open(tmp_path / "copied.db")
    copied.close()
    migrated = Database.open(tmp_path / "migrated.db", migrate=False)
    migrate.upgrade.real(migrated)
    migrated.close()
    a, b = _describe(tmp_path / "copied.db"), _describe(tmp_path / "migrated.db")
    assert a == b
    assert a["pragmas"]["journal_mode"] == "wal" and a["mode"] == 0o600
    assert "alembic_version" in "\n".join(a["dump"]) and f"'{migrate.HEAD}'" in "\n".join(a["dump"])
