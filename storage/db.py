"""The database file: where it lives, how it is opened, and write transactions.

Writes go through SQLModel sessions, one ``BEGIN IMMEDIATE`` transaction per operation,
so two Cairn sessions on one file serialise instead of failing with "database is
locked". Reads that must be fast (the first screen) use ``sqlite3`` directly, see
``cairn.storage.queries``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from cairn.storage import files
from cairn.storage.errors import StorageError
from cairn.storage.files import connect_raw, create_private, resolve_path

IDLE_READERS = 4  # read connections kept for the next worker thread
GIVE_WAY_STEPS = 25_000  # SQLite's steps between looks in ``giving_way``: about a millisecond


class Database:
    """An opened, migrated Cairn database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine = None
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []  # every read connection open, to close them all
        # Read connections their threads have done with, for the next thread: a worker thread lives
        # for one call, and a new connection costs its opening and a cold cache (2-4 ms of a move
        # in a plan of 1,000).
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        # The plan the last draft operation on each contract committed over (contract id ->
        # operations.plan.Remembered): the next one, if nothing changed it since, takes it
        # rather than read it again.
        self.plans: dict = {}

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
        """Open (creating it if need be) the Cairn database at ``path`` and bring its schema up to date.
        Anything that is not a Cairn database is refused (``StorageError``) before anything is written."""
        from cairn.storage.migrate import REVISIONS

        path = resolve_path(path)
        found = files.admit(path, revisions=REVISIONS)
        try:
            create_private(path)
            if found.kind == "new":
                files.stamp(path)
        except OSError as exc:
            raise StorageError(f"{path}: cannot create the database ({exc.strerror}).") from None
        db = cls(path)
        if migrate:
            from cairn.storage.migrate import upgrade

            try:
                upgrade(db, current=found.revision)
            except BaseException:
                db.close()
                raise
        if found.kind == "cairn" and found.application_id != files.APPLICATION_ID:
            with suppress(StorageError, sqlite3.Error):  # made before Cairn said so; a read-only file stays
                files.stamp(path)
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
            with self._idle_lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = connect_raw(self.path)
                with self._idle_lock:
                    self._readers.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def giving_way(self, wait_turn: Callable[[], object], every: int | None = None) -> Iterator[None]:
        """Reads on this thread's connection call ``wait_turn()`` every ``every`` steps of SQLite's
        virtual machine (``GIVE_WAY_STEPS`` unless given), and go on when it returns: a long read
        made for a screen waits there while the screen answers a key."""
        conn = self.reader()
        every = every or GIVE_WAY_STEPS

        def progress() -> int:
            wait_turn()
            return 0  # go on (anything else would stop the read)

        conn.set_progress_handler(progress, every)
        try:
            yield
        finally:
            conn.set_progress_handler(None, every)

    def release_reader(self) -> None:
        """This thread is done reading (worker threads are short-lived): its read connection is
        kept for the next thread, unless it is left inside a transaction or enough are kept."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._idle_lock:
            if not conn.in_transaction and len(self._idle) < IDLE_READERS and conn in self._readers:
                self._idle.append(conn)
                return
            if conn in self._readers:
                self._readers.remove(conn)
        conn.close()

    @contextmanager
    def session(self) -> Iterator:
        """One write transaction: commits whole or rolls back whole (always rolls back in a rehearsal)."""
        from sqlalchemy.exc import DBAPIError, IntegrityError
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                if self.rehearsing:
                    session.rollback()
                else:
                    session.commit()
            except IntegrityError:
                session.rollback()
                raise  # a rule the operations missed: a bug to see, not a state of the file
            except DBAPIError as exc:  # locked too long, disk full, a damaged file: one line
                session.rollback()
                raise _storage_error(self.path, exc) from None
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def rehearsal(self) -> Iterator[None]:
        """Operations run in this thread inside it check everything and then roll back: every
        refusal they would give, nothing written (a dialog asks its question only after this)."""
        self._local.rehearsing = True
        try:
            yield
        finally:
            self._local.rehearsing = False

    @property
    def rehearsing(self) -> bool:
        """Operations in this thread roll back whatever they do (``rehearsal``)."""
        return getattr(self._local, "rehearsing", False)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the read connections no thread is using, and this thread's own. One that another
        thread is reading on stays open until that thread lets go of it (``release_reader`` closes
        it then): closed under a running query, CPython's sqlite3 module crashes the process
        (python/cpython#146471; seen here quitting while a storage call read)."""
        mine = getattr(self._local, "conn", None)
        self._local.conn = None
        with self._idle_lock:
            idle, self._idle, self._readers = self._idle, [], []
        for conn in idle:
            conn.close()
        if mine is not None and mine not in idle:
            mine.close()
        if self._engine is not None:
            self._engine.dispose()


def rehearse(db: Database, operation, *args, **kwargs) -> None:
    """Run ``operation(db, *args, **kwargs)`` as a rehearsal: raises what it would raise, writes nothing."""
    with db.rehearsal():
        operation(db, *args, **kwargs)


def _storage_error(path: Path, exc: Exception) -> StorageError:
    text = str(getattr(exc, "orig", exc))
    if "locked" in text or "busy" in text:
        return StorageError(f"{path} is busy in another program for too long; try again in a moment.")
    if "malformed" in text or "not a database" in text:
        return files.damaged(path, getattr(exc, "orig", exc))
    return StorageError(f"{path}: {text}")


def make_engine(path: Path):
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    # Connections come from the same URI as every reader (files.uri), so a name with ?, # or % is
    # the same file for writes as for reads; SQLAlchemy's own URL would cut it at the "?".
    target = files.uri(path)
    engine = create_engine(
        "sqlite://", poolclass=QueuePool,
        creator=lambda: sqlite3.connect(target, uri=True, timeout=files.BUSY_TIMEOUT_MS / 1000,
                                        check_same_thread=False),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event decide how transactions start (see below).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout={files.BUSY_TIMEOUT_MS}")
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
