"""``cairn demo``: a realistic demo database, relative to now.

The hand-made contracts go through the storage operations with a clock moved through time, so
every event has a real date and every rule was checked on the way; dates are relative to the
clock's "now", so "a submission two days from automatic release" stays true whenever the demo is
built. ``synthetic`` (``demo_bulk.py``) adds N more contracts for scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pendulum

from cairn.storage import api
from cairn.storage.clock import FixedClock
from cairn.storage.db import Database
from cairn.storage.demo.bulk import synthetic
from cairn.storage.files import connect_raw

F, C = api.Side.FREELANCER.value, api.Side.CLIENT.value


@dataclass(frozen=True)
class DemoSummary:
    contracts: int
    synthetic: int
    seconds: float


def build(db: Database, *, now: pendulum.DateTime | None = None, contracts: int = 0,
          seed: int = 7) -> DemoSummary:
    """The hand-made demo contracts, then ``contracts`` synthetic ones."""
    import time

    started = time.perf_counter()
    now = (now or pendulum.now("UTC")).in_timezone("UTC")
    n = scenario(db, now=now)
    if contracts:
        synthetic(db, contracts, now=now, seed=seed)
    return DemoSummary(n, contracts, time.perf_counter() - started)


def wipe(db: Database) -> None:
    """Empty a Cairn database in one transaction (``cairn demo --force``), keeping the built-in
    profiles. It waits for, and never breaks, another session's write: the file is not deleted."""
    import sqlite3

    from cairn.storage.errors import StorageError

    conn = connect_raw(db.path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for table in ("event", "action_change", "action", "plan_item", "refund_request", "plan_draft",
                      "change_request", "ledger_entry", "milestone", "contract"):
            conn.execute(f"delete from {table}")
        conn.execute("delete from profile where builtin = 0")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if "locked" in str(exc) or "busy" in str(exc):
            raise StorageError(f"{db.path} is busy in another program for too long; try again in a moment.") from None
        raise StorageError(f"{db.path}: {exc}") from None
    finally:
        conn.close()


# --- the hand-made contracts -------------------------------------------------------------
def scenario(db: Database, *, now: pendulum.DateTime) -> int:
    """Every state the dashboard can show, on eight contracts; returns how many."""
    clock = FixedClock(now)
    today = now.in_timezone("local").date()

    def at(days: float, hours: float = 0) -> FixedClock:
        clock.set(now.subtract(days=int(days), hours=hours + (days - int(days)) * 24))
        return clock

    def due(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    M = api.MilestoneIn
    ids = []

    # 1. A submission two days from automatic release (M11), after a round of changes (M10);
    #    an earlier milestone released long ago (available, P5).
    b = api.create_contract(db, title="Brand refresh", client_name="Juniper Coffee Roasters",
                            notes="Logo, guidelines and packaging for three coffee blends.",
                            milestones=[M("Discovery and moodboard", "1,200.00", due(-60)),
                                        M("Logo concepts", "2,400.00", due(1),
                                          "Three directions, two rounds of revisions."),
                                        M("Brand guidelines", "1,800.00", due(12)),
                                        M("Packaging mockups", "2,200.00", due(30))], clock=at(75))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(74))
    api.submit_work(db, cid, actor=F, message="Moodboard and competitor review attached.", clock=at(62))
    api.release_payment(db, cid, actor=C, clock=at(60))
    api.fund_next_milestone(db, cid, actor=C, clock=at(58))
    api.submit_work(db, cid, actor=F, message="Three logo directions, see the PDF.", clock=at(20))
    api.request_changes(db, cid, actor=C, message="Could direction B try a warmer palette?", clock=at(16))
    api.submit_work(db, cid, actor=F, message="Direction B revised with the warmer palette.", clock=at(12))

    # 2. A partial release with the remainder carried to the next milestone (P3), which is now
    #    active and overdue (M12); the released money is still pending (P5).
    b = api.create_contract(db, title="Shopify store migration", client_name="Harbor & Pine Outfitters",
                            milestones=[M("Product catalogue import", "1,500.00", due(-25)),
                                        M("Theme customisation", "2,000.00", due(-2)),
                                        M("Checkout and payments", "1,200.00", due(9))], clock=at(40))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(39))
    api.submit_work(db, cid, actor=F, message="All 1,240 products imported with variants.", clock=at(9))
    api.release_payment(db, cid, actor=C, amount="1,100.00", remainder=api.Remainder.CARRY, clock=at(4))
    api.fund_next_milestone(db, cid, actor=C, clock=at(3, 20))

    # 3. EUR; the freelancer's change request is pending (R2, R3).
    b = api.create_contract(db, title="Mobile app UI kit", client_name="Fjordline Ferries AS", currency="EUR",
                            milestones=[M("Design tokens and type scale", "900.00", due(-10)),
                                        M("Component library", "2,400.00", due(6)),
                                        M("Booking flow screens", "1,800.00", due(20)),
                                        M("Handoff and documentation", "600.00", due(28))], clock=at(30))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(29))
    api.submit_work(db, cid, actor=F, message="Tokens exported for iOS and Android.", clock=at(21))
    api.release_payment(db, cid, actor=C, clock=at(18))
    b = api.fund_next_milestone(db, cid, actor=C, clock=at(17))
    booking = next(m for m in b.milestones if m.title == "Booking flow screens")
    api.draft_edit(db, cid, side=F, key=f"m{booking.id}", amount="2,100.00", clock=at(2, 2))
    api.draft_add(db, cid, side=F, title="Accessibility review", amount="450.00", due_date=due(24),
                  after_key=f"m{booking.id}", description="Contrast, focus order and screen-reader labels.",
                  clock=at(2, 1))
    api.propose_changes(db, cid, actor=F, message="Booking now covers seat selection; adding an "
                                                  "accessibility pass before handoff.", clock=at(2))

    # 4. Ended by the client with a future milestone voided (C3); a bonus after the end (P7), still
    #    pending; the feedback window (C4) is still open.
    b = api.create_contract(db, title="Conference website", client_name="Northwind Events",
                            milestones=[M("Information architecture", "800.00", due(-80)),
                                        M("Speaker and schedule pages", "1,600.00", due(-58)),
                                        M("Ticketing integration", "1,400.00", due(-20))], clock=at(90))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(89))
    api.submit_work(db, cid, actor=F, message="Sitemap and wireframes.", clock=at(80))
    api.release_payment(db, cid, actor=C, clock=at(78))
    api.fund_next_milestone(db, cid, actor=C, clock=at(77))
    api.submit_work(db, cid, actor=F, message="Pages live on staging.", clock=at(60))
    api.release_payment(db, cid, actor=C, clock=at(57))
    api.end_contract(db, cid, actor=C, reason=api.EndReason.NOT_NEEDED, clock=at(10))
    api.give_bonus(db, cid, actor=C, amount="250.00", note="Thanks for the quick turnaround on the speaker pages.",
                   clock=at(1))

    # 5. The user is the client (subcontracting): work waits for the user's review, and the user's
    #    own plan draft is not sent yet (R1).
    b = api.create_contract(db, title="Children's book illustrations", client_name="Tidewater Press",
                            my_side=C, notes="Subcontracted to Ana Ruiz, illustrator. I am the client here.",
                            milestones=[M("Character sketches", "600.00", due(-12)),
                                        M("Six spread illustrations", "2,400.00", due(5)),
                                        M("Cover art", "900.00", due(15))], clock=at(25))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(24))
    api.submit_work(db, cid, actor=F, message="Four characters, two poses each.", clock=at(15))
    api.release_payment(db, cid, actor=C, clock=at(14))
    api.fund_next_milestone(db, cid, actor=C, clock=at(13))
    api.submit_work(db, cid, actor=F, message="All six spreads; layered files in the shared folder.",
                    clock=at(1))
    api.draft_add(db, cid, side=C, title="Back cover and spine", amount="350.00", due_date=due(20), clock=at(0, 3))

    # 6. EUR; the client asked for part of the escrow back and the freelancer has not answered (P6).
    b = api.create_contract(db, title="Data pipeline audit", client_name="Kestrel Analytics GmbH", currency="EUR",
                            milestones=[M("Current-state review", "1,500.00", due(-6)),
                                        M("Recommendations report", "2,000.00", due(14))], clock=at(20))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(19))
    api.request_refund(db, cid, actor=C, amount="500.00", clock=at(2))

    # 7. A direct client (no hold, no auto-release, P9): released money available at once; the
    #    client deleted a milestone (R1); the next one is overdue and not funded yet (M8, M12).
    b = api.create_contract(db, title="Newsletter templates", client_name="Larkspur Yoga Studio",
                            profile="Direct client",
                            milestones=[M("Welcome email series", "450.00", due(-35)),
                                        M("Promo email A/B variants", "300.00", due(-20)),
                                        M("Monthly newsletter template", "380.00", due(-4))], clock=at(50))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(49))
    api.submit_work(db, cid, actor=F, message="Three emails in the ESP, tested on mobile.", clock=at(40))
    b = api.release_payment(db, cid, actor=C, clock=at(38))
    promo = next(m for m in b.milestones if m.title == "Promo email A/B variants")
    api.draft_delete(db, cid, side=C, key=f"m{promo.id}", clock=at(30, 1))
    api.send_changes(db, cid, actor=C, message="Dropping the promo variants this quarter.", clock=at(30))

    # 8. Refunded by the freelancer (P6), then ended by the freelancer (a milestone voided), archived (C6).
    b = api.create_contract(db, title="Podcast audio cleanup", client_name="Bramble & Finch Media",
                            milestones=[M("Pilot episode", "300.00", due(-40)),
                                        M("Episodes 2-6", "1,200.00", due(-20))], clock=at(45))
    cid = b.id
    ids.append(cid)
    api.fund_next_milestone(db, cid, actor=C, clock=at(44))
    api.refund_escrow(db, cid, actor=F, clock=at(41))
    api.end_contract(db, cid, actor=F, reason=api.EndReason.CANCELLED, feedback_rating=4,
                     feedback_text="Source audio was beyond repair; parted on good terms.", clock=at(40))
    api.archive_contract(db, cid, clock=at(39))

    # 9. Hourly: no milestones (C1).
    b = api.create_contract(db, title="Website care plan", client_name="Juniper Coffee Roasters",
                            kind="hourly", notes="Two hours a month of updates and backups.", clock=at(35))
    ids.append(b.id)

    # Everything due by now (availability, P5) is applied as of now.
    api.apply_timers(db, FixedClock(now))
    return len(ids)
