"""A plan batch stores only the milestones it changes, each at a place among the others (issue 12).

The model here is the plainest one: the draft as a list of every row, moved by taking a row out
and putting it back just after the row it passes going down, just before it going up. Whatever
places, merging and renumbering storage does must show exactly that list.
"""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cairn.storage import api
from tests.conftest import make_contract, refused


def _items(db, cid, side="freelancer") -> list[tuple]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute("select i.milestone_id, i.place from plan_item i join plan_draft d on d.id = i.draft_id "
                            "where d.contract_id = ? and d.side = ?", (cid, side)).fetchall()
    finally:
        conn.close()


def _shown(b) -> list[tuple[str, bool]]:
    return [(pr.row.title, "deleted" in pr.marks) for pr in b.plan]


def test_a_move_in_a_long_plan_stores_one_item_and_moving_back_stores_none(db, clock):
    b = make_contract(db, clock, 60)
    key = {m.title: f"m{m.id}" for m in b.milestones}
    b = api.draft_move(db, b.id, side="freelancer", key=key["M10"], delta=1, clock=clock)
    assert [pr.row.title for pr in b.plan][8:12] == ["M9", "M11", "M10", "M12"]
    assert [(mid, place) for mid, place in _items(db, b.id)] == [(int(key["M10"][1:]), 11.5)]
    assert [m.milestone_id for m in b.draft_diff.moved] == [int(key["M10"][1:])]
    b = api.draft_move(db, b.id, side="freelancer", key=key["M10"], delta=-1, clock=clock)
    assert b.draft is None and _items(db, b.id) == []


def test_two_rows_moved_into_one_gap_again_and_again_keep_their_order(db, clock):
    """Each move halves the room between two places; when there is none left, the draft names
    every milestone at places of their own, and the move goes on."""
    b = make_contract(db, clock, 4)
    cid = b.id
    key = {m.title: f"m{m.id}" for m in b.milestones}
    order = ["M1", "M2", "M3", "M4"]
    for i in range(120):
        moving = "M3" if i % 2 == 0 else "M4"
        at = order.index(moving)
        target = 1  # just below M1, above whichever of M3 and M4 went there last
        b = api.draft_move(db, cid, side="freelancer", key=key[moving], to_index=target, clock=clock)
        order.insert(target, order.pop(at))
        assert [pr.row.title for pr in b.plan] == order, i
    assert len(_items(db, cid)) == 4  # named every milestone once there was no room left


def test_a_draft_stored_by_an_older_cairn_keeps_its_order_and_gets_places_when_changed(db, clock):
    """Items without a place name every future milestone in ``seq`` order; futures they don't name
    (added since) follow them."""
    b = make_contract(db, clock, 4)
    cid = b.id
    ids = [m.id for m in b.milestones]
    conn = sqlite3.connect(db.path)
    with conn:
        did = conn.execute("insert into plan_draft (contract_id, side, created_at, updated_at) values "
                           "(?, 'freelancer', '2026-11-01T09:00:00.000000Z', '2026-11-01T09:00:00.000000Z')",
                           (cid,)).lastrowid
        for seq, (mid, title) in enumerate([(ids[2], "M3"), (ids[0], "M1"), (ids[1], "M2")]):
            conn.execute("insert into plan_item (draft_id, seq, milestone_id, title, deleted, description, "
                         "amount_minor, moved) values (?, ?, ?, ?, 0, '', 10000, 0)", (did, seq, mid, title))
    conn.close()
    b = api.board(db, cid, clock, side="freelancer")
    assert [pr.row.title for pr in b.plan] == ["M3", "M1", "M2", "M4"]
    b = api.draft_move(db, cid, side="freelancer", key=f"m{ids[3]}", delta=-1, clock=clock)
    assert [pr.row.title for pr in b.plan] == ["M3", "M1", "M4", "M2"]
    assert all(place is not None for _, place in _items(db, cid))
    assert [pr.row.title for pr in api.board(db, cid, clock, side="freelancer").plan] == ["M3", "M1", "M4", "M2"]


def test_the_other_sides_draft_keeps_its_order_when_a_batch_renumbers_the_plan(db, clock):
    b = make_contract(db, clock, 5)
    cid = b.id
    key = {m.title: f"m{m.id}" for m in b.milestones}
    api.draft_move(db, cid, side="freelancer", key=key["M5"], to_index=0, clock=clock)
    api.draft_add(db, cid, side="freelancer", title="F-new", amount="10.00", after_key=key["M2"], clock=clock)
    api.draft_delete(db, cid, side="freelancer", key=key["M3"], clock=clock)
    # The client's batch adds one, deletes M4 and moves M2 to the bottom, and is sent.
    api.draft_add(db, cid, side="client", title="C-new", amount="20.00", after_key=key["M1"], clock=clock)
    api.draft_delete(db, cid, side="client", key=key["M4"], clock=clock)
    api.draft_move(db, cid, side="client", key=key["M2"], to_index=9, clock=clock)
    b = api.send_changes(db, cid, clock=clock)
    assert [m.title for m in b.milestones] == ["M1", "C-new", "M3", "M5", "M2"]
    b = api.board(db, cid, clock, side="freelancer")
    # M4, gone, is no longer in the freelancer's draft, and C-new, added since, follows it.
    assert _shown(b) == [("M5", False), ("M1", False), ("M2", False), ("F-new", False), ("M3", True),
                         ("C-new", False)]
    assert b.draft_diff.applies
    api.propose_changes(db, cid, clock=clock)
    b = api.accept_change_request(db, cid, actor="client", clock=clock)
    assert [m.title for m in b.milestones] == ["M5", "M1", "M2", "F-new", "C-new"]


def test_an_item_placed_above_a_milestone_funded_since_makes_the_request_stale(db, clock):
    b = make_contract(db, clock, 4)
    cid = b.id
    key = {m.title: f"m{m.id}" for m in b.milestones}
    api.draft_move(db, cid, side="freelancer", key=key["M4"], delta=-3, clock=clock)
    api.propose_changes(db, cid, clock=clock)
    api.fund_next_milestone(db, cid, actor="client", clock=clock)
    b = api.board(db, cid, clock)
    assert b.request.diff.problems == ('"M1" has since been activated, so it can no longer change or move.',)
    refused(db, "R4", api.accept_change_request, cid, actor="client", clock=clock)


OPS = st.lists(st.tuples(st.sampled_from(["down", "up", "to", "delete", "add", "edit"]),
                         st.integers(0, 7), st.integers(-3, 8)), max_size=25)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, funded=st.booleans())
def test_places_show_exactly_the_list_a_user_would_keep(db, clock, ops, funded):
    b = make_contract(db, clock, 6)
    cid = b.id
    if funded:
        b = api.fund_next_milestone(db, cid, actor="client", clock=clock)
    fixed = [m.title for m in b.milestones if m.state != "future"]
    # The model: every row of the draft as [key, title, deleted, title now], in order (a row marked
    # for deletion shows the milestone as it is).
    rows = [[f"m{m.id}", m.title, False, m.title] for m in b.milestones if m.state == "future"]
    start = [list(r) for r in rows]
    for n, (op, pick, arg) in enumerate(ops):
        row = rows[pick % len(rows)] if rows else None
        if op == "add":
            after = row[0] if row is not None and arg % 2 else None
            b = api.draft_add(db, cid, side="freelancer", title=f"N{n}", amount="10.00", after_key=after,
                              clock=clock)
            new = [pr.key for pr in b.plan if pr.row.title == f"N{n}"][0]
            at = rows.index(row) + 1 if after is not None else len(rows)
            rows.insert(at, [new, f"N{n}", False, None])
        elif row is None:
            continue
        elif op == "edit":
            title = row[1] + "+" if not row[1].endswith("+") else row[1][:-1]
            api.draft_edit(db, cid, side="freelancer", key=row[0], title=title, clock=clock)
            row[1] = title
        elif op == "delete":
            api.draft_delete(db, cid, side="freelancer", key=row[0], clock=clock)
            if row[0].startswith("n"):
                rows.remove(row)
            else:
                row[2] = not row[2]
        elif row[2]:
            refused(db, "R1", api.draft_move, cid, side="freelancer", key=row[0], delta=1, clock=clock)
        else:
            visible = [r for r in rows if not r[2]]
            index = visible.index(row)
            target = arg if op == "to" else index + (1 if op == "down" else -1)
            kw = {"to_index": arg} if op == "to" else {"delta": target - index}
            if target < 0 and fixed:
                refused(db, "M7", api.draft_move, cid, side="freelancer", key=row[0], clock=clock, **kw)
                continue
            api.draft_move(db, cid, side="freelancer", key=row[0], clock=clock, **kw)
            target = max(0, min(target, len(visible) - 1))
            if target != index:
                passed = visible[target]
                rows.remove(row)
                rows.insert(rows.index(passed) + (1 if target > index else 0), row)
        b = api.board(db, cid, clock, side="freelancer")
        if rows == start:
            assert b.draft is None, n
            assert [pr.row.title for pr in b.plan] == fixed + [r[1] for r in start]
        else:
            assert _shown(b) == [(t, False) for t in fixed] + [(r[3] if r[2] else r[1], r[2]) for r in rows], n


def test_a_draft_operation_reads_the_plan_again_only_when_something_may_have_changed_it(db, clock, monkeypatch):
    """The plan a draft operation committed over is taken by the next one (``Remembered``), unless
    another connection has committed since, or the contract's version moved on, or it was a rehearsal."""
    import cairn.storage.operations.plan as plan_ops
    from cairn.storage.db import Database, rehearse

    reads = []
    read = plan_ops.milestones
    monkeypatch.setattr(plan_ops, "milestones", lambda conn, cid: reads.append(cid) or read(conn, cid))
    b = make_contract(db, clock, 4)
    key = {m.title: f"m{m.id}" for m in b.milestones}
    api.draft_move(db, b.id, side="freelancer", key=key["M4"], delta=-1, clock=clock)
    api.draft_move(db, b.id, side="freelancer", key=key["M4"], delta=-1, clock=clock)
    assert len(reads) == 1
    # Another connection changes a milestone without moving the version on (a hand edit): read again.
    other = Database.open(db.path)
    with other.engine.begin() as conn:
        conn.exec_driver_sql("update milestone set title = 'M1 renamed' where id = ?", (b.milestones[0].id,))
    other.close()
    b = api.draft_move(db, b.id, side="freelancer", key=key["M4"], delta=-1, clock=clock)
    assert len(reads) == 2 and [pr.row.title for pr in b.plan][:2] == ["M4", "M1 renamed"]
    # This session's own commits move the version on: read again.
    api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = api.draft_move(db, b.id, side="freelancer", key=key["M4"], delta=1, clock=clock)
    assert len(reads) == 3 and [pr.row.state for pr in b.plan][0] == "active"
    # A rehearsal commits nothing, so it leaves nothing to take.
    remembered = db.plans[b.id]
    rehearse(db, api.draft_move, b.id, side="freelancer", key=key["M4"], delta=1, clock=clock)
    assert db.plans[b.id] is remembered
