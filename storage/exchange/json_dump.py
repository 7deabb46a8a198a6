"""``cairn export --format json`` and ``cairn import``: the complete dump and its restore.

The JSON export is a complete, versioned dump of every table (rows by id, columns in schema
order), so importing it into an empty database and exporting again gives the same bytes.
Import validates everything (format version, types, references, money, states and, on a
scratch in-memory copy, every invariant of ``queries.check``) before it writes anything, and
refuses with the list of every problem found.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from cairn.storage.errors import StorageError
from cairn.storage.exchange.rows import ADDED_LATER, SQLITE_INT, check_row, plan, show
from cairn.storage.files import connect_raw
from cairn.storage.migrate import HEAD
from cairn.storage.queries import check
from cairn.storage.text import printable

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


# --- JSON ---------------------------------------------------------------------------------
def export_json(db: Database) -> str:
    conn = db.reader()
    tables: dict[str, list[dict]] = {}
    for table in TABLES:
        cols = columns(conn, table)
        names = [c[0] for c in cols]
        booleans = {c[0] for c in cols if c[1] == "BOOLEAN"}
        rows = conn.execute(f"select {', '.join(names)} from {table} order by id").fetchall()
        tables[table] = [{n: (bool(v) if n in booleans and v is not None else v) for n, v in zip(names, row, strict=True)}
                         for row in rows]
    return render(_revision(conn), tables)


def render(revision: str | None, tables: dict[str, list[dict]]) -> str:
    """The export's text: rows as given (by id, columns in schema order), one per line."""
    out = ["{", f' "format": "{FORMAT}",', f' "format_version": {FORMAT_VERSION},',
           f" \"schema_revision\": {json.dumps(revision)},", ' "tables": {']
    for ti, table in enumerate(TABLES):
        rows = tables[table]
        out.append(f"  {json.dumps(table)}: [")
        for ri, obj in enumerate(rows):
            out.append("   " + json.dumps(obj, ensure_ascii=False) + ("," if ri < len(rows) - 1 else ""))
        out.append("  ]" + ("," if ti < len(TABLES) - 1 else ""))
    out += [" }", "}", ""]
    return "\n".join(out)


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("select version_num from alembic_version").fetchone()
    return row[0] if row else None


def validate_json(text: str | bytes, db: Database) -> tuple[dict[str, list[dict]], list[str]]:
    """Every problem with an export, checked against ``db``'s schema; nothing is written.

    Any input gives a list of problems naming table, row and field, never an exception: text that
    is not JSON, nested or numbered beyond what Python reads, values of any type or size.
    """
    try:
        doc = json.loads(text)
    except RecursionError:
        return {}, ["the file is not a Cairn export: its JSON is nested deeper than Python reads."]
    except ValueError as exc:  # not JSON, not UTF-8/16/32, an integer of more than 4,300 digits
        return {}, [f"the file is not JSON ({printable(str(exc)[:200], newlines=False)})."]
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return {}, ["the file is not a Cairn export (no \"format\": \"cairn-export\" field)."]
    problems: list[str] = []
    version, revision = doc.get("format_version"), doc.get("schema_revision")
    if version != FORMAT_VERSION or isinstance(version, bool):
        problems.append(f"format_version is {show(version)}; this Cairn reads version {FORMAT_VERSION}.")
    if revision != HEAD:
        problems.append(f"schema_revision is {show(revision)}; this Cairn reads revision {HEAD!r} "
                        "(export it again with this version of Cairn).")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return {}, [*problems, "\"tables\" is missing or not an object."]
    if problems:
        return {}, problems
    for extra in sorted(set(tables) - set(TABLES)):
        problems.append(f"unknown table {show(extra)}.")
    conn = db.reader()
    data: dict[str, list[dict]] = {}
    bad_rows: dict[tuple[str, int], bool] = {}  # (table, id) -> the row has problems of its own
    where: dict[tuple[str, int], str] = {}  # (table, id) -> "milestone row 3 (id 7)": where it sat in the file
    for table in TABLES:
        rows = tables.get(table)
        if not isinstance(rows, list):
            problems.append(f"table {table!r} is missing or not a list of rows.")
            data[table] = []
            continue
        data[table] = _validate_rows(table, rows, columns(conn, table), problems, bad_rows, where)
    problems += _references(conn, data, bad_rows, where)
    problems += _invariants(conn, data, bad_rows, where)
    return data, problems


def _validate_rows(table: str, rows: list, cols: list[tuple[str, str, bool]], problems: list[str],
                   bad_rows: dict, where_of: dict) -> list[dict]:
    """The rows that are objects with a usable id, by id (the order in the file does not matter)."""
    names = [c[0] for c in cols]
    checks = plan(table, cols)
    seen: set[int] = set()
    good: dict[int, dict] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append(f"{table} row {i + 1} is not an object but {show(row)}.")
            continue
        rid = row.get("id")
        usable = isinstance(rid, int) and not isinstance(rid, bool) and 0 < rid <= SQLITE_INT
        where = f"{table} row {i + 1}" + (f" (id {rid})" if usable else "")
        for later in [n for n in names if n not in row and (table, n) in ADDED_LATER]:
            row = {**row, later: ADDED_LATER[(table, later)]}
        found = check_row(table, row, checks)
        for field, message in found:
            problems.append(f"{where}: {field}: {message.rstrip('.')}.")
        if not usable:
            continue
        if rid in seen:
            problems.append(f"{where}: id: another row of {table} has id {rid}.")
            continue
        seen.add(rid)
        if found:
            bad_rows[(table, rid)] = True
        good[rid] = {n: row.get(n) for n in names}
        where_of[(table, rid)] = where
    return [good[k] for k in sorted(good)]


def _references(conn: sqlite3.Connection, data: dict[str, list[dict]], bad_rows: dict, where: dict) -> list[str]:
    problems = []
    ids = {t: {r["id"] for r in rows} for t, rows in data.items()}
    for table in TABLES:
        fks = [(r[3], r[2]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")]
        for row in data[table]:
            for col, parent in fks:
                v = row.get(col)
                if isinstance(v, int) and not isinstance(v, bool) and v not in ids.get(parent, set()):
                    problems.append(f"{where[(table, row['id'])]}: {col}: {v} points at no {parent}.")
                    bad_rows[(table, row["id"])] = True
    return problems


def _storable(v: Any) -> bool:
    if isinstance(v, bool) or v is None or isinstance(v, float):
        return True
    if isinstance(v, int):
        return -SQLITE_INT - 1 <= v <= SQLITE_INT
    if isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    return False


def _invariants(conn: sqlite3.Connection, data: dict[str, list[dict]], bad_rows: dict, where: dict) -> list[str]:
    """Load the rows into a scratch in-memory copy of the schema and run ``queries.check`` on it."""
    scratch = sqlite3.connect(":memory:")
    try:
        for (sql,) in conn.execute("select sql from sqlite_master where type = 'table' and sql is not null "
                                   "and name not like 'sqlite_%'"):
            scratch.execute(sql)
        # Rows with their own problems (reported above) still go in, so that the sums below see the
        # same money as the file; only a value SQLite cannot hold at all keeps its row out.
        scratch.execute("PRAGMA ignore_check_constraints = ON")
        problems = []
        for table in TABLES:
            for row in data[table]:
                if (table, row["id"]) in bad_rows and not all(_storable(v) for v in row.values()):
                    continue
                cols = list(row)
                try:
                    scratch.execute(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                                    [_sql_value(v) for v in row.values()])
                except sqlite3.Error as exc:  # e.g. a second draft for the same side (UNIQUE)
                    if (table, row.get("id")) not in bad_rows:
                        problems.append(f"{where[(table, row['id'])]}: {exc}.")
        # Types and dangling references are reported above, with the field that holds them.
        repeated = ("which does not exist", "is not a positive integer", "has unknown kind")
        found = check.ledger_invariants(scratch) + check.state_invariants(scratch) + check.terms_invariants(scratch, numbers=False)
        return problems + [printable(p, newlines=False) for p in found if not any(r in p for r in repeated)]
    finally:
        scratch.close()


def _sql_value(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v


def import_json(db: Database, text: str | bytes) -> dict[str, int]:
    """Validate, then write every row in one transaction; returns rows written per table."""
    if not is_empty(db):
        raise StorageError(f"{db.path} already holds contracts; import into a new, empty database "
                           "(for example --db new.db).")
    data, problems = validate_json(text, db)
    if problems:
        raise ImportRefused(problems)
    conn = connect_raw(db.path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not is_empty(_Reader(conn)):
                raise StorageError(f"{db.path} was filled by another program meanwhile; nothing was imported.")
            conn.execute("delete from profile")
            for table in TABLES:
                rows = data[table]
                if rows:
                    cols = list(rows[0])
                    conn.executemany(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                                     [[_sql_value(v) for v in r.values()] for r in rows])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise StorageError(f"{db.path}: import failed, nothing was written ({exc}).") from None
    finally:
        conn.close()
    return {t: len(data[t]) for t in TABLES}


class _Reader:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def reader(self) -> sqlite3.Connection:
        return self._conn
