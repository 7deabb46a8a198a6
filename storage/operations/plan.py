"""Drafting a plan batch (R1, R2, M6, M7): add, edit, delete and move future milestones.

Each party has at most one draft per contract: the desired future plan, kept in the
database so a half-made batch survives quitting. How its rows are read and placed is in
``plan_rows.py``; sending it (R1) or proposing it as a change request (R2), and the request's
outcome (R3, R4), are in ``change_requests.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import delete

from cairn.storage import validate
from cairn.storage.diff import Row, changes_nothing, sequence
from cairn.storage.errors import DomainError
from cairn.storage.models import Contract, Milestone, MilestoneState, PlanDraft, PlanItem, Side
from cairn.storage.operations.history import raw
from cairn.storage.operations.plan_rows import (
    between,
    draft_of,
    item_row,
    last_fixed,
    live,
    materialize,
    pending_request,
)
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit, require_fixed
from cairn.storage.queries.board import Written, board, milestones, plan_items

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board, MilestoneView

_UNSET = object()


# --- drafting ----------------------------------------------------------------------
@dataclass(frozen=True)
class Remembered:
    """The plan a draft operation committed over, kept on its ``Database`` (``plans``).

    The next draft operation takes it instead of reading the plan again (1,000 milestones in a
    long plan, a third of a move) when nothing can have changed it since: it runs on the same
    connection, SQLite's ``data_version`` there says no other connection has committed since,
    and the contract is still at the version that operation committed (this process's own
    commits since, a timer's firing included, all move the version on)."""

    conn: object  # the sqlite3 connection it ran on
    data_version: int  # what ``pragma data_version`` said there, inside its transaction
    version: int  # the contract's version it committed
    plan: list[MilestoneView]


REMEMBERED = 8  # contracts whose plans are kept: those being worked on, not every one visited


def _answer(db: Database, dr: _Draft, contract_id: int, clock: Clock, side: str) -> Board:
    """After a draft operation has committed: remember the plan it committed over (a rehearsal
    commits nothing), and return the board, handed what the operation read and wrote."""
    if not db.rehearsing:
        db.plans.pop(contract_id, None)
        db.plans[contract_id] = Remembered(dr.conn, dr.data_version, dr.written.version, dr.plan)
        while len(db.plans) > REMEMBERED:
            db.plans.pop(next(iter(db.plans)))
    return board(db, contract_id, clock, side=side, written=dr.written)


@dataclass
class _Draft:
    """A draft being changed by one operation. It stores only what it changes (``sequence``):
    moving one milestone of 1,000 writes one item, where a draft of every milestone wrote 1,000
    (and logged them for undo) and took them back on the move that undid it (issue 12)."""

    contract: Contract
    draft: PlanDraft
    plan: list[MilestoneView]  # the current plan as the board shows it (a draft changes no milestone)
    current: list[Row]  # the same, as diff rows
    items: list[Row]  # what the draft stores (``item_id`` and ``place`` set)
    conn: object  # the transaction's sqlite3 connection, and its data_version (``Remembered``)
    data_version: int
    written: Written | None = None  # what it committed, for the board it returns (``_finish``)

    def rows(self) -> list[Row]:
        """The draft's rows in order, among the history and locked milestones (``sequence``)."""
        return sequence(self.current, self.items)


def _open_draft(db: Database, unit: Unit, contract_id: int, side: str, expect_version: int | None) -> _Draft:
    c = unit.contract(contract_id, expect_version=expect_version, action="change its plan")
    if side not in (Side.CLIENT, Side.FREELANCER):
        raise DomainError("R1", "plan changes are drafted by the client or the freelancer; act as one of them.")
    require_fixed(c, "plan")
    if side == Side.CLIENT and (req := pending_request(unit, c)):
        raise DomainError("R3", f"a change request from the freelancer is pending (sent "
                                f"{req.created_at:%Y-%m-%d}); accept or decline it before changing the plan.")
    # The plan read once, as the board shows it, on the transaction's own connection: the board
    # returned after the operation takes it as it is (``Written``). Flushed first: a timer that
    # fired as the operation began may have changed a milestone the raw read would miss.
    unit.session.flush()
    conn = raw(unit.session)
    seen = conn.execute("pragma data_version").fetchone()[0]
    last = db.plans.get(c.id)
    if last is not None and last.conn is conn and last.data_version == seen and last.version == c.version:
        plan = last.plan
    else:
        plan = milestones(conn, c.id)
    current = [m.row() for m in plan]
    d = draft_of(unit, c, side)
    if d is None:
        d = PlanDraft(contract_id=c.id, side=side, created_at=unit.now, updated_at=unit.now)
        unit.session.add(d)
        unit.session.flush()
        items = []
    else:
        items = plan_items(conn, "draft_id", d.id)
        if any(it.place is None for it in items):  # an older Cairn's: given places, once
            items = materialize(unit, d.id, [r for r in sequence(current, items) if live(r)], last_fixed(current))
    d.updated_at = unit.now
    unit.session.add(d)
    return _Draft(c, d, plan, current, items, conn, seen)


def _find(unit: Unit, dr: _Draft, key: str, verb: str, rows: list[Row] | None = None) -> Row:
    """The row of the draft's ``rows`` (``dr.rows()`` by default) that ``key`` names."""
    number = int(key[1:]) if key[1:].isdigit() else None
    mid, iid = (number, None) if key[:1] == "m" else (None, number) if key[:1] == "n" else (None, None)
    for r in rows if rows is not None else dr.rows():
        if (mid is not None and r.milestone_id == mid or iid is not None and r.item_id == iid) and live(r):
            return r
    if key.startswith("m") and key[1:].isdigit():
        m = unit.session.get(Milestone, int(key[1:]))
        if m is not None and m.contract_id == dr.contract.id:
            if m.state in (MilestoneState.ACTIVE, MilestoneState.SUBMITTED):
                raise DomainError("M6", f"\"{m.title}\" is {m.state} and locked; only future milestones can "
                                        f"be {verb}.")
            if m.state != MilestoneState.FUTURE:
                instead = "only future milestones move" if verb == "moved" else "add a new milestone instead"
                raise DomainError("M6", f"\"{m.title}\" is {m.state}: history can't be {verb}; {instead}.")
    raise DomainError("R1", "that milestone is no longer in the plan; the board now shows the current plan.")


def _write(unit: Unit, dr: _Draft, r: Row, **values) -> Row:
    """Store row ``r`` of the draft with ``values`` (columns of an item): as its item, made now for a
    milestone the draft did not name yet."""
    new = replace(r, **values)
    if r.item_id is None:
        it = PlanItem(draft_id=dr.draft.id, seq=0, milestone_id=r.milestone_id, title=new.title,
                      description=new.description, due_date=new.due_date, amount_minor=new.amount_minor,
                      deleted=new.deleted, moved=new.moved, place=new.place)
        unit.session.add(it)
        unit.session.flush()
        new = replace(new, item_id=it.id, state=MilestoneState.FUTURE)
        dr.items.append(new)
    else:
        t = PlanItem.__table__
        unit.session.execute(update(t).where(t.c.id == r.item_id).values(**values))
        dr.items = [new if x.item_id == r.item_id else x for x in dr.items]
    return new


def _finish(unit: Unit, dr: _Draft, summary: str) -> None:
    """Drop a draft that no longer changes anything; ``summary`` names the edit (drafts write no
    event: they are private until sent; undo shows this)."""
    if unit.action is not None:
        unit.action.summary = summary
    unit.session.flush()
    c, d = dr.contract, dr.draft
    if changes_nothing(dr.current, dr.items):
        unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
        unit.session.delete(d)
    c.version += 1
    unit.session.add(c)
    dr.written = Written(c.version, dr.plan, dr.items)


def _fields(c: Contract, unit: Unit, *, title=_UNSET, amount=_UNSET, due_date=_UNSET, description=_UNSET) -> dict:
    out = {}
    if title is not _UNSET:
        out["title"] = validate.title(title)
    if amount is not _UNSET:
        out["amount_minor"] = validate.amount(amount, c.currency, minimum=c.minimum_minor)
    if due_date is not _UNSET:
        out["due_date"] = validate.due_date(due_date)
    if description is not _UNSET:
        out["description"] = validate.description(description)
    return out


def draft_add(db: Database, contract_id: int, *, side: str, title: str, amount: int | str,
              due_date: date | str | None = None, description: str = "", after_key: str | None = None,
              clock: Clock, expect_version: int | None = None) -> Board:
    """Add a future milestone to the draft, at the end or after ``after_key``."""
    with operation(db, clock, contract_id=contract_id, kind="draft_add", actor=side) as unit:
        dr = _open_draft(db, unit, contract_id, side, expect_version)
        f = _fields(dr.contract, unit, title=title, amount=amount, due_date=due_date, description=description)
        place = _after(dr, after_key)
        if place is None:  # no room left there: every row gets a place of its own, and it goes again
            dr.items = materialize(unit, dr.draft.id, [r for r in dr.rows() if live(r)], last_fixed(dr.current))
            place = _after(dr, after_key)
        it = PlanItem(draft_id=dr.draft.id, seq=0, milestone_id=None, place=place, **f)
        unit.session.add(it)
        unit.session.flush()
        dr.items.append(item_row(it))
        _finish(unit, dr, f"\"{f['title']}\" added to the {side}'s draft")
    return _answer(db, dr, contract_id, clock, side)


def _after(dr: _Draft, after_key: str | None) -> float | None:
    """The place just after ``after_key``'s row (a future one), or after the last row."""
    rows = dr.rows()
    at = len(rows) - 1
    for i, r in enumerate(rows):
        if after_key is not None and live(r) and (
                (r.milestone_id is not None and after_key == f"m{r.milestone_id}") or after_key == f"n{r.item_id}"):
            at = i
    return between(rows[at].place if rows else None, rows[at + 1].place if at + 1 < len(rows) else None)


def draft_edit(db: Database, contract_id: int, *, side: str, key: str, clock: Clock,
               expect_version: int | None = None, title=_UNSET, amount=_UNSET, due_date=_UNSET,
               description=_UNSET) -> Board:
    """Edit a future milestone in the draft (M6: locked and past ones are refused)."""
    with operation(db, clock, contract_id=contract_id, kind="draft_edit", actor=side) as unit:
        dr = _open_draft(db, unit, contract_id, side, expect_version)
        r = _find(unit, dr, key, "edited")
        new = _write(unit, dr, r, **_fields(dr.contract, unit, title=title, amount=amount, due_date=due_date,
                                            description=description))
        _finish(unit, dr, f"\"{new.title}\" edited in the {side}'s draft")
    return _answer(db, dr, contract_id, clock, side)


def draft_delete(db: Database, contract_id: int, *, side: str, key: str, clock: Clock,
                 expect_version: int | None = None) -> Board:
    """Mark a future milestone for deletion in the draft; on a marked one, bring it back."""
    with operation(db, clock, contract_id=contract_id, kind="draft_delete", actor=side) as unit:
        dr = _open_draft(db, unit, contract_id, side, expect_version)
        r = _find(unit, dr, key, "deleted")
        if r.milestone_id is None:
            unit.session.exec(delete(PlanItem).where(PlanItem.id == r.item_id))
            dr.items = [x for x in dr.items if x.item_id != r.item_id]
            what = "taken out of"
        else:
            r = _write(unit, dr, r, deleted=not r.deleted)
            what = "marked for deletion in" if r.deleted else "restored in"
        _finish(unit, dr, f"\"{r.title}\" {what} the {side}'s draft")
    return _answer(db, dr, contract_id, clock, side)


def draft_move(db: Database, contract_id: int, *, side: str, key: str, delta: int = 0,
               to_index: int | None = None, clock: Clock, expect_version: int | None = None) -> Board:
    """Move a future milestone among the futures (M7); ``to_index`` counts future rows from 0."""
    with operation(db, clock, contract_id=contract_id, kind="draft_move", actor=side) as unit:
        dr = _open_draft(db, unit, contract_id, side, expect_version)
        rows = dr.rows()
        it = _find(unit, dr, key, "moved", rows)
        if it.deleted:
            raise DomainError("R1", f"\"{it.title}\" is marked for deletion; restore it before moving it.")
        visible = [r for r in rows if live(r) and not r.deleted]
        index = next(i for i, r in enumerate(visible) if r is it)
        target = to_index if to_index is not None else index + delta
        fixed = [m for m in dr.current if m.state != MilestoneState.FUTURE] if target < 0 else []
        if fixed:
            last = fixed[-1]
            what = "locked" if last.state in (MilestoneState.ACTIVE, MilestoneState.SUBMITTED) else "past"
            raise DomainError("M7", f"\"{it.title}\" can't move above \"{last.title}\", which is {what}; "
                                    "future milestones always stay below the active one and history.")
        target = max(0, min(target, len(visible) - 1))
        if target != index:
            place = _moved_place(rows, it, index, target)
            if place is None:  # no room left there: every row gets a place of its own, and it goes again
                dr.items = materialize(unit, dr.draft.id, [r for r in rows if live(r)], last_fixed(dr.current))
                rows = dr.rows()
                it = _find(unit, dr, key, "moved", rows)
                place = _moved_place(rows, it, index, target)
            _write(unit, dr, it, place=place, moved=True)
        _finish(unit, dr, f"\"{it.title}\" moved in the {side}'s draft")
    return _answer(db, dr, contract_id, clock, side)


def _moved_place(rows: list[Row], it: Row, index: int, target: int) -> float | None:
    """Where ``it``, the ``index``-th of the rows not marked for deletion, goes to be the
    ``target``-th: just after the row it passes going down, just before it going up."""
    rows = [r for r in rows if r is not it]
    visible = [r for r in rows if live(r) and not r.deleted]
    passed = visible[target - 1] if target > index else visible[target]
    at = next(i for i, r in enumerate(rows) if r is passed)
    if target > index:
        return between(passed.place, rows[at + 1].place if at + 1 < len(rows) else None)
    return between(rows[at - 1].place if at > 0 else None, passed.place)


def discard_draft(db: Database, contract_id: int, *, side: str, clock: Clock) -> Board:
    with operation(db, clock, contract_id=contract_id, kind="discard_draft", actor=side) as unit:
        c = unit.contract(contract_id, must_be_open=False)
        d = draft_of(unit, c, side)
        if d is not None:
            unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
            unit.session.delete(d)
            c.version += 1
            unit.session.add(c)
            if unit.action is not None:
                unit.action.summary = f"The {side}'s draft discarded"
    return board(db, contract_id, clock, side=side)
