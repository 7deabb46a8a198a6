"""Shared fixtures: a fresh database per test, a frozen clock, small contract builders."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from cairn.storage import api
from cairn.storage.clock import FixedClock
from cairn.storage.db import Database

# Amounts are typed and shown in Cairn's point form in every test, whatever the developer's locale
# (tests of other locales choose theirs with money.use_numbers); subprocesses inherit it too.
os.environ["LC_ALL" if os.environ.get("LC_ALL") else "LC_NUMERIC"] = "C.UTF-8"

# A Monday noon in UTC, far from any daylight-saving change.
T0 = "2026-03-02T12:00:00Z"

TABLES = ("profile", "contract", "milestone", "ledger_entry", "change_request", "plan_draft",
          "plan_item", "refund_request", "action", "action_change", "event")

# The property tests' budget: Hypothesis's default (100 examples) in the README's suite, and ten
# times as many with `--hypothesis-profile=deep`, for a night or before a release. (Tests that name
# their own max_examples keep it.)
settings.register_profile("deep", max_examples=1000)


SHM = Path("/dev/shm")


@pytest.hookimpl(tryfirst=True)  # before pytest's tmp_path plugin reads --basetemp
def pytest_configure(config: pytest.Config) -> None:
    """Test files live in memory (/dev/shm) where the machine has it: every commit of a test
    database is fsynced (synchronous=FULL), ~6 ms on a disk and ~0.03 ms there, and the
    suite commits tens of thousands of times. Nothing else changes: the same SQLite, pragmas and
    files; a SIGKILL still leaves the page cache. ``--basetemp`` (or no /dev/shm) keeps pytest's."""
    # One process runs hundreds of apps over a heap of Textual, SQLAlchemy and Hypothesis: with
    # Python's default thresholds a full collection walks all of it every few thousand young
    # passes, 16% of the TUI tests' CPU. Fewer full passes; what they free is the same. (The app
    # sets its own thresholds while it runs, tui/garbage.py, and restores these.)
    gc.set_threshold(20_000, 20, 20)
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller's basetemp and TMPDIR came with it
    if config.option.basetemp or not (SHM.is_dir() and os.access(SHM, os.W_OK)):
        return
    if shutil.disk_usage(SHM).free < 2 * 1024**3:
        return
    base = Path(tempfile.mkdtemp(prefix="cairn-tests-", dir=SHM))
    (base / "tmp").mkdir()
    config.option.basetemp = str(base / "pytest")
    config._cairn_memory_temp = base  # type: ignore[attr-defined]
    os.environ["TMPDIR"] = str(base / "tmp")  # tempfile.mkdtemp in tests, and the processes they start
    tempfile.tempdir = None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/field/ (real processes, terminals, SSH, Litestream) is ``slow``:
    ``-m "not slow"`` is the quick part of the suite (tests/README.md). The order is set for the
    workers (``_shares``)."""
    for item in items:
        if "/tests/field/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.slow)
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    items[:] = _shares(items, workers)


def _cost(item: pytest.Item) -> float:
    mark = item.get_closest_marker("cost")
    return float(mark.args[0]) if mark else 0.0


def _shares(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The list cut as pytest-xdist's ``--dist worksteal`` cuts it (one contiguous share a worker,
    of equal sizes), each share beginning with its long tests (``@pytest.mark.cost``), dealt
    longest first to the share with the least so far; the other tests keep their order and fill
    the shares. A worker that runs out takes half of another's queue from its end, never a test at
    its front: so no long test starts late and runs alone at the end, and no worker holds two of
    them while another has none. (Under load, the worker whose share began with both the property
    test and the import sweep ran 318 s; the other four, 283-287 s.)"""
    long = sorted((item for item in items if _cost(item)), key=_cost, reverse=True)
    rest = iter([item for item in items if not _cost(item)])
    sizes, left = [], len(items)
    for k in range(workers):
        sizes.append(left // (workers - k))
        left -= sizes[-1]
    shares: list[list[pytest.Item]] = [[] for _ in sizes]
    load = [0.0] * workers
    for item in long:
        k = min((k for k in range(workers) if len(shares[k]) < sizes[k]), key=lambda k: load[k])
        shares[k].append(item)
        load[k] += _cost(item)
    for k, share in enumerate(shares):
        share.extend(next(rest) for _ in range(sizes[k] - len(share)))
    return [item for share in shares for item in share]


def pytest_unconfigure(config: pytest.Config) -> None:
    base = getattr(config, "_cairn_memory_temp", None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def db(tmp_path):
    database = Database.open(tmp_path / "cairn.db")
    yield database
    database.close()


def make_contract(db: Database, clock: FixedClock, n: int = 3, *, amount: int = 100_00,
                  my_side: str = "freelancer", currency: str = "USD", profile: str | None = None,
                  title: str = "Website", **kw):
    """A fixed-price contract with ``n`` milestones "M1".."Mn" of ``amount`` minor units each."""
    milestones = [api.MilestoneIn(title=f"M{i}", amount=amount) for i in range(1, n + 1)]
    return api.create_contract(db, title=title, client_name="Acme", currency=currency, profile=profile,
                               my_side=my_side, milestones=milestones, clock=clock, **kw)


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, for "a refusal changes nothing" checks."""
    conn = sqlite3.connect(db.path)
    try:
        return {t: conn.execute(f"select * from {t} order by rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def contract(db, clock):
    """A freelancer-side contract with three 100.00 USD milestones."""
    return make_contract(db, clock)


@pytest.fixture
def client_contract(db, clock):
    """A contract where the user is the client (subcontracting)."""
    return make_contract(db, clock, my_side="client")


def refused(db: Database, rule: str, fn, *args, **kw) -> api.DomainError:
    """Call an operation that must be refused under ``rule``; assert it changed nothing."""
    before = dump(db)
    with pytest.raises(api.DomainError) as info:
        fn(db, *args, **kw)
    assert info.value.rule == rule, f"expected {rule}, got {info.value}"
    assert str(info.value).startswith(f"{rule}: ")
    assert dump(db) == before, "a refused operation changed the database"
    return info.value


@pytest.fixture(autouse=True)
def _own_user_dirs(tmp_path, monkeypatch):
    """Each test has its own config, data and state folders (config file, default database, log
    file): nothing is read from or written to the user's own, and tests cannot see each other's."""
    for var, name in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(tmp_path / f"user-{name}"))
    for var in ("CAIRN_CONFIG", "CAIRN_THEME", "CAIRN_DB"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory) -> Path:
    """An empty database brought to HEAD by the real migrations, once per test process."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    Database.open(path).close()
    assert not path.with_name("template.db-wal").exists(), "the template must be one closed file"
    return path


@pytest.fixture(autouse=True)
def _new_databases_from_template(request, monkeypatch):
    """A new database is a copy of one the migrations built in this process, not a fresh run of
    them: replaying every migration costs 0.2-0.8 s of Alembic per database, and most tests make
    one or more. Only ``migrate.upgrade`` of a file with no schema yet to ``head`` is replaced,
    by SQLite's backup of the template into the file Cairn created (its mode, its header stamp
    and everything before the upgrade are Cairn's own); the copy is page for page what the
    migrations wrote. Tests marked ``real_migrations`` (tests/storage/test_migrations.py) and
    every process a test starts run the migrations themselves."""
    if request.node.get_closest_marker("real_migrations"):
        return
    from cairn.storage import migrate
    from cairn.storage.files import connect_raw

    template = request.getfixturevalue("_migrated_template")
    real_upgrade = migrate.upgrade

    def upgrade(db, revision="head", *, current=None):
        if revision != "head" or current is not None or migrate.current_revision(db.path) is not None:
            return real_upgrade(db, revision, current=current)
        source = sqlite3.connect(template)
        target = connect_raw(db.path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    upgrade.real = real_upgrade  # type: ignore[attr-defined]  # tests/storage/test_new_database.py
    monkeypatch.setattr(migrate, "upgrade", upgrade)


_ENGINE_SHARES: dict[str, object] = {}


@pytest.fixture(autouse=True)
def _one_dialect_per_process(monkeypatch):
    """Every engine a test process makes shares the first one's SQLAlchemy dialect and compiled
    statements, as the operations of one ``cairn`` process share its one engine. SQLAlchemy keys
    its statement cache by the dialect object, so each new Database (one or more per test, one
    per Hypothesis example) otherwise compiles every ORM statement and adapts every column type
    again: a third of the stateful test's time. The engines are otherwise Cairn's own
    (make_engine: same pool, pragmas and BEGIN IMMEDIATE); every make_engine builds the same
    dialect (class, driver, settings), so a statement compiled for one is the statement the
    other would compile. Processes the tests start compile for themselves."""
    from cairn.storage import db as db_module

    make_engine = db_module.make_engine

    def shared(path):
        engine = make_engine(path)
        if not _ENGINE_SHARES:
            engine.connect().close()  # SQLAlchemy initializes a dialect on its engine's first connection
            _ENGINE_SHARES.update(dialect=engine.dialect, cache=engine._compiled_cache)
            return engine
        dialect = _ENGINE_SHARES["dialect"]
        assert type(dialect) is type(engine.dialect) and dialect.dbapi is engine.dialect.dbapi
        engine.dialect = engine.pool._dialect = dialect
        engine._compiled_cache = _ENGINE_SHARES["cache"]
        return engine

    monkeypatch.setattr(db_module, "make_engine", shared)


@pytest.fixture(autouse=True)
def _no_start_up_delays(monkeypatch):
    """The dashboard waits a moment after its first frame before loading every contract and
    before its first timer pass (so the frame reaches the terminal first); tests need no such
    wait, and ``settle`` can then name the state it waits for."""
    import cairn.tui.app as app
    import cairn.tui.screens.contract_list as contract_list

    monkeypatch.setattr(contract_list, "FULL_LOAD_DELAY", 0)
    monkeypatch.setattr(app, "TIMERS_DELAY", 0)
