"""Random sequences of every operation, valid and invalid, over several contracts and both sides.

After every step: P4 (money conserved, computed here from the raw ledger rows), M3, M4, M6
(locked and history milestones never change), R3, an event for every success, and no change
at all to the database after a refusal.

Undo (R5): in the undo modes the run switches between, every successful action is undone at
once and every query (list, boards, report, deadlines, CSV, ICS and JSON exports, check) must
answer exactly as before it; in the redo mode it is then recorded again and must give exactly
what it gave the first time.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cairn.storage import api
from cairn.storage.clock import FixedClock
from cairn.storage.db import Database
from tests.conftest import T0, TABLES
from tests.storage.queries_snapshot import differences, record

SIDES = st.sampled_from(["client", "freelancer"])


def actor(right: str):
    """Mostly the party who may act, sometimes the other one or a timer (refused)."""
    wrong = "freelancer" if right == "client" else "client"
    # Integers shrink towards 0, so the simplest runs use the right party.
    return st.integers(0, 7).map(lambda i: right if i < 5 else (wrong if i < 7 else "automatic"))


ACTORS = st.sampled_from(["client", "freelancer"] * 4 + ["automatic"])
CLIENT = actor("client")
FREELANCER = actor("freelancer")
GOOD_AMOUNTS = st.sampled_from([None, 500, 1_000, 2_500, 5_000, 10_000, 20_000, "12.34", "50"])
BAD_AMOUNTS = st.sampled_from([1, 499, 99_999_999, "0", "-5", "1.001", "abc", "NaN", "1e3", 10**16, ""])
AMOUNTS = st.one_of(GOOD_AMOUNTS, GOOD_AMOUNTS, GOOD_AMOUNTS, BAD_AMOUNTS)
GOOD_TEXTS = st.sampled_from(["", "ok", "[bold]x[/bold]", "[link=https://x]y[/link]", "é✓🚀"])
TEXTS = st.one_of(GOOD_TEXTS, GOOD_TEXTS, GOOD_TEXTS, st.sampled_from(["tab\there", "bad\x1b[31m", "x" * 201]))
REASONS = st.sampled_from(["completed successfully", "cancelled", "no longer needed", "other"] * 3 + ["bored"])
PICK = st.integers(min_value=0, max_value=50)

_TEMPLATE: Path | None = None


def _template() -> Path:
    """A migrated empty database, copied for each example (migrating is the slow part)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="cairn-stateful-"))
        db = Database.open(folder / "template.db")
        db.close()
        _TEMPLATE = folder / "template.db"
    return _TEMPLATE


def _dump(conn) -> dict:
    return {t: conn.execute(f"select * from {t} order by rowid").fetchall() for t in TABLES}


# Operations whose success is a private draft or a marker, not a change the other party hears of.
NO_EVENT = {"draft_add", "draft_edit", "draft_delete", "draft_move", "discard_draft", "mark_events_read",
            "delete_contract", "archive_contract"}


class CairnMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="cairn-sm-"))
        shutil.copy(_template(), self.folder / "cairn.db")
        self.db = Database.open(self.folder / "cairn.db")
        self.conn = sqlite3.connect(self.db.path)
        self.clock = FixedClock(T0)
        self.contracts: list[int] = []
        self.frozen: dict[int, tuple] = {}  # M6: milestones that left the future, as first seen
        self.history: dict[int, tuple] = {}  # state and closing date of history milestones
        self.ledger_seen: list = []
        self.successes = 0
        self.refusals = 0
        self.undo_mode = 0  # 0: keep every action; 1: undo each at once; 2: undo, then record it again
        self.undos = 0

    def teardown(self) -> None:
        self.conn.close()
        self.db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- setup ------------------------------------------------------------------------
    @initialize(specs=st.lists(st.tuples(st.sampled_from([0, 1, 2, 3, 3, 4, 4]), SIDES,
                                         st.sampled_from([None, None, "Direct client"]),
                                         st.sampled_from(["USD", "USD", "JPY"]), st.integers(0, 4)),
                               min_size=2, max_size=3))
    def create(self, specs) -> None:
        """2-3 contracts, some already under way so that short runs reach deep states."""
        for i, (n, side, profile, currency, stage) in enumerate(specs):
            unit = 1 if currency == "USD" else 100
            ms = [api.MilestoneIn(f"C{i} M{j}", 100_00 * unit * j) for j in range(1, n + 1)]
            b = api.create_contract(self.db, title=f"Contract {i}", my_side=side, profile=profile,
                                    currency=currency, milestones=ms, clock=self.clock)
            self.contracts.append(b.id)
            steps = [
                lambda cid: api.fund_next_milestone(self.db, cid, actor="client", clock=self.clock),
                lambda cid: api.submit_work(self.db, cid, actor="freelancer", clock=self.clock),
                lambda cid, unit=unit: api.release_payment(self.db, cid, actor="client", amount=40_00 * unit,
                                                remainder="carry", clock=self.clock),
                lambda cid: api.fund_next_milestone(self.db, cid, actor="client", clock=self.clock),
            ]
            for step in steps[: stage if n >= 2 else min(stage, 2 if n else 0)]:
                step(b.id)

    # --- helpers ----------------------------------------------------------------------
    def cid(self, pick: int) -> int:
        return self.contracts[pick % len(self.contracts)]

    def key(self, cid: int, pick: int) -> str:
        keys = [f"m{m}" for (m,) in self.conn.execute(
            "select id from milestone where contract_id = ? and state != 'deleted'", (cid,))]
        keys += [f"n{i}" for (i,) in self.conn.execute(
            "select i.id from plan_item i join plan_draft d on d.id = i.draft_id "
            "where d.contract_id = ? and i.milestone_id is null", (cid,))]
        keys.append("m999999")
        return keys[pick % len(keys)]

    def own_events(self, cid: int) -> int:
        return self.conn.execute("select count(*) from event where contract_id = ? and actor != 'automatic'",
                                 (cid,)).fetchone()[0]

    def call(self, name: str, cid: int, **kw) -> None:
        fn = getattr(api, name)
        undoing = self.undo_mode and name not in ("delete_contract", "mark_events_read")
        if undoing:
            api.apply_timers(self.db, self.clock)  # what the dashboard shows before the action
            queries_before = record(self.db, self.clock)
            last_before = api.board(self.db, cid, self.clock).last_action
        before = _dump(self.conn)
        events_before = self.own_events(cid)
        try:
            fn(self.db, cid, clock=self.clock, **kw)
        except api.DomainError as e:
            self.refusals += 1
            assert e.rule and str(e).startswith(f"{e.rule}: ") and e.message
            assert _dump(self.conn) == before, f"{name} was refused ({e}) but changed the database"
            return
        self.successes += 1
        if name == "delete_contract":
            self.contracts.remove(cid)
            return
        if name not in NO_EVENT:
            assert self.own_events(cid) > events_before, f"{name} succeeded without an event (R5)"
        if undoing:
            self.undo_and_compare(name, cid, kw, fn, queries_before, last_before)

    def undo_and_compare(self, name, cid, kw, fn, queries_before, last_before) -> None:
        last = api.board(self.db, cid, self.clock).last_action
        if last is None or (last_before is not None and last.id == last_before.id):
            return  # it changed nothing (a move to the same place): nothing was logged to undo
        queries_after = record(self.db, self.clock) if self.undo_mode == 2 else None
        api.undo_last_action(self.db, cid, clock=self.clock, action_id=last.id)
        self.undos += 1
        diff = differences(queries_before, record(self.db, self.clock))
        assert not diff, f"undoing {name} left differences:\n" + "\n".join(diff)
        self.forget_undone_milestones()
        if self.undo_mode == 2:
            fn(self.db, cid, clock=self.clock, **kw)
            diff = differences(queries_after, record(self.db, self.clock))
            assert not diff, f"{name} recorded again after its undo differs:\n" + "\n".join(diff)

    def forget_undone_milestones(self) -> None:
        """M6 is about moving forward: a milestone undo took back to the future (or out of
        existence) is tracked afresh; one still locked or past came back exactly as it was."""
        now = {mid: (state, closed) for mid, state, closed in self.conn.execute(
            "select id, state, closed_at from milestone")}
        for mid in list(self.frozen):
            if mid not in now or now[mid][0] in ("future", "deleted"):
                del self.frozen[mid]
        for mid in list(self.history):
            if now.get(mid) != self.history[mid]:
                del self.history[mid]

    has_contracts = precondition(lambda self: bool(self.contracts))

    # --- the work flow --------------------------------------------------------------------
    @has_contracts
    @rule(c=PICK, actor=CLIENT)
    def fund(self, c, actor):
        self.call("fund_next_milestone", self.cid(c), actor=actor)

    @has_contracts
    @rule(c=PICK, actor=FREELANCER, message=TEXTS)
    def submit(self, c, actor, message):
        self.call("submit_work", self.cid(c), actor=actor, message=message)

    @has_contracts
    @rule(c=PICK, actor=CLIENT, message=TEXTS)
    def request_changes(self, c, actor, message):
        self.call("request_changes", self.cid(c), actor=actor, message=message)

    # --- payments ----------------------------------------------------------------------
    @has_contracts
    @rule(c=PICK, actor=CLIENT, amount=AMOUNTS, remainder=st.sampled_from(["carry", "refund", "keep"]),
          end=st.booleans(), reason=REASONS)
    def release(self, c, actor, amount, remainder, end, reason):
        self.call("release_payment", self.cid(c), actor=actor, amount=amount, remainder=remainder,
                  end_contract=end, end_reason=reason)

    @has_contracts
    @rule(c=PICK, actor=FREELANCER, amount=AMOUNTS)
    def refund_escrow(self, c, actor, amount):
        self.call("refund_escrow", self.cid(c), actor=actor, amount=amount)

    @has_contracts
    @rule(c=PICK, actor=CLIENT, amount=AMOUNTS)
    def request_refund(self, c, actor, amount):
        self.call("request_refund", self.cid(c), actor=actor, amount=amount)

    @has_contracts
    @rule(c=PICK, actor=FREELANCER, accept=st.booleans(), note=TEXTS)
    def answer_refund(self, c, actor, accept, note):
        self.call("answer_refund_request", self.cid(c), actor=actor, accept=accept, note=note)

    @has_contracts
    @rule(c=PICK, actor=st.sampled_from(["client", "freelancer"]),
          step=st.sampled_from(["mediation", "arbitration", "released", "refunded", "split"]), refund=AMOUNTS,
          note=TEXTS)
    def dispute(self, c, actor, step, refund, note):
        """P6: a disputed refund request's next stage or its outcome (issue 9)."""
        self.call("record_dispute", self.cid(c), actor=actor, step=step, refund=refund, note=note)

    @has_contracts
    @rule(c=PICK, actor=CLIENT, amount=AMOUNTS.filter(lambda a: a is not None), note=TEXTS)
    def bonus(self, c, actor, amount, note):
        self.call("give_bonus", self.cid(c), actor=actor, amount=amount, note=note)

    # --- contracts ---------------------------------------------------------------------
    @has_contracts
    @rule(c=PICK, actor=ACTORS, reason=REASONS, release=AMOUNTS, rating=st.sampled_from([None] * 6 + [0, 1, 5, 6]))
    def end(self, c, actor, reason, release, rating):
        cid = self.cid(c)
        self.call("end_contract", cid, actor=actor, reason=reason,
                  release_minor=0 if release is None else release, feedback_rating=rating)
        self.call("leave_feedback", cid, actor="client", rating=4, text="Thanks")

    @has_contracts
    @rule(c=PICK, actor=ACTORS, rating=st.sampled_from([None, 0, 1, 5, 6]), text=TEXTS)
    def feedback(self, c, actor, rating, text):
        self.call("leave_feedback", self.cid(c), actor=actor, rating=rating, text=text)

    @has_contracts
    @rule(c=PICK, archived=st.booleans())
    def archive(self, c, archived):
        self.call("archive_contract", self.cid(c), archived=archived)

    @has_contracts
    @rule(c=PICK, really=st.integers(0, 7))
    def delete(self, c, really):
        # Rarely: a successful delete takes a contract out of the rest of the run.
        if really == 0:
            self.call("delete_contract", self.cid(c))

    @has_contracts
    @rule(c=PICK)
    def mark_read(self, c):
        self.call("mark_events_read", self.cid(c))

    # --- plan drafts and change requests ----------------------------------------------------
    @has_contracts
    @rule(c=PICK, side=ACTORS, amount=AMOUNTS, title=TEXTS, after=st.none() | PICK)
    def draft_add(self, c, side, amount, title, after):
        cid = self.cid(c)
        self.call("draft_add", cid, side=side, title=title or "New", amount=5_000 if amount is None else amount,
                  after_key=None if after is None else self.key(cid, after))

    @has_contracts
    @rule(c=PICK, side=ACTORS, k=PICK, amount=AMOUNTS, title=st.none() | TEXTS,
          due=st.sampled_from([None, "", "2026-05-01", "2026-02-30"]))
    def draft_edit(self, c, side, k, amount, title, due):
        cid = self.cid(c)
        fields = {}
        if amount is not None:
            fields["amount"] = amount
        if title is not None:
            fields["title"] = title
        if due is not None:
            fields["due_date"] = due
        self.call("draft_edit", cid, side=side, key=self.key(cid, k), **fields)

    @has_contracts
    @rule(c=PICK, side=ACTORS, k=PICK)
    def draft_delete(self, c, side, k):
        cid = self.cid(c)
        self.call("draft_delete", cid, side=side, key=self.key(cid, k))

    @has_contracts
    @rule(c=PICK, side=ACTORS, k=PICK, delta=st.integers(-3, 3), to=st.none() | st.integers(-1, 5))
    def draft_move(self, c, side, k, delta, to):
        cid = self.cid(c)
        self.call("draft_move", cid, side=side, key=self.key(cid, k), delta=delta, to_index=to)

    @has_contracts
    @rule(c=PICK, side=SIDES, k=PICK, delta=st.integers(-2, 2), amount=GOOD_AMOUNTS, then=st.integers(0, 3))
    def batch(self, c, side, k, delta, amount, then):
        """A whole batch in one go (each call checked on its own): add, move, then send or propose."""
        cid = self.cid(c)
        self.call("draft_add", cid, side=side, title="Batch", amount=5_000 if amount is None else amount)
        self.call("draft_move", cid, side=side, key=self.key(cid, k), delta=delta)
        if side == "client":
            self.call("send_changes", cid, actor="client", message="batch")
        else:
            self.call("propose_changes", cid, actor="freelancer", message="batch")
            if then:
                name = {1: "accept_change_request", 2: "decline_change_request", 3: "withdraw_change_request"}[then]
                self.call(name, cid, actor="freelancer" if then == 3 else "client")

    @has_contracts
    @rule(c=PICK, side=SIDES)
    def discard(self, c, side):
        self.call("discard_draft", self.cid(c), side=side)

    @has_contracts
    @rule(c=PICK, actor=CLIENT, message=TEXTS)
    def send(self, c, actor, message):
        self.call("send_changes", self.cid(c), actor=actor, message=message)

    @has_contracts
    @rule(c=PICK, actor=FREELANCER, message=TEXTS)
    def propose(self, c, actor, message):
        self.call("propose_changes", self.cid(c), actor=actor, message=message)

    @has_contracts
    @rule(c=PICK, actor=FREELANCER)
    def withdraw(self, c, actor):
        self.call("withdraw_change_request", self.cid(c), actor=actor)

    @has_contracts
    @rule(c=PICK, actor=CLIENT)
    def accept(self, c, actor):
        self.call("accept_change_request", self.cid(c), actor=actor)

    @has_contracts
    @rule(c=PICK, actor=CLIENT, reason=TEXTS)
    def decline(self, c, actor, reason):
        self.call("decline_change_request", self.cid(c), actor=actor, reason=reason)

    # --- undo ------------------------------------------------------------------------------
    @rule(mode=st.integers(0, 2))
    def switch_undo_mode(self, mode):
        self.undo_mode = mode

    # --- time ----------------------------------------------------------------------------
    @rule(hours=st.sampled_from([1, 6, 24, 24 * 3, 24 * 6, 24 * 8, 24 * 15, 24 * 400]))
    def advance(self, hours):
        self.clock.advance(hours=hours)

    @rule(one_by_one=st.booleans())
    def timers(self, one_by_one):
        # The plain-SQL look (the CLI's, and apply_due's own before its ORM queries) agrees with
        # what the ORM queries apply, across all contracts and for each one.
        from cairn.storage.operations.timers import apply_due
        from cairn.storage.operations.unit import Unit
        from cairn.storage.queries.reading import instant, iso_utc
        from cairn.storage.queries.timers import due_on, timers_due

        now = iso_utc(instant(self.clock))
        due = timers_due(self.db, self.clock)
        each = {cid: due_on(self.conn, now, contract_id=cid) for (cid,) in self.conn.execute("select id from contract")}
        assert due == any(each.values())
        if one_by_one:
            for cid, due_here in each.items():
                with self.db.session() as session:
                    assert due_here == (apply_due(Unit(session, self.clock), contract_id=cid, look_first=False) > 0)
        else:
            with self.db.session() as session:
                assert due == (apply_due(Unit(session, self.clock), look_first=False) > 0)
        assert not timers_due(self.db, self.clock)

    # --- invariants ----------------------------------------------------------------------
    @invariant()
    def money_is_conserved(self):
        """P4, from the raw rows: deposited = released + refunded + held + carried credit."""
        for (cid,) in self.conn.execute("select id from contract"):
            rows = self.conn.execute(
                "select kind, amount_minor, milestone_id from ledger_entry where contract_id = ?", (cid,)).fetchall()
            assert all(isinstance(a, int) and a > 0 for _, a, _ in rows)
            held: dict[int, int] = {}
            credit = deposited = released = refunded = 0
            for kind, a, m in rows:
                if kind == "deposit":
                    deposited += a
                    held[m] = held.get(m, 0) + a
                elif kind == "release":
                    released += a
                    held[m] = held.get(m, 0) - a
                elif kind == "refund":
                    refunded += a
                    if m is None:
                        credit -= a
                    else:
                        held[m] = held.get(m, 0) - a
                elif kind == "credit":
                    held[m] = held.get(m, 0) - a
                    credit += a
                elif kind == "credit_applied":
                    held[m] = held.get(m, 0) + a
                    credit -= a
            assert credit >= 0
            assert all(v >= 0 for v in held.values()), held
            assert deposited == released + refunded + sum(held.values()) + credit
            for mid, state, amount in self.conn.execute(
                    "select id, state, amount_minor from milestone where contract_id = ?", (cid,)):
                h = held.get(mid, 0)
                assert h <= amount
                assert (h > 0) == (state in ("active", "submitted")), (mid, state, h)
            summary_ok = self.conn.execute("select status from contract where id = ?", (cid,)).fetchone()
            assert summary_ok is not None

    @invariant()
    def one_in_escrow_activated_in_order(self):
        for (cid,) in self.conn.execute("select id from contract"):
            ms = self.conn.execute(
                "select id, state, activated_at from milestone where contract_id = ? and state != 'deleted' "
                "order by position, id", (cid,)).fetchall()
            states = [s for _, s, _ in ms]
            assert sum(s in ("active", "submitted") for s in states) <= 1  # M4
            # M3: everything activated sits above every future milestone, in activation order.
            first_future = next((i for i, s in enumerate(states) if s == "future"), len(states))
            assert all(s == "future" for s in states[first_future:]), states
            activated = [a for _, _, a in ms if a is not None]
            assert activated == sorted(activated)

    @invariant()
    def locked_and_history_unchanged(self):
        """M6: once a milestone leaves the future, its fields never change; history never reopens."""
        for row in self.conn.execute(
                "select id, state, title, description, due_date, amount_minor, position, closed_at from milestone "
                "where state not in ('future', 'deleted')"):
            mid, state, *fields, closed_at = row
            if mid in self.frozen:
                assert tuple(fields) == self.frozen[mid], f"milestone {mid} changed while {state}"
            else:
                self.frozen[mid] = tuple(fields)
            if mid in self.history:
                assert (state, closed_at) == self.history[mid], f"history milestone {mid} changed"
            elif state in ("released", "refunded", "voided"):
                self.history[mid] = (state, closed_at)
        live = {m for (m,) in self.conn.execute("select id from milestone")}
        assert set(self.frozen) <= live | self._deleted_contract_milestones()

    def _deleted_contract_milestones(self) -> set[int]:
        live = {m for (m,) in self.conn.execute("select id from milestone")}
        gone = set(self.frozen) - live
        # Only a contract that never moved money can be deleted (C6), so nothing frozen by
        # escrow can vanish; voided milestones of such a contract can.
        for mid in gone:
            assert self.history.get(mid, ("voided",))[0] == "voided"
        return gone

    @invariant()
    def one_pending_request_and_ended_is_settled(self):
        for cid, n in self.conn.execute(
                "select contract_id, count(*) from change_request where status = 'pending' group by contract_id"):
            assert n <= 1, f"R3: contract {cid} has {n} pending change requests"
        for (cid,) in self.conn.execute("select id from contract where status = 'ended'"):
            assert not self.conn.execute("select 1 from milestone where contract_id = ? and state = 'future'",
                                         (cid,)).fetchone()
            assert not self.conn.execute("select 1 from change_request where contract_id = ? and status = 'pending'",
                                         (cid,)).fetchone()
        # At most one open refund request per contract, always on escrow that is still held.
        for cid, n in self.conn.execute(
                "select contract_id, count(*) from refund_request where status in "
                "('pending', 'disputed', 'mediation', 'arbitration') group by contract_id"):
            assert n <= 1, f"P6: contract {cid} has {n} open refund requests"

    @invariant()
    def ledger_is_append_only(self):
        rows = self.conn.execute("select * from ledger_entry order by id").fetchall()
        live = {r[0] for r in rows}
        kept = [r for r in self.ledger_seen if r[0] in live]
        assert rows[: len(kept)] == kept or all(r in rows for r in kept)
        self.ledger_seen = rows

    @invariant()
    def cairn_check_passes(self):
        """Every state the operations reach passes cairn check, whose invariants the importer also
        applies: no false refusal of a real database."""
        from cairn.storage.queries import check

        assert check.ledger_invariants(self.conn) + check.state_invariants(self.conn) == []

    @invariant()
    def read_path_agrees(self):
        for s in api.contract_summaries(self.db, self.clock, include_archived=True):
            b = api.board(self.db, s.id, self.clock)
            assert b.money.escrow == sum(m.held_minor for m in b.milestones)
            assert s.escrow == b.money.escrow and s.paid == b.money.paid


# As many runs as the loaded Hypothesis profile asks for (no max_examples here): 100 in the README's
# suite, 1,000 with `--hypothesis-profile=deep` (tests/conftest.py).
CairnMachine.TestCase.settings = settings(
    stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.cost(30)
@pytest.mark.slow
class TestCairnStateful(CairnMachine.TestCase):
    pass
