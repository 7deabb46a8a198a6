"""A contract's journal (R5): every event, newest first, in words a person uses.

Each entry says who did what, what changed (field by field, before and after, in the names
the screens use, not the columns'), and carries every message recorded with it: submission
notes, change requests' messages and reasons, requests for changes, refund and dispute notes,
bonus notes, feedback. Plain ``sqlite3``, like the other queries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from cairn.storage.money import format_amount
from cairn.storage.queries.reading import connection, parse_ts

# What each recorded field is called on screen.
FIELD_NAMES = {
    "title": "title", "description": "description", "due_date": "due date", "amount_minor": "amount",
    "position": "position in the plan", "state": "state", "status": "status",
    "review_due_at": "automatic release", "answer_due_at": "answer due by", "deposit": "deposited",
    "credit": "carried credit", "released": "released", "refunded": "refunded", "bonus": "bonus",
    "amount": "amount", "total": "plan total", "archived": "archived", "rating": "rating", "client": "client",
    "currency": "currency", "milestones": "milestones", "revision": "revision round", "revision_cap": "revision cap",
}
_MONEY = {"amount_minor", "deposit", "credit", "released", "refunded", "bonus", "amount", "total"}
_INSTANTS = {"review_due_at", "answer_due_at"}
# Keys holding what a person wrote, by the label it is shown under (per event kind where it differs).
_MESSAGES = {"message": "Message", "reason": "Reason", "note": "Note", "text": "Feedback"}
_MESSAGE_BY_KIND = {"submitted": "Submission note", "changes_requested": "Changes requested",
                    "refund_disputed": "Dispute note", "bonus": "Bonus note"}
_INTERNAL = {"request", "diff", "to", "milestones"}
_RULE_IDS = re.compile(r"\s*\((?:[CGMPR]\d+(?:,\s*)?)+\)")


def without_rule_ids(text: str) -> str:
    """'released (P5).' -> 'released.': rule ids belong in refusals and help, not in the story."""
    return _RULE_IDS.sub("", text)


@dataclass(frozen=True)
class Change:
    field: str  # as a person calls it
    before: str | datetime | None  # instants stay datetimes, for the screen's local time
    after: str | datetime | None


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    actor: str
    kind: str
    what: str
    milestone: str | None
    changes: list[Change] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    read: bool = True
    undone_at: datetime | None = None  # its action was undone then; the journal keeps it (R5)

    def matches(self, needle: str) -> bool:
        """Case-insensitive search over everything the entry shows."""
        needle = needle.casefold().strip()
        if not needle:
            return True
        hay = [self.what, self.actor, self.milestone or "", self.at.isoformat()]
        hay += [f"{label} {text}" for label, text in self.messages]
        hay += [f"{c.field} {c.before or ''} {c.after or ''}" for c in self.changes]
        return any(needle in h.casefold() for h in hay)


@dataclass(frozen=True)
class History:
    contract_id: int
    title: str
    currency: str
    my_side: str
    entries: list[HistoryEntry]


def _value(key: str, value: object, currency: str) -> str | datetime | None:
    if value is None:
        return None
    if key in _MONEY and isinstance(value, int):
        return format_amount(value, currency)
    if key in _INSTANTS and isinstance(value, str):
        return parse_ts(value)
    if key == "due_date" and isinstance(value, str):
        return date.fromisoformat(value[:10]).isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "rating" and isinstance(value, int):
        return f"{value}/5"
    return str(value)


def _entry(row: tuple, currency: str, request_messages: dict[int, str]) -> HistoryEntry:
    eid, at, actor, kind, summary, before_json, after_json, read, mtitle, undone_at = row
    before = json.loads(before_json) if before_json else {}
    after = json.loads(after_json) if after_json else {}
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    messages: list[tuple[str, str]] = []
    for key, label in _MESSAGES.items():
        text = after.get(key)
        if isinstance(text, str) and text.strip():
            messages.append((_MESSAGE_BY_KIND.get(kind, label) if key in ("message", "note") else label, text))
    if kind == "change_requested" and isinstance(after.get("request"), int):
        text = request_messages.get(after["request"], "")
        if text.strip():
            messages.append(("Message", text))
    changes = []
    # Fields the event set; what it only remembered (a deleted milestone's title) the summary says.
    for key in [k for k in after if k not in _MESSAGES and k not in _INTERNAL]:
        if any(c.field == FIELD_NAMES.get(key, key.replace("_", " ")) for c in changes):
            continue
        old, new = _value(key, before.get(key), currency), _value(key, after.get(key), currency)
        if old != new:
            changes.append(Change(FIELD_NAMES.get(key, key.replace("_", " ")), old, new))
    return HistoryEntry(eid, parse_ts(at), actor, kind, without_rule_ids(summary), mtitle, changes, messages,
                        bool(read), parse_ts(undone_at))


def history(db, contract_id: int, *, search: str = "") -> History | None:
    """Every event of one contract, newest first; only those matching ``search`` if given."""
    conn = connection(db)
    c = conn.execute("select title, currency, my_side from contract where id = ?", (contract_id,)).fetchone()
    if c is None:
        return None
    title, currency, my_side = c
    request_messages = dict(conn.execute("select id, message from change_request where contract_id = ?",
                                         (contract_id,)).fetchall())
    rows = conn.execute(
        """select e.id, e.at, e.actor, e.kind, e.summary, e.before_json, e.after_json, e.read, m.title,
                  a.undone_at
           from event e left join milestone m on m.id = e.milestone_id left join action a on a.id = e.action_id
           where e.contract_id = ? order by e.at desc, e.id desc""", (contract_id,))
    entries = [_entry(r, currency, request_messages) for r in rows]
    if search:
        entries = [e for e in entries if e.matches(search)]
    return History(contract_id, title, currency, my_side, entries)
