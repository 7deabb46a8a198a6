"""``cairn export --format json`` and ``cairn import``: the complete dump and its restore.

The JSON export is a complete, versioned dump of every table (rows by id, columns in schema
order, one row per line), written a row at a time, so importing it into an empty database and
exporting again gives the same bytes. Import (``json_import``) validates everything (format
version, types, references, money, states and, on a scratch copy, every invariant of
``queries.check``) before it writes anything, and refuses with the list of every problem found.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from cairn.storage.errors import StorageError

if TYPE_CHECKING:
    from cairn.storage.db import Database

FORMAT = "cairn-export"
FORMAT_VERSION = 1
# In the order rows can be written with foreign keys on.
TABLES = ("profile", "contract", "milestone", "ledger_entry", "change_request", "plan_draft", "plan_item",
          "refund_request", "action", "action_change", "event")

class ImportRefused(StorageError):
    """The file was not imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"import refused: {len(problems)} problem{'s' if len(problems) != 1 else ''} found, "
                         "nothing was written.")


def is_empty(db: Database) -> bool:
    """No contracts and no custom platform profiles: safe to fill (demo, import)."""
    conn = db.reader()
    return not conn.execute("select exists(select 1 from contract) or exists(select 1 from profile "
                            "where builtin = 0)").fetchone()[0]


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, nullable) in schema order."""
    return [(r[1], r[2].upper(), not r[3]) for r in conn.execute(f"PRAGMA table_info({table})")]


# --- JSON ----------------------------------------------------------------------------------
def export_json(db: Database) -> str:
    return "".join(json_chunks(db))


def json_chunks(db: Database) -> Iterator[str]:
    """The export's text piece by piece, a row at a time (100,000 contracts are a gigabyte of
    text), read in one transaction: every table as of the same instant."""
    conn = db.reader()
    conn.execute("BEGIN")
    try:
        yield from _render(_revision(conn), {table: _rows(conn, table) for table in TABLES})
    finally:
        conn.execute("COMMIT")


def _rows(conn: sqlite3.Connection, table: str) -> Iterator[dict]:
    cols = columns(conn, table)
    names = [c[0] for c in cols]
    booleans = {c[0] for c in cols if c[1] == "BOOLEAN"}
    for row in conn.execute(f"select {', '.join(names)} from {table} order by id"):
        yield {n: (bool(v) if n in booleans and v is not None else v) for n, v in zip(names, row, strict=True)}


def render(revision: str | None, tables: dict[str, list[dict]]) -> str:
    """The export's text: rows as given (by id, columns in schema order), one per line."""
    return "".join(_render(revision, tables))


def _render(revision: str | None, tables: dict[str, Iterable[dict]]) -> Iterator[str]:
    yield (f'{{\n "format": "{FORMAT}",\n "format_version": {FORMAT_VERSION},\n'
           f' "schema_revision": {json.dumps(revision)},\n "tables": {{\n')
    for ti, table in enumerate(TABLES):
        yield f"  {json.dumps(table)}: [\n"
        line = None  # each row but the last ends with a comma: written once the next one is seen
        for obj in tables[table]:
            if line is not None:
                yield f"   {line},\n"
            line = json.dumps(obj, ensure_ascii=False)
        if line is not None:
            yield f"   {line}\n"
        yield "  ]" + ("," if ti < len(TABLES) - 1 else "") + "\n"
    yield " }\n}\n"


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("select version_num from alembic_version").fetchone()
    return row[0] if row else None
