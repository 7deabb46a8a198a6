"""``cairn export --format json`` and ``cairn import``: the complete dump and its restore.

The JSON export is a complete, versioned dump of every table (rows by id, columns in schema
order), so importing it into an empty database and exporting again gives the same bytes.
Import validates everything (format version, types, references, money, states and, on a
scratch in-memory copy, every invariant of ``queries.check``) before it writes anything, and
refuses with the list of every problem found.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cairn.storage.errors import StorageError
from cairn.storage.files import connect_raw
from cairn.storage.migrate import HEAD
from cairn.storage.money import EXPONENTS, MAX_MINOR
from cairn.storage.queries import check
from cairn.storage.types import ISO_FORMAT

if TYPE_CHECKING:
    from cairn.storage.db import Database

FORMAT = "cairn-export"
FORMAT_VERSION = 1
# In the order rows can be written with foreign keys on.
TABLES = ("profile", "contract", "milestone", "ledger_entry", "change_request", "plan_draft", "plan_item",
          "refund_request", "event")

# Values each text column may hold.
_ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    ("contract", "kind"): ("fixed", "hourly"),
    ("contract", "my_side"): ("client", "freelancer"),
    ("contract", "status"): ("open", "ended"),
    ("contract", "ended_by"): ("client", "freelancer", "automatic"),
    ("contract", "end_reason"): ("completed successfully", "cancelled", "no longer needed", "other"),
    ("milestone", "state"): ("future", "active", "submitted", "released", "refunded", "voided", "deleted"),
    ("ledger_entry", "kind"): check.LEDGER_KINDS,
    ("ledger_entry", "actor"): ("client", "freelancer", "automatic"),
    ("change_request", "status"): ("pending", "accepted", "declined", "withdrawn"),
    ("change_request", "proposed_by"): ("client", "freelancer"),
    ("change_request", "decided_by"): ("client", "freelancer", "automatic"),
    ("plan_draft", "side"): ("client", "freelancer"),
    ("refund_request", "status"): ("pending", "accepted", "disputed", "mediation", "arbitration", "closed"),
    ("refund_request", "answered_by"): ("client", "freelancer", "automatic"),
    ("event", "actor"): ("client", "freelancer", "automatic"),
}
_MONEY = {("milestone", "amount_minor"), ("ledger_entry", "amount_minor"), ("plan_item", "amount_minor"),
          ("refund_request", "amount_minor"), ("profile", "minimum_minor")}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    out = ["{", f' "format": "{FORMAT}",', f' "format_version": {FORMAT_VERSION},',
           f" \"schema_revision\": {json.dumps(_revision(conn))},", ' "tables": {']
    for ti, table in enumerate(TABLES):
        cols = columns(conn, table)
        names = [c[0] for c in cols]
        booleans = {c[0] for c in cols if c[1] == "BOOLEAN"}
        out.append(f"  {json.dumps(table)}: [")
        rows = conn.execute(f"select {', '.join(names)} from {table} order by id").fetchall()
        for ri, row in enumerate(rows):
            obj = {n: (bool(v) if n in booleans and v is not None else v) for n, v in zip(names, row, strict=True)}
            out.append("   " + json.dumps(obj, ensure_ascii=False) + ("," if ri < len(rows) - 1 else ""))
        out.append("  ]" + ("," if ti < len(TABLES) - 1 else ""))
    out += [" }", "}", ""]
    return "\n".join(out)


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("select version_num from alembic_version").fetchone()
    return row[0] if row else None


def validate_json(text: str | bytes, db: Database) -> tuple[dict[str, list[dict]], list[str]]:
    """Every problem with an export, checked against ``db``'s schema; nothing is written."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return {}, [f"the file is not JSON ({exc})."]
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return {}, ["the file is not a Cairn export (no \"format\": \"cairn-export\" field)."]
    problems: list[str] = []
    if doc.get("format_version") != FORMAT_VERSION or isinstance(doc.get("format_version"), bool):
        problems.append(f"format_version is {doc.get('format_version')!r}; this Cairn reads version {FORMAT_VERSION}.")
    if doc.get("schema_revision") != HEAD:
        problems.append(f"schema_revision is {doc.get('schema_revision')!r}; this Cairn reads revision {HEAD!r} "
                        "(export it again with this version of Cairn).")
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return {}, [*problems, "\"tables\" is missing or not an object."]
    if problems:
        return {}, problems
    for extra in sorted(set(tables) - set(TABLES)):
        problems.append(f"unknown table {extra!r}.")
    conn = db.reader()
    data: dict[str, list[dict]] = {}
    bad_rows: set[tuple[str, Any]] = set()
    for table in TABLES:
        rows = tables.get(table)
        if not isinstance(rows, list):
            problems.append(f"table {table!r} is missing or not a list of rows.")
            data[table] = []
            continue
        data[table] = _validate_rows(table, rows, columns(conn, table), problems, bad_rows)
    problems += _references(conn, data, bad_rows)
    problems += _invariants(conn, data, bad_rows)
    return data, problems


def _validate_rows(table: str, rows: list, cols: list[tuple[str, str, bool]], problems: list[str],
                   bad_rows: set) -> list[dict]:
    names = [c[0] for c in cols]
    seen: set[int] = set()
    good = []
    for i, row in enumerate(rows):
        where = f"{table} row {i + 1}"
        if not isinstance(row, dict):
            problems.append(f"{where} is not an object.")
            continue
        rid = row.get("id")
        if isinstance(rid, int) and not isinstance(rid, bool):
            where = f"{table} {rid}"
        before = len(problems)
        for missing in [n for n in names if n not in row]:
            problems.append(f"{where}: missing field {missing!r}.")
        for extra in sorted(set(row) - set(names)):
            problems.append(f"{where}: unknown field {extra!r}.")
        for name, kind, nullable in cols:
            if name in row:
                msg = _value_problem(table, name, kind, nullable, row[name])
                if msg:
                    problems.append(f"{where}: {name} {msg}.")
        if isinstance(rid, int) and not isinstance(rid, bool):
            if rid in seen:
                problems.append(f"{where}: duplicate id.")
            seen.add(rid)
        if len(problems) > before:
            bad_rows.add((table, rid if isinstance(rid, int) else f"#{i}"))
        good.append({n: row.get(n) for n in names})
    return good


def _value_problem(table: str, name: str, kind: str, nullable: bool, value: Any) -> str | None:
    if value is None:
        return None if nullable else "is missing (null)"
    if kind == "INTEGER":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an integer, not {value!r}" if (table, name) not in _MONEY else \
                f"must be an integer number of minor units, not {value!r}"
        if name == "id" and value <= 0:
            return "must be a positive integer"
        if (table, name) in _MONEY and not (0 < value <= MAX_MINOR or (name == "minimum_minor" and value >= 0)):
            return f"{value} is not a positive amount of minor units"
        return None
    if kind == "BOOLEAN":
        return None if isinstance(value, bool) else f"must be true or false, not {value!r}"
    if not isinstance(value, str):
        return f"must be text, not {value!r}"
    if kind == "DATE":
        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            return f"{value[:40]!r} is not a date (YYYY-MM-DD)"
    elif kind == "VARCHAR(27)":
        try:
            datetime.strptime(value, ISO_FORMAT)
        except ValueError:
            return f"{value[:40]!r} is not a UTC instant like 2026-01-31T09:30:00.000000Z"
    if (table, name) in _ALLOWED and value not in _ALLOWED[(table, name)]:
        return f"{value[:40]!r} is not one of: {', '.join(_ALLOWED[(table, name)])}"
    if (table, name) == ("contract", "currency") and value not in EXPONENTS:
        return f"{value[:40]!r} is not an ISO 4217 currency"
    return None


def _references(conn: sqlite3.Connection, data: dict[str, list[dict]], bad_rows: set) -> list[str]:
    problems = []
    ids = {t: {r["id"] for r in rows if isinstance(r.get("id"), int)} for t, rows in data.items()}
    for table in TABLES:
        fks = [(r[3], r[2]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")]
        for row in data[table]:
            for col, parent in fks:
                v = row.get(col)
                if v is not None and isinstance(v, int) and v not in ids.get(parent, set()):
                    problems.append(f"{table} {row.get('id')}: {col} {v} points at no {parent}.")
                    bad_rows.add((table, row.get("id")))
    return problems


def _invariants(conn: sqlite3.Connection, data: dict[str, list[dict]], bad_rows: set) -> list[str]:
    """Load the rows into a scratch in-memory copy of the schema and run ``queries.check`` on it."""
    scratch = sqlite3.connect(":memory:")
    try:
        for (sql,) in conn.execute("select sql from sqlite_master where type = 'table' and sql is not null "
                                   "and name not like 'sqlite_%'"):
            scratch.execute(sql)
        # Rows with their own problems (reported above) still go in, so that the sums below see the
        # same money as the file; only a row SQLite cannot hold at all is left out.
        scratch.execute("PRAGMA ignore_check_constraints = ON")
        problems = []
        for table in TABLES:
            for row in data[table]:
                cols = list(row)
                try:
                    scratch.execute(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                                    [_sql_value(v) for v in row.values()])
                except sqlite3.Error as exc:  # e.g. a second draft for the same side (UNIQUE)
                    if (table, row.get("id")) not in bad_rows:
                        problems.append(f"{table} {row.get('id')}: {exc}.")
        # Types and dangling references are reported above, with the field that holds them.
        repeated = ("which does not exist", "is not a positive integer", "has unknown kind")
        return problems + [p for p in check.ledger_invariants(scratch) if not any(r in p for r in repeated)]
    finally:
        scratch.close()


def _sql_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, dict | list):
        return json.dumps(v)
    return v


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
