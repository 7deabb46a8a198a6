"""Read connections outlive the worker threads that use them (``Database.reader``): a storage call
runs in a thread of its own, and opening a connection for each one cost its opening and a cold
cache every time."""

from __future__ import annotations

import threading

from cairn.storage import db as db_module


def _in_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def _assert_closed(conn) -> None:
    try:
        conn.execute("select 1")
    except Exception as exc:  # noqa: BLE001 - sqlite3.ProgrammingError: closed
        assert "closed" in str(exc)
    else:
        raise AssertionError("a read connection was left open")


def _read_and_release(db, *, begin: bool = False):
    def call():
        conn = db.reader()
        conn.execute("select count(*) from contract").fetchone()
        if begin:
            conn.execute("begin")
        db.release_reader()
        return conn

    return call


def test_the_next_thread_reads_on_the_connection_the_last_one_released(db):
    first = _in_thread(_read_and_release(db))
    second = _in_thread(_read_and_release(db))
    assert second is first
    assert second.execute("select 1").fetchone() == (1,)  # released, not closed


def test_two_threads_reading_at_once_never_share_a_connection(db):
    both_in, release = threading.Barrier(3), threading.Event()  # the two threads and this one
    got = []

    def call():
        conn = db.reader()
        got.append(conn)
        both_in.wait(10)
        release.wait(10)
        db.release_reader()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    both_in.wait(10)
    release.set()
    for t in threads:
        t.join()
    assert got[0] is not got[1]
    assert len(db._idle) == 2


def test_a_connection_left_in_a_transaction_is_closed_not_kept(db):
    left = _in_thread(_read_and_release(db, begin=True))
    assert left not in db._idle and left not in db._readers
    assert _in_thread(_read_and_release(db)) is not left


def test_only_a_few_idle_connections_are_kept_and_close_closes_them_all(db, monkeypatch):
    monkeypatch.setattr(db_module, "IDLE_READERS", 1)
    gate = threading.Barrier(3)

    def call():
        db.reader()
        gate.wait(10)  # all three hold one at once
        db.release_reader()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    gate.wait(10)
    for t in threads:
        t.join()
    assert len(db._idle) == 1 and len(db._readers) == 1
    kept = db._idle[0]
    db.close()
    assert not db._idle and not db._readers
    _assert_closed(kept)


def test_closing_never_closes_a_connection_another_thread_is_reading_on(db):
    """Closed under a running query, CPython's sqlite3 module crashes the process (a quit while a
    storage call read). The reading thread's connection stays open until it lets go of it, and is
    closed then; the closing thread's own, and the idle ones, are closed at once."""
    holding, closed = threading.Event(), threading.Event()
    out: dict = {}

    def reading():
        conn = out["conn"] = db.reader()
        holding.set()
        closed.wait(10)
        out["after_close"] = conn.execute("select count(*) from contract").fetchone()  # still open
        db.release_reader()

    mine = db.reader()
    idle = _in_thread(_read_and_release(db))
    assert idle is not mine and db._idle == [idle]
    thread = threading.Thread(target=reading)
    thread.start()
    holding.wait(10)
    db.close()
    closed.set()
    thread.join()
    assert out["after_close"] == (0,)
    for conn in (idle, mine, out["conn"]):  # the reader's closed too, once it let go
        _assert_closed(conn)


def test_a_long_read_gives_way_every_few_steps_and_only_inside_giving_way(db):
    """``Database.giving_way``: the contract list's load waits there while a key is answered."""
    conn = db.reader()
    many = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 200000) select count(*) from n"
    looks = []
    with db.giving_way(lambda: looks.append(1)):
        assert conn.execute(many).fetchone() == (200000,)  # the read goes on after each look
    seen = len(looks)
    assert seen >= 10
    conn.execute(many).fetchone()
    assert len(looks) == seen  # the handler went with the block
