"""``cairn import``: an export read a row at a time, checked in a scratch database, then copied.

Memory stays flat however large the file (100,000 contracts are a gigabyte of JSON):

- Reading (``json_reading``). Cairn writes its export one row per line (``json_dump.render``). A file laid out
  exactly so is read line by line and each row parsed on its own. Any other layout (compact,
  reformatted by another tool, hostile) is parsed whole with ``json.loads``, as before; so is a
  laid-out file in which a line does not parse or ids do not rise, so that every refusal is the
  one the whole reading gives.
- Checking. Each row goes through ``rows.check_row`` (the operations' own validators) as it is
  read, and into a scratch database beside the target (the schema's own tables, plus which rows
  exist and which references they make). What needs the whole file runs there in SQL: references
  to rows that do not exist, then ``queries.check``'s invariants on the scratch copy.
- Writing. Nothing is written until the whole file passed; then every table is copied from the
  scratch database into the target in one transaction.

A refusal names table, row and field; the problems are those the whole-file check gave.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from cairn.storage.errors import StorageError
from cairn.storage.exchange import json_reading
from cairn.storage.exchange.json_dump import (
    FORMAT,
    FORMAT_VERSION,
    TABLES,
    ImportRefused,
    columns,
    is_empty,
)
from cairn.storage.exchange.json_reading import ReadWhole, laid_out, lines
from cairn.storage.exchange.rows import ADDED_LATER, SQLITE_INT, check_row, plan, show
from cairn.storage.files import connect_raw
from cairn.storage.migrate import HEAD
from cairn.storage.queries import check
from cairn.storage.text import printable

if TYPE_CHECKING:
    from cairn.storage.db import Database

BATCH = 500  # rows written to the scratch database at a time


# --- checking --------------------------------------------------------------------------------------
class _Scratch:
    """The scratch database: the schema's tables (each row with ``_pos``, where it sat in the
    file), filled as rows are read; ``_absent``, the rows with a usable id that could not go in;
    ``_ref``, the references of rows with problems of their own, as the file wrote them. Made
    when the first row goes in: a file refused by its header, or found not to be in Cairn's layout
    at its first line (then read whole into a new one), never makes one."""

    def __init__(self, target: sqlite3.Connection, folder: Path) -> None:
        self._target = target
        self._folder = folder
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._create()
        return self._conn

    def _create(self) -> sqlite3.Connection:
        fd, name = tempfile.mkstemp(prefix=".cairn-import-", suffix=".db", dir=self._folder)
        os.close(fd)
        self.path = Path(name)
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=MEMORY")  # (OFF would make a rolled-back savepoint undefined)
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        for (sql,) in self._target.execute("select sql from sqlite_master where type = 'table' "
                                           "and sql is not null and name not like 'sqlite_%'"):
            # _pos as the first column, written into the table's own statement: an ALTER TABLE
            # per table re-reads the whole schema each time (a third of a small import's set-up).
            opening = sql.index("(") + 1
            conn.execute(f"{sql[:opening]}_pos integer, {sql[opening:]}")
        # Rows with their own problems (reported already) still go in, so that the sums of the
        # invariants see the same money as the file; only a value SQLite cannot hold keeps a row out.
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("create table _absent (tbl text, id integer, pos integer, primary key (tbl, id))")
        conn.execute("create table _ref (tidx integer, tbl text, id integer, fidx integer, col text, "
                     "parent text, value)")
        return conn

    def close(self) -> None:
        if self._conn is None:
            return
        self._conn.close()
        self._conn = None
        for suffix in ("", "-journal", "-wal", "-shm"):
            with suppress(OSError):
                os.unlink(f"{self.path}{suffix}")


class _Checker:
    """Every problem of a file, table by table, as the check of the whole file in lists gave them."""

    def __init__(self, target: sqlite3.Connection, scratch: _Scratch) -> None:
        self.target = target
        self.scratch = scratch
        self.problems: dict[str, list[str]] = {t: [] for t in TABLES}
        self.unknown: list[str] = []  # names of tables Cairn does not have
        self.counts = dict.fromkeys(TABLES, 0)
        self.bad: set[tuple[str, int]] = set()  # rows with problems of their own
        self.failed: list[tuple[str, int, str]] = []  # (table, id, SQLite's refusal) of an insert
        self.fks = {t: [(i, r[3], r[2]) for i, r in enumerate(target.execute(f"PRAGMA foreign_key_list({t})"))]
                    for t in TABLES}

    def table(self, table: str, rows: Iterable, *, in_order: bool) -> None:
        """Check ``table``'s rows in file order; into the scratch database by id (``in_order``:
        the file gives them by rising id, else ``ReadWhole``; otherwise they are sorted here)."""
        cols = columns(self.target, table)
        names = [c[0] for c in cols]
        later = [(n, ADDED_LATER[(table, n)]) for n in names if (table, n) in ADDED_LATER]
        checks = plan(table, cols)
        problems = self.problems[table]
        pending: list[list] = []  # the values of each row to insert, and its position last
        seen: set[int] = set()  # (only when not in order: there a rising id is never seen twice)
        last = 0
        for i, row in enumerate(rows, 1):
            if type(row) is not dict:
                problems.append(f"{table} row {i} is not an object but {show(row)}.")
                continue
            rid = row.get("id")
            usable = type(rid) is int and 0 < rid <= SQLITE_INT
            if later:
                for name, value in later:
                    if name not in row:
                        row = {**row, name: value}
            found = check_row(table, row, checks)
            if found:
                where = f"{table} row {i}" + (f" (id {rid})" if usable else "")
                for field, message in found:
                    problems.append(f"{where}: {field}: {message.rstrip('.')}.")
            if not usable:
                continue
            if in_order:
                if rid <= last:
                    raise ReadWhole  # a repeated or falling id: the whole reading reports it in its order
                last = rid
            elif rid in seen:
                problems.append(f"{table} row {i} (id {rid}): id: another row of {table} has id {rid}.")
                continue
            else:
                seen.add(rid)
            self.counts[table] += 1
            values = list(map(row.get, names))
            values.append(i)
            if found:
                self.bad.add((table, rid))
                self._refs(table, names, values)
                if not all(_storable(v) for v in values):
                    self.scratch.conn.execute("insert into _absent values (?, ?, ?)", (table, rid, i))
                    continue
            pending.append(values)
            if in_order and len(pending) >= BATCH:
                self._flush(table, names, pending)
        if not in_order:
            pending.sort(key=lambda values: values[0])
        self._flush(table, names, pending)

    def _refs(self, table: str, names: list[str], values: list) -> None:
        """The references of a row whose values may not be what SQLite keeps: as the file wrote them."""
        rid = values[0]
        for fidx, col, parent in self.fks[table]:
            v = values[names.index(col)]
            if type(v) is int:
                self.scratch.conn.execute("insert into _ref values (?, ?, ?, ?, ?, ?, ?)", (
                    TABLES.index(table), table, rid, fidx, col, parent,
                    v if -SQLITE_INT - 1 <= v <= SQLITE_INT else str(v)))

    def _flush(self, table: str, names: list[str], pending: list[list]) -> None:
        conn = self.scratch.conn
        insert = (f"insert into {table} ({', '.join(names)}, _pos) "
                  f"values ({', '.join('?' * (len(names) + 1))})")
        conn.execute("SAVEPOINT batch")
        try:
            conn.executemany(insert, pending)
            conn.execute("RELEASE batch")
        except sqlite3.Error:
            conn.execute("ROLLBACK TO batch")
            conn.execute("RELEASE batch")
            for values in pending:  # one at a time, to name the row SQLite refused
                try:
                    conn.execute(insert, values)
                except sqlite3.Error as exc:  # e.g. a second draft for the same side (UNIQUE)
                    self.failed.append((table, values[0], str(exc)))
                    conn.execute("insert into _absent values (?, ?, ?)", (table, values[0], values[-1]))
                    if (table, values[0]) not in self.bad:
                        self._refs(table, names, values)
        pending.clear()

    def missing_table(self, table: str) -> None:
        self.problems[table].append(f"table {table!r} is missing or not a list of rows.")

    def finish(self) -> list[str]:
        """The problems of the whole file: each row's, references, then the invariants."""
        conn = self.scratch.conn
        out = [f"unknown table {show(name)}." for name in sorted(self.unknown)]
        for table in TABLES:
            out += self.problems[table]
        # The schema's indexes, made once the rows are in, for the queries below.
        for (sql,) in self.target.execute("select sql from sqlite_master where type = 'index' and sql is not null"):
            if not sql.lstrip().upper().startswith("CREATE UNIQUE"):
                conn.execute(sql)

        def exists(table: str, rid: object) -> bool:
            return conn.execute(f"select exists(select 1 from {table} where id = ?) or exists(select 1 from "
                                "_absent where tbl = ? and id = ?)", (rid, table, rid)).fetchone()[0] == 1

        def where(table: str, rid: int) -> str:
            pos = conn.execute(f"select _pos from {table} where id = ? union all select pos from _absent "
                               "where tbl = ? and id = ?", (rid, table, rid)).fetchone()[0]
            return f"{table} row {pos} (id {rid})"

        dangling = []  # (table's place, row id, reference's place, table, column, value, parent)
        for tidx, table in enumerate(TABLES):
            for fidx, col, parent in self.fks[table]:
                for rid, value in conn.execute(
                        f"select c.id, c.{col} from {table} c where c.{col} is not null and not exists "
                        f"(select 1 from {parent} p where p.id = c.{col}) and not exists "
                        f"(select 1 from _absent a where a.tbl = ? and a.id = c.{col})", (parent,)):
                    if (table, rid) not in self.bad:  # theirs are in _ref, as the file wrote them
                        dangling.append((tidx, rid, fidx, table, col, value, parent))
        for row in conn.execute("select tidx, id, fidx, tbl, col, value, parent from _ref").fetchall():
            if not exists(row[6], row[5]):
                dangling.append(row)
        for _tidx, rid, _fidx, table, col, value, parent in sorted(dangling, key=lambda d: d[:3]):
            out.append(f"{where(table, rid)}: {col}: {value} points at no {parent}.")
            self.bad.add((table, rid))
        for table, rid, message in self.failed:
            if (table, rid) not in self.bad:
                out.append(f"{where(table, rid)}: {message}.")
        # Types and dangling references are reported above, with the field that holds them.
        repeated = ("which does not exist", "is not a positive integer", "has unknown kind")
        found = (check.ledger_invariants(conn) + check.state_invariants(conn)
                 + check.terms_invariants(conn, numbers=False))
        return out + [printable(p, newlines=False) for p in found if not any(r in p for r in repeated)]


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


def _check_laid_out(checker: _Checker, events: Iterator[tuple[str, Any]]) -> list[str] | None:
    """Check a laid-out file's rows as they are read; the problems of its header, or None."""
    _kind, (version, revision) = next(events)
    problems = _header_problems(version, revision)
    if problems:
        for _ in events:  # every line still parsed: a file that is not JSON at all is named so first
            pass
        return problems
    kind, value = next(events)
    present: list[str] = []
    while kind == "table":
        table = value

        def rows() -> Iterator:
            nonlocal kind, value
            for kind, value in events:
                if kind != "row":
                    return
                yield value

        if table in TABLES:
            if [t for t in TABLES if t in present or t == table] != [*present, table]:
                raise ReadWhole  # tables out of order: the whole reading reports them in its order
            for missing in TABLES[TABLES.index(present[-1]) + 1 if present else 0:TABLES.index(table)]:
                checker.missing_table(missing)
            present.append(table)
            checker.table(table, rows(), in_order=True)
        else:
            checker.unknown.append(table)
            for _ in rows():
                pass
    for missing in TABLES[TABLES.index(present[-1]) + 1 if present else 0:]:
        checker.missing_table(missing)
    return None


def _header_problems(version: Any, revision: Any) -> list[str]:
    problems = []
    if version != FORMAT_VERSION or isinstance(version, bool):
        problems.append(f"format_version is {show(version)}; this Cairn reads version {FORMAT_VERSION}.")
    if revision != HEAD:
        problems.append(f"schema_revision is {show(revision)}; this Cairn reads revision {HEAD!r} "
                        "(export it again with this version of Cairn).")
    return problems


def _check_whole(checker: _Checker, text: bytes | str) -> list[str] | None:
    """Check a file read whole with json.loads; the problems that stop the check early, or None."""
    try:
        doc = json.loads(text)
    except RecursionError:
        return ["the file is not a Cairn export: its JSON is nested deeper than Python reads."]
    except ValueError as exc:  # not JSON, not UTF-8/16/32, an integer of more than 4,300 digits
        return [f"the file is not JSON ({printable(str(exc)[:200], newlines=False)})."]
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return ["the file is not a Cairn export (no \"format\": \"cairn-export\" field)."]
    problems = _header_problems(doc.get("format_version"), doc.get("schema_revision"))
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return [*problems, "\"tables\" is missing or not an object."]
    if problems:
        return problems
    checker.unknown += list(set(tables) - set(TABLES))
    for table in TABLES:
        rows = tables.get(table)
        if not isinstance(rows, list):
            checker.missing_table(table)
            continue
        checker.table(table, rows, in_order=False)
    return None


# --- the import ------------------------------------------------------------------------------------
def import_json(db: Database, source: bytes | str | Path | BinaryIO) -> dict[str, int]:
    """Check ``source`` (an export's text, or a file of it) whole, then write every row in one
    transaction; returns rows written per table. Refuses (``ImportRefused``) with every problem
    found, writing nothing."""
    if not is_empty(db):
        raise StorageError(f"{db.path} already holds contracts; import into a new, empty database "
                           "(for example --db new.db).")
    target = db.reader()
    scratch = _Scratch(target, db.path.parent)
    try:
        checker = _Checker(target, scratch)
        try:
            stopped = _check_laid_out(checker, laid_out(lines(source)))
        except ReadWhole:
            scratch.close()
            scratch = _Scratch(target, db.path.parent)
            checker = _Checker(target, scratch)
            stopped = _check_whole(checker, json_reading.whole(source))
        problems = stopped if stopped is not None else checker.finish()
        if problems:
            raise ImportRefused(problems)
        scratch.conn.execute("COMMIT")
        _copy(db, scratch.path)
        return checker.counts
    finally:
        scratch.close()


def _copy(db: Database, scratch: Path) -> None:
    """Every table from the scratch database into ``db``, in one transaction."""
    names = {table: ", ".join(c[0] for c in columns(db.reader(), table)) for table in TABLES}
    with closing(connect_raw(db.path)) as conn:
        try:
            conn.execute("ATTACH DATABASE ? AS scratch", (str(scratch),))
            conn.execute("BEGIN IMMEDIATE")
            try:
                if not is_empty(_Reader(conn)):
                    raise StorageError(f"{db.path} was filled by another program meanwhile; nothing was imported.")
                conn.execute("delete from main.profile")
                for table in TABLES:
                    conn.execute(f"insert into main.{table} ({names[table]}) select {names[table]} "
                                 f"from scratch.{table} order by id")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StorageError(f"{db.path}: import failed, nothing was written ({exc}).") from None


class _Reader:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def reader(self) -> sqlite3.Connection:
        return self._conn
