"""The action log behind undo: which rows each recorded action changed, as they were before.

Every operation on a contract is one ``Action`` (a timer's firing is its own, by ``automatic``).
While an action runs, SQLite triggers copy each row it first touches in the contract's tables
into ``action_change``: the row as it was (JSON), or NULL when the action created it. They are
TEMP triggers, made on each connection from the live columns (so a column added by a later
migration is captured without anyone updating them), and they fire only while the one-row
``temp.cairn_capture`` names an action, which only an operation's transaction sets. ORM writes
and bulk ``update()``/``delete()`` statements are caught alike.

``revert`` puts the rows back: rows the actions created are deleted, the rest restored. Events are
the journal and stay (R5): the reverted actions are marked undone (``action.undone_at``), their
events read, and their links to rows that no longer exist cleared.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import col, select

from cairn.storage.models import AUTOMATIC, Action, Contract
from cairn.storage.types import to_utc_text

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel import Session

    from cairn.storage.operations.unit import Unit

# The tables an action can change. Events are the journal, never rewritten; profiles are
# shared by contracts and changed by no operation.
CAPTURED = ("contract", "milestone", "ledger_entry", "change_request", "plan_draft", "plan_item",
            "refund_request")
TIMER = "timer"
_MARK = "cairn_undo_"


def raw(session: Session):
    """The transaction's own ``sqlite3`` connection: the log's small statements skip the ORM."""
    return session.connection().connection.driver_connection


def ensure_capture(session: Session) -> None:
    """Create the capture table and triggers on this connection if it has none yet."""
    conn = raw(session)
    have = conn.execute(f"select count(*) from sqlite_temp_master where type = 'trigger' "
                        f"and name like '{_MARK}%'").fetchone()[0]
    if have == 3 * len(CAPTURED):
        return
    conn.execute("create temp table if not exists cairn_capture (action_id integer)")
    conn.execute("delete from temp.cairn_capture")
    conn.execute("insert into temp.cairn_capture values (null)")
    for table in CAPTURED:
        columns = [r[1] for r in conn.execute(f"pragma main.table_info({table})")]
        image = "json_object(" + ", ".join(f"'{c}', old.\"{c}\"" for c in columns) + ")"
        for op, row, value in (("insert", "new", "null"), ("update", "old", image), ("delete", "old", image)):
            conn.execute(f"drop trigger if exists temp.{_MARK}{table}_{op}")
            conn.execute(
                f"create temp trigger {_MARK}{table}_{op} after {op} on main.{table} "
                "when (select action_id from temp.cairn_capture) is not null begin "
                "insert or ignore into action_change (action_id, tbl, row_id, image) values "
                f"((select action_id from temp.cairn_capture), '{table}', {row}.id, {value}); end")


def _capture(session: Session, action_id: int | None) -> None:
    raw(session).execute("update temp.cairn_capture set action_id = ?", (action_id,))


def begin(unit: Unit, contract: Contract, *, kind: str, actor: str, at: datetime) -> Action:
    """Start logging what happens next under a new action on ``contract``."""
    if unit.action is not None:
        raise AssertionError(f"action {unit.action.id} is still being logged")
    if not unit.capture_ready:
        ensure_capture(unit.session)
        unit.capture_ready = True
    unit.session.flush()
    action = Action(contract_id=contract.id, kind=kind, actor=str(actor), at=at, recorded_at=unit.real_now,
                    summary="")
    unit.session.add(action)
    unit.session.flush()
    _capture(unit.session, action.id)
    unit.action = action
    return action


def end(unit: Unit) -> Action | None:
    """Stop logging. An action that wrote no event and left every row as it found it (but for
    change counters: a move to the same place, a discard with no draft) is dropped: there is
    nothing to undo."""
    action = unit.action
    if action is None:
        return None
    unit.session.flush()
    _capture(unit.session, None)
    unit.action = None
    events = raw(unit.session).execute("select actor, summary from event where action_id = ? order by id",
                                       (action.id,)).fetchall()
    if not events and not _changed_anything(unit.session, action):
        unit.session.execute(text("delete from action_change where action_id = :a"), {"a": action.id})
        unit.session.delete(action)
        unit.session.flush()
        return None
    if not action.summary:
        mine = [e for e in events if e[0] != AUTOMATIC] or events
        action.summary = mine[0][1] if mine else ""
    if actor := next((e[0] for e in events if e[0] != AUTOMATIC), None):
        action.actor = actor
    unit.session.add(action)
    return action


# Columns that count changes rather than say anything: an action that changed only these did nothing.
_COUNTERS = {"contract": {"version"}, "plan_draft": {"updated_at"}}


def _changed_anything(session: Session, action: Action) -> bool:
    changes = raw(session).execute("select tbl, row_id, image from action_change where action_id = ? order by "
                                   "image is null desc, id", (action.id,)).fetchall()
    for table, row_id, image in changes:
        now = _row(session, table, row_id)
        if image is None or now is None:
            if (image is None) != (now is None):
                return True
            continue
        before = json.loads(image)
        skip = _COUNTERS.get(table, set())
        if {k: v for k, v in now.items() if k not in skip} != {k: v for k, v in before.items() if k not in skip}:
            return True
    return False


def _row(session: Session, table: str, row_id: int) -> dict | None:
    conn = raw(session)
    columns = [r[1] for r in conn.execute(f"pragma main.table_info({table})")]
    image = "json_object(" + ", ".join(f"'{c}', \"{c}\"" for c in columns) + ")"
    found = conn.execute(f"select {image} from {table} where id = ?", (row_id,)).fetchone()
    return None if found is None else json.loads(found[0])


# --- reading the log -----------------------------------------------------------------------
def live(unit: Unit, contract_id: int) -> list[Action]:
    """The contract's actions not undone, oldest first."""
    q = select(Action).where(Action.contract_id == contract_id).where(col(Action.undone_at).is_(None))
    return list(unit.session.exec(q.order_by(col(Action.id))))


def last_recorded(unit: Unit, contract_id: int) -> Action | None:
    """The latest action a party recorded (not a timer) that is not undone: what undo undoes."""
    q = (select(Action).where(Action.contract_id == contract_id).where(col(Action.undone_at).is_(None))
         .where(Action.kind != TIMER).order_by(col(Action.id).desc()))
    return unit.session.exec(q).first()


def timers_since_last_recorded(unit: Unit, contract_id: int, *, later_than: datetime | None = None) -> list[Action]:
    """The timers' firings after the last action a party recorded (nothing depends on them yet);
    none at all unless one of them is dated after ``later_than``."""
    since = ("select id, at from action where contract_id = ? and undone_at is null and kind = 'timer' and id > "
             "coalesce((select max(id) from action where contract_id = ? and undone_at is null and kind != 'timer'), 0)")
    rows = raw(unit.session).execute(since, (contract_id, contract_id)).fetchall()
    if not rows or later_than is not None and not any(at > to_utc_text(later_than) for _id, at in rows):
        return []
    return list(unit.session.exec(select(Action).where(col(Action.id).in_([r[0] for r in rows]))
                                  .order_by(col(Action.id))))


# --- putting rows back ------------------------------------------------------------------------
def revert(unit: Unit, contract: Contract, actions: list[Action]) -> None:
    """Undo ``actions`` (the newest of the contract's live actions, a suffix of them): every row
    they changed goes back to how it was before the first of them; they are marked undone."""
    s = unit.session
    s.flush()
    ids = [a.id for a in actions]
    if not ids:
        return
    # The rows are consistent once all are back; SQLite checks the links at commit.
    s.execute(text("pragma defer_foreign_keys = on"))
    marks = ", ".join(str(int(i)) for i in ids)
    first = {}  # (table, row id) -> the image before the earliest of the actions touched it
    for table, row_id, image in s.execute(text(
            f"select tbl, row_id, image from action_change where action_id in ({marks}) order by action_id, id")):
        first.setdefault((table, row_id), image)
    version = contract.version
    for (table, row_id), image in first.items():
        if image is None:
            s.execute(text(f"delete from {table} where id = :i"), {"i": row_id})
    for (table, row_id), image in first.items():
        if image is not None:
            _restore(s, table, row_id, json.loads(image))
    # Events stay (R5), read and marked undone through their action; links to rows that are gone
    # are cleared (SQLite could give those ids to new rows).
    s.execute(text(f"update event set read = 1 where action_id in ({marks}) and read = 0"))
    s.execute(text("update event set milestone_id = null where contract_id = :c and milestone_id is not null "
                   "and milestone_id not in (select id from milestone)"), {"c": contract.id})
    s.execute(text("update event set ledger_id = null where contract_id = :c and ledger_id is not null "
                   "and ledger_id not in (select id from ledger_entry)"), {"c": contract.id})
    s.execute(text(f"update action set undone_at = :now where id in ({marks})"), {"now": to_utc_text(unit.real_now)})
    # Forward, never back: a screen that saw any of these versions is told the contract changed.
    s.execute(text("update contract set version = :v where id = :c"), {"v": version + 1, "c": contract.id})
    # What the ORM had loaded is stale now: read it again when next used.
    s.expire_all()


def _restore(s: Session, table: str, row_id: int, image: dict) -> None:
    columns = list(image)
    exists = s.execute(text(f"select 1 from {table} where id = :i"), {"i": row_id}).first()
    params = {f"v{i}": image[c] for i, c in enumerate(columns)}
    if exists:
        sets = ", ".join(f"\"{c}\" = :v{i}" for i, c in enumerate(columns) if c != "id")
        s.execute(text(f"update {table} set {sets} where id = :i"), {**params, "i": row_id})
    else:
        names = ", ".join(f"\"{c}\"" for c in columns)
        values = ", ".join(f":v{i}" for i in range(len(columns)))
        s.execute(text(f"insert into {table} ({names}) values ({values})"), params)
