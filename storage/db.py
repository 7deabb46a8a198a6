"""The database file: where it lives, how it is opened, and write transactions.

Writes go through SQLModel sessions, one ``BEGIN IMMEDIATE`` transaction per operation,
so two Cairn sessions on one file serialise instead of failing with "database is
locked". Reads that must be fast (the first screen) use ``sqlite3`` directly, see
``storage.read``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import StorageError

BUSY_TIMEOUT_MS = 10_000
APP_NAME = "cairn"


def default_path() -> Path:
    env = os.environ.get("CAIRN_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "cairn.db"


def resolve_path(path: str | os.PathLike | None) -> Path:
    return Path(path).expanduser() if path else default_path()


def _create_private(path: Path) -> None:
    """Create the file readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if not side.exists():
            with suppress(OSError):
                os.close(os.open(side, os.O_CREAT | os.O_WRONLY, 0o600))


def connect_raw(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection with Cairn's pragmas (fast to import, no ORM)."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: cannot open the database ({exc}).") from None
    return conn


def check_file(path: Path) -> None:
    """Refuse files that are not SQLite databases, with one clear line."""
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file; give a file path with --db.")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StorageError(f"{path} is not readable by you; check its permissions.")
        if path.stat().st_size:
            with open(path, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise StorageError(f"{path} is not a Cairn database (not an SQLite file).")


class Database:
    """An opened, migrated Cairn database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine = None
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
        path = resolve_path(path)
        check_file(path)
        try:
            _create_private(path)
        except OSError as exc:
            raise StorageError(f"{path}: cannot create the database ({exc.strerror}).") from None
        db = cls(path)
        if migrate:
            from .migrate import upgrade

            upgrade(db)
        return db

    @property
    def engine(self):
        # Created on first write, so opening a database to read it never imports SQLAlchemy.
        if self._engine is None:
            self._engine = make_engine(self.path)
        return self._engine

    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (autocommit, so it sees other sessions' commits)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect_raw(self.path)
            self._readers.append(conn)
        return conn

    def release_reader(self) -> None:
        """Close this thread's read connection (worker threads are short-lived)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            if conn in self._readers:
                self._readers.remove(conn)
            conn.close()

    @contextmanager
    def session(self) -> Iterator:
        """One write transaction: commits whole or rolls back whole."""
        from sqlalchemy.exc import OperationalError
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise _storage_error(self.path, exc) from None
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        for conn in self._readers:
            conn.close()
        self._readers.clear()
        self._local = threading.local()
        if self._engine is not None:
            self._engine.dispose()


def _storage_error(path: Path, exc: Exception) -> StorageError:
    text = str(getattr(exc, "orig", exc))
    if "locked" in text or "busy" in text:
        return StorageError(f"{path} is busy in another program for too long; try again in a moment.")
    return StorageError(f"{path}: {text}")


def make_engine(path: Path):
    from sqlalchemy import create_engine, event

    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event decide how transactions start (see below).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        with suppress(sqlite3.DatabaseError):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front: a second writer waits (busy timeout)
        # rather than failing half-way through with "database is locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
