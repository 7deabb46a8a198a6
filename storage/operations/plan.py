"""Drafting a plan batch (R1, R2, M6, M7): add, edit, delete and move future milestones.

Each party has at most one draft per contract: the desired future plan, kept in the
database so a half-made batch survives quitting. Sending it (R1) or proposing it as a change
request (R2), and the request's outcome (R3, R4), are in ``change_requests.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, update
from sqlmodel import col, delete, select

from cairn.storage import validate
from cairn.storage.diff import Row, changes_nothing
from cairn.storage.errors import DomainError
from cairn.storage.models import (
    ChangeRequest,
    Contract,
    Milestone,
    MilestoneState,
    PlanDraft,
    PlanItem,
    RequestStatus,
    Side,
)
from cairn.storage.operations.history import raw
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit, require_fixed
from cairn.storage.queries.board import Written, board, milestones

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board, MilestoneView

_UNSET = object()


# --- rows --------------------------------------------------------------------------
def item_row(it: PlanItem) -> Row:
    return Row(milestone_id=it.milestone_id, title=it.title, amount_minor=it.amount_minor,
               due_date=it.due_date, description=it.description, item_id=it.id, deleted=it.deleted,
               moved=bool(it.moved))


def current_rows(unit: Unit, c: Contract) -> list[Row]:
    """The plan as diff rows, read as plain columns: no ORM objects and no instants to parse, so a
    plan of 1,000 milestones reads in milliseconds (a move reads it more than once)."""
    q = (select(Milestone.id, Milestone.title, Milestone.amount_minor, Milestone.due_date, Milestone.description,
                Milestone.state)
         .where(Milestone.contract_id == c.id).where(Milestone.state != MilestoneState.DELETED)
         .order_by(col(Milestone.position), col(Milestone.id)))
    return [Row(milestone_id=i, title=t, amount_minor=a, due_date=due, description=text, state=state)
            for i, t, a, due, text, state in unit.session.exec(q)]


def draft_of(unit: Unit, c: Contract, side: str) -> PlanDraft | None:
    return unit.session.exec(select(PlanDraft).where(PlanDraft.contract_id == c.id)
                             .where(PlanDraft.side == side)).first()


def items_of(unit: Unit, *, draft_id: int | None = None, request_id: int | None = None) -> list[PlanItem]:
    q = select(PlanItem)
    q = q.where(PlanItem.draft_id == draft_id) if draft_id is not None else q.where(PlanItem.request_id == request_id)
    return list(unit.session.exec(q.order_by(col(PlanItem.seq), col(PlanItem.id))))


def pending_request(unit: Unit, c: Contract) -> ChangeRequest | None:
    return unit.session.exec(select(ChangeRequest).where(ChangeRequest.contract_id == c.id)
                             .where(ChangeRequest.status == RequestStatus.PENDING)).first()


# --- drafting ----------------------------------------------------------------------
@dataclass
class _Draft:
    """A draft being changed by one operation, read once as plain rows: loading 1,000 items as
    ORM objects took ~15 ms, and a move read them three times."""

    contract: Contract
    draft: PlanDraft
    plan: list[MilestoneView]  # the current plan as the board shows it (a draft changes no milestone)
    current: list[Row]  # the same, as diff rows
    rows: list[Row]  # the draft's items in their order (``item_id`` set)
    stored_seq: dict[int, int]  # item id -> seq as stored, to write only what changes

    def index(self, item_id: int) -> int:
        return next(i for i, r in enumerate(self.rows) if r.item_id == item_id)

    def written(self) -> Written:
        """For the board the operation returns (after ``_finish``)."""
        return Written(self.contract.version, self.plan, self.rows)


def draft_rows(unit: Unit, draft_id: int) -> tuple[list[Row], dict[int, int]]:
    """A draft's items as rows, in order, and each one's stored seq."""
    q = (select(PlanItem.id, PlanItem.seq, PlanItem.milestone_id, PlanItem.title, PlanItem.amount_minor,
                PlanItem.due_date, PlanItem.description, PlanItem.deleted, PlanItem.moved)
         .where(PlanItem.draft_id == draft_id).order_by(col(PlanItem.seq), col(PlanItem.id)))
    rows, seqs = [], {}
    for i, seq, mid, title, amount, due, text, deleted, moved in unit.session.exec(q):
        rows.append(Row(milestone_id=mid, title=title, amount_minor=amount, due_date=due, description=text,
                        item_id=i, deleted=deleted, moved=bool(moved)))
        seqs[i] = seq
    return rows, seqs


def _open_draft(unit: Unit, contract_id: int, side: str, expect_version: int | None) -> _Draft:
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
    plan = milestones(raw(unit.session), c.id)
    current = [m.row() for m in plan]
    d = draft_of(unit, c, side)
    if d is None:
        d = PlanDraft(contract_id=c.id, side=side, created_at=unit.now, updated_at=unit.now)
        unit.session.add(d)
        unit.session.flush()
        rows, stored = [], {}
    else:
        rows, stored = draft_rows(unit, d.id)
    # Every future milestone is a row of the draft: all of them when it begins, and futures
    # added since (by the other side's batch) after its rows, as ``resulting_plan`` shows them,
    # so they can be edited, deleted and moved like the rest. In one statement, not as objects:
    # a plan of 1,000 futures is drafted in milliseconds.
    named = {r.milestone_id for r in rows if r.milestone_id is not None}
    missing = [m for m in current if m.state == MilestoneState.FUTURE and m.milestone_id not in named]
    if missing:
        # On the transaction's own connection, as plain tuples: SQLAlchemy's handling of 1,000
        # parameter sets cost more than SQLite's inserting them. Their rows are what was just
        # inserted: only the new ids are read back (RETURNING in order costs a statement a row).
        conn = raw(unit.session)
        conn.executemany(
            "insert into plan_item (draft_id, seq, milestone_id, title, deleted, description, due_date, amount_minor,"
            " moved) values (?, ?, ?, ?, 0, ?, ?, ?, 0)",
            [(d.id, n, m.milestone_id, m.title, m.description, m.due_date and m.due_date.isoformat(), m.amount_minor)
             for n, m in enumerate(missing, start=len(rows))])
        item_of = dict(conn.execute("select milestone_id, id from plan_item where draft_id = ? and milestone_id"
                                    " is not null", (d.id,)))
        for n, m in enumerate(missing, start=len(rows)):
            rows.append(replace(m, item_id=item_of[m.milestone_id]))
            stored[item_of[m.milestone_id]] = n
    d.updated_at = unit.now
    unit.session.add(d)
    return _Draft(c, d, plan, current, rows, stored)


def _find(unit: Unit, dr: _Draft, key: str, verb: str) -> Row:
    for r in dr.rows:
        if (r.milestone_id is not None and key == f"m{r.milestone_id}") or key == f"n{r.item_id}":
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


def _finish(unit: Unit, dr: _Draft, summary: str) -> None:
    """Renumber (writing only the seqs that change), and drop a draft that no longer changes
    anything; ``summary`` names the edit (drafts write no event: they are private until sent;
    undo shows this)."""
    if unit.action is not None:
        unit.action.summary = summary
    unit.session.flush()
    renumbered = [{"b_id": r.item_id, "b_seq": seq} for seq, r in enumerate(dr.rows)
                  if dr.stored_seq.get(r.item_id) != seq]
    if renumbered:
        t = PlanItem.__table__
        unit.session.execute(update(t).where(t.c.id == bindparam("b_id")).values(seq=bindparam("b_seq")),
                             renumbered)
    c, d = dr.contract, dr.draft
    if changes_nothing(dr.current, dr.rows):
        unit.session.exec(delete(PlanItem).where(PlanItem.draft_id == d.id))
        unit.session.delete(d)
    c.version += 1
    unit.session.add(c)


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
        dr = _open_draft(unit, contract_id, side, expect_version)
        f = _fields(dr.contract, unit, title=title, amount=amount, due_date=due_date, description=description)
        seq = len(dr.rows)
        if after_key is not None:
            for i, r in enumerate(dr.rows):
                if (r.milestone_id is not None and after_key == f"m{r.milestone_id}") or after_key == f"n{r.item_id}":
                    seq = i + 1
        it = PlanItem(draft_id=dr.draft.id, seq=seq, milestone_id=None, **f)
        unit.session.add(it)
        unit.session.flush()
        dr.rows.insert(seq, item_row(it))  # the rows after it are renumbered by _finish
        dr.stored_seq[it.id] = seq
        _finish(unit, dr, f"\"{f['title']}\" added to the {side}'s draft")
        written = dr.written()
    return board(db, contract_id, clock, side=side, written=written)


def draft_edit(db: Database, contract_id: int, *, side: str, key: str, clock: Clock,
               expect_version: int | None = None, title=_UNSET, amount=_UNSET, due_date=_UNSET,
               description=_UNSET) -> Board:
    """Edit a future milestone in the draft (M6: locked and past ones are refused)."""
    with operation(db, clock, contract_id=contract_id, kind="draft_edit", actor=side) as unit:
        dr = _open_draft(unit, contract_id, side, expect_version)
        it = unit.session.get(PlanItem, _find(unit, dr, key, "edited").item_id)
        for name, value in _fields(dr.contract, unit, title=title, amount=amount, due_date=due_date,
                                   description=description).items():
            setattr(it, name, value)
        unit.session.add(it)
        dr.rows[dr.index(it.id)] = item_row(it)
        _finish(unit, dr, f"\"{it.title}\" edited in the {side}'s draft")
        written = dr.written()
    return board(db, contract_id, clock, side=side, written=written)


def draft_delete(db: Database, contract_id: int, *, side: str, key: str, clock: Clock,
                 expect_version: int | None = None) -> Board:
    """Mark a future milestone for deletion in the draft; on a marked one, bring it back."""
    with operation(db, clock, contract_id=contract_id, kind="draft_delete", actor=side) as unit:
        dr = _open_draft(unit, contract_id, side, expect_version)
        it = unit.session.get(PlanItem, _find(unit, dr, key, "deleted").item_id)
        at = dr.index(it.id)
        if it.milestone_id is None:
            unit.session.delete(it)
            del dr.rows[at]
            what = "taken out of"
        else:
            it.deleted = not it.deleted
            unit.session.add(it)
            dr.rows[at] = item_row(it)
            what = "marked for deletion in" if it.deleted else "restored in"
        unit.session.flush()
        _finish(unit, dr, f"\"{it.title}\" {what} the {side}'s draft")
        written = dr.written()
    return board(db, contract_id, clock, side=side, written=written)


def draft_move(db: Database, contract_id: int, *, side: str, key: str, delta: int = 0,
               to_index: int | None = None, clock: Clock, expect_version: int | None = None) -> Board:
    """Move a future milestone among the futures (M7); ``to_index`` counts future rows from 0."""
    with operation(db, clock, contract_id=contract_id, kind="draft_move", actor=side) as unit:
        dr = _open_draft(unit, contract_id, side, expect_version)
        it = _find(unit, dr, key, "moved")
        visible = [r for r in dr.rows if not r.deleted]
        if it.deleted:
            raise DomainError("R1", f"\"{it.title}\" is marked for deletion; restore it before moving it.")
        index = visible.index(it)
        target = to_index if to_index is not None else index + delta
        fixed = [m for m in dr.current if m.state != MilestoneState.FUTURE] if target < 0 else []
        if fixed:
            last = fixed[-1]
            what = "locked" if last.state in (MilestoneState.ACTIVE, MilestoneState.SUBMITTED) else "past"
            raise DomainError("M7", f"\"{it.title}\" can't move above \"{last.title}\", which is {what}; "
                                    "future milestones always stay below the active one and history.")
        target = max(0, min(target, len(visible) - 1))
        if target != index:
            if not it.moved:
                t = PlanItem.__table__
                unit.session.execute(update(t).where(t.c.id == it.item_id).values(moved=True))
            visible.remove(it)
            visible.insert(target, replace(it, moved=True))
            # Deleted items keep their slots relative to the visible ones.
            vis = iter(visible)
            dr.rows = [r if r.deleted else next(vis) for r in dr.rows]
        _finish(unit, dr, f"\"{it.title}\" moved in the {side}'s draft")
        written = dr.written()
    return board(db, contract_id, clock, side=side, written=written)


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
