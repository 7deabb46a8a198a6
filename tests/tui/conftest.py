"""TUI test fixtures: a real app from the same factory as ``cairn``, on a seeded temporary
database, with time frozen and animations off."""

from __future__ import annotations

import os
import shutil
import time

import pendulum
import pytest

os.environ["TZ"] = "UTC"
time.tzset()
os.environ["TEXTUAL_ANIMATIONS"] = "none"
pendulum.set_local_timezone(pendulum.timezone("UTC"))

NOW = "2026-11-20T09:00:00Z"


@pytest.fixture
def clock():
    from cairn.storage.clock import FixedClock

    return FixedClock(NOW)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "cairn.db"


def seed_basic(db_path, clock):
    """Two contracts: a freelancer contract with history, an active milestone and futures;
    and a client-side contract with a pending change request."""
    from cairn.storage import api

    db = api.Database.open(db_path)
    start = clock.now()
    clock.set(start.subtract(days=30))
    b = api.create_contract(db, title="Website redesign", client_name="Northwind Traders", milestones=[
        api.MilestoneIn("Wireframes", "500.00", "2026-11-01"),
        api.MilestoneIn("Visual design", "1200.00", "2026-11-25"),
        api.MilestoneIn("Build and launch", "2300.00", "2026-12-20"),
        api.MilestoneIn("Handover", "300.00"),
    ], clock=clock)
    web = b.id
    api.fund_next_milestone(db, web, clock=clock)
    api.submit_work(db, web, message="Wireframes attached", clock=clock)
    api.release_payment(db, web, clock=clock)
    clock.set(start.subtract(days=10))
    api.fund_next_milestone(db, web, clock=clock)
    b = api.create_contract(db, title="Logo refresh", client_name="Me (subcontract)", my_side="client",
                            currency="EUR", milestones=[api.MilestoneIn("Concepts", "300"),
                                                        api.MilestoneIn("Final files", "200")], clock=clock)
    logo = b.id
    b = api.draft_add(db, logo, side="freelancer", title="Extra variants", amount="150", clock=clock)
    api.propose_changes(db, logo, message="Client asked for variants", clock=clock)
    clock.set(start)
    db.close()
    return {"web": web, "logo": logo}


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory):
    """``seed_basic`` run once per test process (a third of a second of ORM work), with a clock
    frozen at NOW as every test's; each test gets a copy of the file."""
    from cairn.storage.clock import FixedClock

    path = tmp_path_factory.mktemp("seeded") / "cairn.db"
    ids = seed_basic(path, FixedClock(NOW))
    assert not path.with_name("cairn.db-wal").exists(), "the template must be one closed file"
    return path, ids


@pytest.fixture
def seeded(db_path, _seeded_template):
    template, ids = _seeded_template
    shutil.copyfile(template, db_path)
    os.chmod(db_path, 0o600)
    return dict(ids)


@pytest.fixture
def make_test_app(db_path, clock):
    """Build the app exactly as ``cairn`` does, on the test database and clock."""
    from cairn.tui.app import make_app

    def factory(**kwargs):
        return make_app(db_path, clock=clock, **kwargs)

    return factory
