"""``cairn demo --contracts N``: N synthetic contracts for scale, written in bulk.

``executemany`` in one transaction (10,000 contracts in seconds), written every ``BATCH``
contracts so memory stays flat however many are asked for, with the same consistent ledgers and
events the storage operations would have written, so ``cairn check`` passes on them.
The hand-made contracts are in ``demo.py``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pendulum

from cairn.storage import api
from cairn.storage.db import Database
from cairn.storage.files import connect_raw
from cairn.storage.models import PROFILE_NUMBERS
from cairn.storage.money import format_amount
from cairn.storage.types import ISO_FORMAT

F, C = api.Side.FREELANCER.value, api.Side.CLIENT.value

_PROJECTS = [
    ("Website redesign", ["Discovery and brief", "Sitemap and wireframes", "Visual design", "Homepage build",
                          "Inner pages build", "Content migration", "Contact forms", "SEO basics",
                          "Accessibility pass", "QA and browser testing", "Launch", "Training session"]),
    ("Mobile app MVP", ["Product requirements", "User flows", "Wireframes", "UI design", "Authentication",
                        "Core screens", "Offline sync", "Push notifications", "Payments", "Beta build",
                        "App store submission", "Post-launch fixes"]),
    ("Brand identity", ["Discovery workshop", "Moodboards", "Logo concepts", "Logo refinement", "Colour palette",
                        "Typography", "Business cards", "Social templates", "Brand guidelines", "Signage",
                        "Packaging", "Asset handoff"]),
    ("Data dashboard", ["Data audit", "Metric definitions", "Warehouse schema", "ETL jobs", "Data quality checks",
                        "Dashboard wireframes", "Sales dashboard", "Marketing dashboard", "Finance dashboard",
                        "Alerting", "Documentation", "Team training"]),
    ("E-commerce store", ["Platform setup", "Theme selection", "Product import", "Collections", "Checkout",
                          "Shipping rules", "Tax setup", "Email notifications", "Reviews app", "Speed tuning",
                          "Launch", "Handover"]),
    ("Marketing video", ["Creative brief", "Script", "Storyboard", "Voice-over casting", "Shoot day",
                         "Rough cut", "Fine cut", "Motion graphics", "Colour grade", "Sound mix",
                         "Captions", "Final delivery"]),
    ("API integration", ["Requirements", "Sandbox access", "Auth flow", "Data mapping", "Sync service",
                         "Webhooks", "Error handling", "Rate limiting", "Load testing", "Monitoring",
                         "Runbook", "Production cut-over"]),
]
_NAMES = ["Juniper", "Harbor", "Kestrel", "Larkspur", "Northwind", "Bramble", "Fjordline", "Copperleaf",
          "Meridian", "Saffron", "Oakridge", "Bluebell", "Granite", "Willow", "Solstice", "Ember", "Tidewater",
          "Aster", "Pinecrest", "Marigold", "Riverbend", "Sable", "Cobalt", "Hawthorn"]
_KINDS = ["Coffee Roasters", "Analytics", "Design Studio", "Outfitters", "Events", "Labs", "Dental Care",
          "Law Group", "Bakery", "Fitness", "Architects", "Media", "Logistics", "Health", "Books", "Realty"]
_CURRENCIES = ["USD"] * 6 + ["EUR"] * 3 + ["GBP"]
_REASONS = [r.value for r in api.EndReason]
BATCH = 2_000  # contracts made in memory before their rows are written: memory stays flat

_COLUMNS = {
    "contract": ("id", "title", "client_name", "kind", "currency", "profile_id", "my_side", "started_on", "notes",
                 "status", "archived", "ended_at", "ended_by", "end_reason", "feedback_rating", "feedback_text",
                 "feedback_at", "created_at", "version", *PROFILE_NUMBERS),
    "milestone": ("id", "contract_id", "position", "title", "description", "due_date", "amount_minor", "state",
                  "activated_at", "submitted_at", "submission_message", "review_due_at", "closed_at",
                  "created_at"),
    "ledger_entry": ("id", "contract_id", "milestone_id", "kind", "amount_minor", "at", "actor", "available_at",
                     "note"),
    "event": ("id", "contract_id", "milestone_id", "ledger_id", "at", "actor", "kind", "summary", "before_json",
              "after_json", "read"),
}


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.strftime(ISO_FORMAT)


class _Bulk:
    """Rows for one batch, with ids handed out in order."""

    def __init__(self, conn, now: datetime) -> None:
        self.now = now
        self.rows: dict[str, list[tuple]] = {t: [] for t in _COLUMNS}
        self.next_id = {t: (conn.execute(f"select coalesce(max(id), 0) from {t}").fetchone()[0] + 1)
                        for t in _COLUMNS}
        self.profiles = {r[1]: (r[0], r[2], r[3], dict(zip(PROFILE_NUMBERS, r[2:], strict=True)))
                         for r in conn.execute(f"select id, name, {', '.join(PROFILE_NUMBERS)} from profile "
                                               "where name in ('Marketplace', 'Direct client')")}
        self.events_of_contract = 0

    def write(self, conn) -> None:
        """Insert the rows made so far and let them go (still one transaction)."""
        for table, cols in _COLUMNS.items():
            conn.executemany(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                             self.rows[table])
            self.rows[table] = []

    def add(self, table: str, **values) -> int:
        rid = self.next_id[table]
        self.next_id[table] += 1
        values["id"] = rid
        self.rows[table].append(tuple(values.get(c) for c in _COLUMNS[table]))
        return rid

    def money(self, cid: int, mid: int | None, kind: str, amount: int, at: datetime, actor: str,
              hold: int | None = None, note: str = "") -> int:
        available = at + timedelta(days=hold) if hold is not None else None
        return self.add("ledger_entry", contract_id=cid, milestone_id=mid, kind=kind, amount_minor=amount,
                        at=_iso(at), actor=actor, available_at=_iso(available), note=note)

    def event(self, cid: int, my_side: str, at: datetime, actor: str, kind: str, summary: str, *,
              mid: int | None = None, lid: int | None = None, before=None, after=None) -> None:
        self.events_of_contract += 1
        # What the user recorded is read (as either side); the timers' work older than a week has been seen.
        read = 1 if actor != "automatic" or at < self.now - timedelta(days=7) else 0
        self.add("event", contract_id=cid, milestone_id=mid, ledger_id=lid, at=_iso(at), actor=actor, kind=kind,
                 summary=summary,
                 before_json=None if before is None else json.dumps(before, sort_keys=True),
                 after_json=None if after is None else json.dumps(after, sort_keys=True), read=read)


def synthetic(db: Database, count: int, *, now: pendulum.DateTime, seed: int = 7) -> None:
    """``count`` contracts of 3-12 milestones in varied states, with consistent ledgers and events."""
    rng = random.Random(seed)
    now_dt = datetime.fromtimestamp(now.timestamp(), UTC)
    conn = connect_raw(db.path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            bulk = _Bulk(conn, now_dt)
            for done in range(1, count + 1):
                _one_contract(bulk, rng, now_dt)
                if done % BATCH == 0 or done == count:
                    bulk.write(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


def _one_contract(bulk: _Bulk, rng: random.Random, now: datetime) -> None:
    project, phases = rng.choice(_PROJECTS)
    k = rng.randint(3, 12)
    titles = [phases[i] for i in sorted(rng.sample(range(len(phases)), k))]
    currency = rng.choice(_CURRENCIES)
    my_side = C if rng.random() < 0.1 else F
    direct = rng.random() < 0.15
    pid, review_days, hold_days, terms = bulk.profiles["Direct client" if direct else "Marketplace"]
    client = f"{rng.choice(_NAMES)} {rng.choice(_KINDS)}"
    amounts = [rng.randrange(10, 600) * 500 for _ in range(k)]
    span_days = rng.randint(14 + 4 * k, 700)
    start = now - timedelta(days=span_days, seconds=rng.randint(0, 86_400))
    ended = rng.random() < 0.25
    done = rng.randint(1, k) if ended else rng.randint(0, k)
    locked = None if ended or done == k or rng.random() < 0.35 else rng.choice(("active", "submitted"))
    step = (now - start - timedelta(days=2)) / (done + (2 if locked else 1))

    bulk.events_of_contract = 0
    cid = bulk.next_id["contract"]
    bulk.event(cid, my_side, start, my_side, "contract_created",
               f"Contract \"{project}\" created with {k} milestones worth {format_amount(sum(amounts), currency)}.",
               after={"title": project, "client": client, "currency": currency, "milestones": k})

    def due_for(i: int) -> str | None:
        if rng.random() < 0.2:
            return None
        if i > done or (i == done and not locked):  # not started: mostly ahead, some overdue
            return (now + timedelta(days=(i - done) * rng.randint(7, 21) - rng.choice((0, 0, 0, 10)))
                    ).date().isoformat()
        return (start + step * (i + 1) + timedelta(days=rng.randint(-3, 10))).date().isoformat()

    milestones = []
    t = start + timedelta(hours=1)
    last = t
    for i, (title, amount) in enumerate(zip(titles, amounts, strict=True)):
        m = {"contract_id": cid, "position": i + 1, "title": title, "description": "", "due_date": due_for(i),
             "amount_minor": amount, "state": "future", "created_at": _iso(start)}
        mid = bulk.next_id["milestone"] + len(milestones)
        fmt = format_amount(amount, currency)
        if i < done or (i == done and locked):
            funded = start + step * i + timedelta(hours=rng.randint(1, 48))
            m["activated_at"] = _iso(funded)
            dep = bulk.money(cid, mid, "deposit", amount, funded, C)
            bulk.event(cid, my_side, funded, C, "funded", f"\"{title}\" funded with {fmt} and activated.",
                       mid=mid, lid=dep, before={"state": "future"},
                       after={"state": "active", "deposit": amount, "credit": 0})
            last = funded
        if i < done:
            outcome = rng.random()
            closed = funded + step * 0.8
            if outcome < 0.1:  # refunded by the freelancer
                m["state"] = "refunded"
                lid = bulk.money(cid, mid, "refund", amount, closed, F, note="refunded by the freelancer (P6)")
                bulk.event(cid, my_side, closed, F, "refund", f"{fmt} from \"{title}\" refunded to the client: "
                           "refunded by the freelancer (P6).", mid=mid, lid=lid, after={"refunded": amount})
            else:
                submitted = funded + step * 0.6
                m.update(state="released", submitted_at=_iso(submitted), submission_message="Delivered.")
                bulk.event(cid, my_side, submitted, F, "submitted", f"Work submitted on \"{title}\".", mid=mid,
                           before={"state": "active"}, after={"state": "submitted", "message": "Delivered."})
                partial = outcome < 0.2 and amount >= 1000
                paid = amount - rng.randrange(1, amount // 500) * 500 if partial else amount
                lid = bulk.money(cid, mid, "release", paid, closed, C, hold=hold_days)
                bulk.event(cid, my_side, closed, C, "released",
                           f"{format_amount(paid, currency)} released on \"{title}\" (P5).", mid=mid, lid=lid,
                           before={"state": "submitted"}, after={"state": "released", "released": paid})
                if partial:
                    rest = amount - paid
                    rid = bulk.money(cid, mid, "refund", rest, closed, C, note="remainder of a partial release (P3)")
                    bulk.event(cid, my_side, closed, C, "refund", f"{format_amount(rest, currency)} from \"{title}\" "
                               "refunded to the client: remainder of a partial release (P3).", mid=mid, lid=rid,
                               after={"refunded": rest})
                available = closed + timedelta(days=hold_days)
                if available <= now:
                    bulk.event(cid, my_side, available, "automatic", "available",
                               f"{format_amount(paid, currency)} payment is now available (P5).", lid=lid)
            m["closed_at"] = _iso(closed)
            last = closed
        elif i == done and locked == "submitted":
            submitted = max(funded + timedelta(hours=2), now - timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 20)))
            review_due = submitted + timedelta(days=review_days) if review_days is not None else None
            m.update(state="submitted", submitted_at=_iso(submitted), submission_message="Ready for review.",
                     review_due_at=_iso(review_due))
            bulk.event(cid, my_side, submitted, F, "submitted", f"Work submitted on \"{title}\".", mid=mid,
                       before={"state": "active"},
                       after={"state": "submitted", "message": "Ready for review.", "review_due_at": _iso(review_due)})
        elif i == done and locked == "active":
            m["state"] = "active"
        milestones.append(m)

    contract = {"title": project, "client_name": client, "kind": "fixed", "currency": currency, "profile_id": pid,
                "my_side": my_side, "started_on": start.date().isoformat(), "notes": "", "status": "open",
                "archived": 0, "created_at": _iso(start), **terms}
    if ended:
        ended_at = min(last + timedelta(days=rng.randint(1, 10)), now - timedelta(hours=1))
        by = rng.choice((C, F))
        reason = rng.choice(_REASONS)
        for i, m in enumerate(milestones):
            if m["state"] == "future":
                m.update(state="voided", closed_at=_iso(ended_at))
                bulk.event(cid, my_side, ended_at, by, "milestone_voided",
                           f"\"{m['title']}\" voided: the contract ended (C3).", mid=bulk.next_id["milestone"] + i,
                           before={"state": "future"}, after={"state": "voided"})
        rating = rng.choice((None, 4, 5, 5))
        contract.update(status="ended", ended_at=_iso(ended_at), ended_by=by, end_reason=reason,
                        feedback_rating=rating, feedback_text="Great to work with." if rating else None,
                        feedback_at=_iso(ended_at) if rating else None)
        bulk.event(cid, my_side, ended_at, by, "contract_ended", f"Contract ended by the {by}: {reason}.",
                   before={"status": "open"}, after={"status": "ended", "reason": reason, "rating": rating})
        contract["archived"] = int(rng.random() < 0.3)
    for m in milestones:
        bulk.add("milestone", **m)
    contract["version"] = 1 + bulk.events_of_contract
    bulk.add("contract", **contract)
