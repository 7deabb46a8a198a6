"""The plan diff's ordering: what moved is what falls outside the longest common order, found in
O(n log n) (longest increasing subsequence), choosing the same rows the O(n·m) table did."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.storage.diff import Row, _longest_common_order, changes_nothing, diff


def table_lcs(a: list, b: list) -> set:
    """The former method: the LCS table, walked from the start (skipping a's row on ties)."""
    n, m = len(a), len(b)
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            dp[i][j] = dp[i + 1][j + 1] + 1 if a[i] == b[j] else max(dp[i + 1][j], dp[i][j + 1])
    keep, i, j = set(), 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            keep.add(a[i])
            i, j = i + 1, j + 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    return keep


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 1000), unique=True, max_size=14).flatmap(
    lambda ids: st.tuples(st.just(ids), st.permutations(ids))))
def test_longest_common_order_matches_the_table(orders):
    before, after = orders
    assert _longest_common_order({x: i for i, x in enumerate(before)}, list(after)) == table_lcs(before, list(after))


def test_a_single_move_marks_only_the_row_moved():
    ids = list(range(1000))
    after = ids[:]
    after.insert(700, after.pop(3))
    assert _longest_common_order({x: i for i, x in enumerate(ids)}, after) == set(ids) - {3}
    swapped = [1, 0, *ids[2:]]  # moving row 0 down one: row 0 is the one marked
    assert _longest_common_order({x: i for i, x in enumerate(ids)}, swapped) == set(ids) - {0}


def _row(mid, state="future", **kw):
    return Row(milestone_id=mid, title=kw.pop("title", f"m{mid}"), amount_minor=kw.pop("amount_minor", 100 * (mid + 1)),
               state=state, **kw)


batches = st.tuples(
    st.lists(st.sampled_from(["released", "active", "future", "future", "future"]), max_size=8),
    st.randoms(use_true_random=False),
)


@settings(max_examples=400, deadline=None)
@given(batches)
def test_changes_nothing_is_diff_empty(case):
    states, rng = case
    states = sorted(states, key=lambda s: s == "future")  # history and the active one come first
    current = [_row(i, s) for i, s in enumerate(states)]
    items = [_row(r.milestone_id, item_id=100 + k) for k, r in enumerate(current) if r.state == "future"]
    fixed = [r for r in current if r.state != "future"]
    if fixed and rng.random() < 0.3:  # the batch still names a milestone activated since (R4)
        items.insert(rng.randrange(len(items) + 1), _row(rng.choice(fixed).milestone_id, item_id=99))
    if items and rng.random() < 0.3:  # a future milestone the batch does not name
        items.pop(rng.randrange(len(items)))
    change = rng.random()
    if change < 0.3 and len(items) > 1:
        items.insert(rng.randrange(len(items)), items.pop(rng.randrange(len(items))))
    elif change < 0.4 and items:
        k = rng.randrange(len(items))
        items[k] = _row(items[k].milestone_id, title="renamed", item_id=items[k].item_id)
    elif change < 0.5 and items:
        k = rng.randrange(len(items))
        items[k] = _row(items[k].milestone_id, item_id=items[k].item_id, deleted=True)
    elif change < 0.6:
        items.insert(rng.randrange(len(items) + 1), Row(milestone_id=None, title="new", amount_minor=500, item_id=7))
    assert changes_nothing(current, items) == diff(current, items).empty


def table_keep_unmoved(a: list, b: list, moved: set) -> int:
    """The weight of the former O(n x m) answer: ids kept first, then ids kept that did not move."""
    n, m, big = len(a), len(b), len(a) + 1
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            w = big + (0 if a[i] in moved else 1)
            dp[i][j] = dp[i + 1][j + 1] + w if a[i] == b[j] else max(dp[i + 1][j], dp[i][j + 1])
    return dp[0][0]


@settings(max_examples=300, deadline=None)
@given(st.permutations(list(range(12))), st.sets(st.integers(0, 11), max_size=4))
def test_keeping_unmoved_ids_is_as_heavy_as_the_table_and_in_order(b, moved):
    from cairn.storage.diff import _keep_unmoved

    a = list(range(12))
    keep = _keep_unmoved(a, list(b), moved)
    kept_in_b = [x for x in b if x in keep]
    assert kept_in_b == sorted(kept_in_b)  # a common order of both
    big = len(a) + 1
    assert sum(big + (0 if x in moved else 1) for x in keep) == table_keep_unmoved(a, list(b), moved)



@settings(max_examples=300, deadline=None)
@given(st.integers(2, 14).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(0, n - 1))),
       st.booleans())
def test_one_milestone_moved_is_answered_in_one_pass_as_the_table_would(case, hinted_other):
    """The one-pass answer (one milestone the user moved, the rest in order) keeps what the
    table keeps: every milestone but the one moved, or all of them when it is back in place."""
    from cairn.storage.diff import _keep_unmoved

    n, frm, to = case
    a = list(range(n))
    b = a[:frm] + a[frm + 1:]
    b.insert(to, frm)
    moved = {frm} | ({n + 5} if hinted_other else set())  # an id not in the plan changes nothing
    keep = _keep_unmoved(a, b, moved)
    big = len(a) + 1
    assert sum(big + (0 if x in moved else 1) for x in keep) == table_keep_unmoved(a, b, moved)
    assert keep == (set(a) if b == a else set(a) - {frm})
