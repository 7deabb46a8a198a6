"""A batch of plan changes against the current plan: the drafted plan and its diff.

A batch is the desired future plan (R1, R2): the future milestones in their new order,
with new ones added and removed ones marked. It stores only the milestones it changes, each at
a place among the others (``sequence``). Pure functions over plain rows, so the same code
serves the operations (ORM) and the read path (sqlite3).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from heapq import merge
from operator import attrgetter

EDITABLE = ("title", "description", "due_date", "amount_minor")
# A row's editable fields as one tuple: comparing two rows' is one C call, not a generator of
# getattr pairs (run for every row of a 1,000-milestone plan, several times per move).
_editable = attrgetter(*EDITABLE)
VALUE_STATES = ("future", "active", "submitted", "released")


@dataclass(frozen=True)
class Row:
    """A milestone of the current plan, or an item of a batch (``item_id`` set)."""

    milestone_id: int | None
    title: str
    amount_minor: int
    due_date: date | None = None
    description: str = ""
    state: str = "future"
    item_id: int | None = None
    deleted: bool = False
    moved: bool = False  # an item the user moved (a hint for which of two swapped rows moved)
    # Where it stands: a milestone's position, or an item's place on the same scale (None for an
    # item an older Cairn stored). Not part of what the row is: two rows alike stand anywhere.
    place: float | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"m{self.milestone_id}" if self.milestone_id is not None else f"n{self.item_id}"


def _order(r: Row) -> tuple:
    # At one place (never made so, but a file may say so): the milestone, then items by id.
    return (r.place, r.item_id is not None, r.item_id or r.milestone_id or 0)


def sequence(current: list[Row], items: list[Row]) -> list[Row]:
    """A batch's rows in its order: its items, and the milestones it does not name where they stand.

    An item stands at its ``place``, a milestone the batch does not name at its position, so a
    batch that moves one milestone of 1,000 is one item. ``current`` is the plan in order, its
    history and locked milestones included: an item placed above a milestone that has since been
    funded stands above it, and ``stale_problems`` says so.

    Items an older Cairn stored have no place. Such a batch names every milestone that was future
    when it began, in its own order; the futures it does not name (added since) follow it.
    """
    named = {it.milestone_id for it in items if it.milestone_id is not None}
    if any(it.place is None for it in items):
        return list(items) + [r for r in current if r.state == "future" and r.milestone_id not in named]
    unnamed = [r for r in current if r.milestone_id not in named]
    return list(merge(unnamed, sorted(items, key=_order), key=_order))


@dataclass(frozen=True)
class PlanRow:
    """One line of a plan as shown: position, the milestone, and what the batch does to it."""

    key: str
    position: int | None  # None for a row the batch deletes
    row: Row
    marks: frozenset[str] = frozenset()  # added, edited, moved, deleted

    @property
    def locked(self) -> bool:
        return self.row.state != "future"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Edited:
    milestone_id: int
    title: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Moved:
    milestone_id: int
    title: str
    from_position: int
    to_position: int


@dataclass(frozen=True)
class PlanDiff:
    added: tuple[PlanRow, ...] = ()
    removed: tuple[Row, ...] = ()
    edited: tuple[Edited, ...] = ()
    moved: tuple[Moved, ...] = ()
    total_before: int = 0
    total_after: int = 0
    count_before: int = 0
    count_after: int = 0
    # R4: why the batch no longer applies (a named milestone was activated or deleted).
    problems: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.edited or self.moved)

    @property
    def applies(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "added": [{"title": r.row.title, "amount_minor": r.row.amount_minor, "position": r.position,
                       "due_date": _iso(r.row.due_date)} for r in self.added],
            "removed": [{"milestone_id": r.milestone_id, "title": r.title, "amount_minor": r.amount_minor}
                        for r in self.removed],
            "edited": [{"milestone_id": e.milestone_id, "title": e.title,
                        "changes": [{"field": c.field, "old": _iso(c.old), "new": _iso(c.new)} for c in e.changes]}
                       for e in self.edited],
            "moved": [{"milestone_id": m.milestone_id, "title": m.title, "from": m.from_position,
                       "to": m.to_position} for m in self.moved],
            "total_before": self.total_before, "total_after": self.total_after,
            "problems": list(self.problems),
        }


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def stale_problems(current: list[Row], items: list[Row]) -> list[str]:
    """R4: why a batch no longer applies: a milestone it names has been activated or deleted.

    A milestone activated since, which the batch leaves as it was and puts nothing above,
    is not a problem: the batch still applies around it.
    """
    by_id = {r.milestone_id: r for r in current}
    problems = []
    live_above = False  # an added or still-future row precedes this one in the batch
    for it in sequence(current, items):
        now = by_id.get(it.milestone_id) if it.milestone_id is not None else None
        if it.milestone_id is None or (now is not None and now.state == "future"):
            live_above = live_above or not it.deleted
            continue
        if now is None:
            if not it.deleted:
                problems.append(f"\"{it.title}\" has since been deleted from the plan.")
            continue
        untouched = not it.deleted and all(getattr(now, f) == getattr(it, f) for f in EDITABLE)
        if untouched and not live_above:
            continue
        verb = {"active": "activated", "submitted": "activated and submitted"}.get(now.state, now.state)
        problems.append(f"\"{now.title}\" has since been {verb}, so it can no longer change or move.")
    return problems


def resulting_plan(current: list[Row], items: list[Row]) -> list[PlanRow]:
    """The plan as it would be: fixed rows, then the batch's futures, then futures it didn't name.

    Rows the batch deletes are kept in the list (position None) so a board can show them struck.
    """
    fixed = [r for r in current if r.state != "future"]
    futures = {r.milestone_id: r for r in current if r.state == "future"}
    before_pos = {r.milestone_id: i for i, r in enumerate(current, start=1)}
    out: list[PlanRow] = [shown(r, i) for i, r in enumerate(fixed, start=1)]
    pos = len(fixed)
    rows = sequence(current, items)
    kept_ids = [it.milestone_id for it in rows
                if it.milestone_id in futures and not it.deleted]
    # Items the user moved (draft_move) settle which of two swapped neighbours moved.
    hinted = {it.milestone_id for it in rows if it.moved and it.milestone_id in futures}
    kept = set(kept_ids)
    stay = (_keep_unmoved([r.milestone_id for r in current if r.milestone_id in kept], kept_ids, hinted)
            if hinted else _longest_common_order(before_pos, kept_ids))
    for it in rows:
        if it.item_id is None and it.state == "future":  # a future milestone the batch does not name
            pos += 1
            if it.milestone_id in stay or before_pos[it.milestone_id] == pos:
                out.append(shown(it, pos))
            else:  # kept in place while the milestones around it moved (the fewest marked moved)
                out.append(PlanRow(it.key, pos, it, _MOVED))
            continue
        old = futures.get(it.milestone_id) if it.milestone_id is not None else None
        if it.milestone_id is not None and old is None:
            continue  # stale: shown through ``problems``, not as a row
        if it.deleted:
            out.append(PlanRow(it.key, None, old or it, frozenset({"deleted"})))
            continue
        pos += 1
        marks = set()
        if old is None:
            marks.add("added")
        else:
            if _editable(old) != _editable(it):
                marks.add("edited")
            if it.milestone_id not in stay and before_pos.get(it.milestone_id) != pos:
                marks.add("moved")
        row = Row(milestone_id=it.milestone_id, title=it.title, amount_minor=it.amount_minor, due_date=it.due_date,
                  description=it.description, state="future", item_id=it.item_id)
        out.append(PlanRow(row.key, pos, row, frozenset(marks)))
    return out


_MOVED = frozenset({"moved"})


def shown(row: Row, position: int) -> PlanRow:
    """``row`` at ``position`` of a plan, as it is (no marks). Made once per row and position and
    kept on the row: a move in a plan of 1,000 milestones changes two positions, and the board of
    each move would otherwise make 1,000 of these again."""
    made = row.__dict__.get("_shown")
    if made is None or made.position != position:
        made = row.__dict__["_shown"] = PlanRow(row.key, position, row)
    return made


def _longest_common_order(before: dict, after: list) -> set:
    """The ids of ``after`` that keep their relative order from ``before`` (id -> position): the
    rest are what actually moved.

    Both sides order the same ids, so their longest common subsequence is the longest increasing
    subsequence of the old positions taken in the new order: O(n log n), not an n x m table.
    Of the longest ones it keeps the one that takes the earliest rows of ``after`` (as the
    table's walk from the start did), so when one row and its neighbour swap, the row the user
    moved is the one marked moved.
    """
    seq = [before[i] for i in after]
    n = len(seq)
    # longest[k]: the longest increasing run that starts at k, found right to left as the
    # longest decreasing run ending there (patience sorting on negated values).
    longest = [0] * n
    tails: list[int] = []
    for k in range(n - 1, -1, -1):
        at = bisect_left(tails, -seq[k])
        if at == len(tails):
            tails.append(-seq[k])
        else:
            tails[at] = -seq[k]
        longest[k] = at + 1
    keep, need, last = set(), len(tails), None
    for k in range(n):
        if need and longest[k] == need and (last is None or seq[k] > last):
            keep.add(after[k])
            last, need = seq[k], need - 1
    return keep


def _keep_unmoved(a: list, b: list, moved: set) -> set:
    """``_longest_common_order`` when the user moved some items: of two equally long answers (M4
    moved above M3, or M3 below M4?) the one that keeps the ids the user did not move wins, so
    the marker names the milestone the user moved.

    ``a`` and ``b`` order the same ids. The heaviest increasing subsequence of ``a``'s positions
    taken in ``b``'s order, each id weighing one more id kept (always first) plus one if the user
    did not move it: O(n log n) with a Fenwick tree of prefix maxima, as a move at 1,000
    milestones must stay flat (issue 12)."""
    place = {x: i for i, x in enumerate(a)}
    # The usual cases, in one pass: nothing out of order, or one milestone the user moved and the
    # rest in order (keeping all the others is then the longest answer, and the only one that
    # keeps every milestone the user did not move).
    stray = [x for x in b if x in moved]
    rest = [place[x] for x in b if x not in moved] if len(stray) == 1 else [place[x] for x in b]
    if all(p < q for p, q in zip(rest, rest[1:], strict=False)):
        seq = [place[x] for x in b]
        return set(b) if all(p < q for p, q in zip(seq, seq[1:], strict=False)) else set(b) - set(stray)
    big = len(b) + 1  # keeping one more id always outweighs any preference
    tree = [(0, -1)] * (len(a) + 1)  # 1-based; best (weight, index in b) ending at positions <= i
    parent = [-1] * len(b)
    best, best_at = 0, -1
    for k, x in enumerate(b):
        weight, j, i = 0, -1, place[x]  # best chain over positions before x's
        while i > 0:
            if tree[i][0] > weight:
                weight, j = tree[i]
            i -= i & -i
        weight += big + (0 if x in moved else 1)
        parent[k] = j
        if weight > best:
            best, best_at = weight, k
        i = place[x] + 1
        while i < len(tree):
            if tree[i][0] < weight:
                tree[i] = (weight, k)
            i += i & -i
    keep = set()
    while best_at != -1:
        keep.add(b[best_at])
        best_at = parent[best_at]
    return keep


def plan_value(rows: list[Row]) -> int:
    return sum(r.amount_minor for r in rows if r.state in VALUE_STATES and not r.deleted)


def changes_nothing(current: list[Row], items: list[Row]) -> bool:
    """Whether a batch leaves the plan as it is: every future milestone it names is unchanged,
    none is added or deleted, and the futures keep their order (``diff(...).empty``, found in
    one pass without working out the resulting plan)."""
    futures = [r for r in current if r.state == "future"]
    by_id = {r.milestone_id: r for r in futures}
    order = []
    for it in sequence(current, items):
        if it.milestone_id is None:
            return False
        old = by_id.get(it.milestone_id)
        if old is None:
            continue  # not future: history, or a problem of the batch (R4), not a change
        if it.deleted or (it.item_id is not None and _editable(old) != _editable(it)):
            return False
        order.append(it.milestone_id)
    return order == [r.milestone_id for r in futures]


def diff(current: list[Row], items: list[Row], *, plan: list[PlanRow] | None = None) -> PlanDiff:
    """What a batch changes: added, removed, edited field by field, moved from/to. ``plan`` is
    ``resulting_plan(current, items)`` when the caller has it already."""
    result = plan if plan is not None else resulting_plan(current, items)
    by_id = {r.milestone_id: r for r in current}
    before_pos = {r.milestone_id: i for i, r in enumerate(current, start=1)}
    added, removed, edited, moved = [], [], [], []
    for pr in result:
        if not pr.marks:
            continue
        if "added" in pr.marks:
            added.append(pr)
        if "deleted" in pr.marks:
            removed.append(pr.row)
        if "edited" in pr.marks:
            old = by_id[pr.row.milestone_id]
            changes = tuple(FieldChange(f, getattr(old, f), getattr(pr.row, f)) for f in EDITABLE
                            if getattr(old, f) != getattr(pr.row, f))
            edited.append(Edited(old.milestone_id, old.title, changes))
        if "moved" in pr.marks:
            moved.append(Moved(pr.row.milestone_id, pr.row.title, before_pos[pr.row.milestone_id], pr.position))
    after_rows = [pr.row for pr in result if "deleted" not in pr.marks]
    return PlanDiff(
        added=tuple(added), removed=tuple(removed), edited=tuple(edited), moved=tuple(moved),
        total_before=plan_value(current), total_after=plan_value(after_rows),
        count_before=sum(1 for r in current if r.state in VALUE_STATES),
        count_after=sum(1 for r in after_rows if r.state in VALUE_STATES),
        problems=tuple(stale_problems(current, items)),
    )
