"""The evidence pack: one self-contained document of a contract, to attach to a dispute.

Its details and the platform profile's numbers; every version of the plan with what changed
between them; every event with its actor, time (local and UTC) and message; the money ledger with
running balances; and ``cairn check``'s verdict. HTML (no external assets: styles inline, no
scripts, no images) or Markdown. Everything the user typed is escaped for the format.

The plan's versions are rebuilt from the record: the plan as it stands, then each batch of plan
events (added, edited, deleted, moved: one transaction, one instant) undone, newest first.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from cairn.storage.money import format_amount
from cairn.storage.queries import check
from cairn.storage.queries.board import ContractInfo, contract_info
from cairn.storage.queries.history import HistoryEntry, history
from cairn.storage.queries.reading import connection, parse_day, parse_ts

_PLAN_KINDS = ("milestone_added", "milestone_edited", "milestone_deleted", "milestone_moved")
_CAUSES = ("contract_created", "plan_changed", "change_request_accepted", "plan_from_template")


@dataclass(frozen=True)
class PlanLine:
    milestone_id: int
    position: int
    title: str
    amount_minor: int
    due_date: date | None


@dataclass(frozen=True)
class PlanVersion:
    number: int
    at: datetime
    actor: str
    cause: str  # what made it, in words
    plan: list[PlanLine]
    changes: list[HistoryEntry] = field(default_factory=list)  # from the version before


@dataclass(frozen=True)
class LedgerLine:
    at: datetime
    kind: str
    actor: str
    milestone: str | None
    amount_minor: int
    note: str
    escrow: int  # running balances after this movement
    credit: int
    paid: int  # released and bonuses, to the freelancer
    refunded: int


@dataclass(frozen=True)
class Evidence:
    contract: ContractInfo
    made_at: datetime
    versions: list[PlanVersion]
    events: list[HistoryEntry]  # oldest first
    ledger: list[LedgerLine]
    problems: list[str]  # cairn check on the whole file: empty is a pass
    checked: dict[str, int]


def evidence(db, contract_id: int, clock) -> Evidence | None:
    """Everything the pack holds, read in a few statements; None if the contract does not exist."""
    conn = connection(db)
    info = contract_info(conn, contract_id)
    if info is None:
        return None
    story = history(conn, contract_id)
    events = list(reversed(story.entries))
    raw = {r[0]: r[1:] for r in conn.execute(
        "select id, kind, milestone_id, before_json, after_json from event where contract_id = ?", (contract_id,))}
    plan = {r[0]: PlanLine(r[0], r[1], r[2], r[3], parse_day(r[4])) for r in conn.execute(
        """select id, position, title, amount_minor, due_date from milestone where contract_id = ?
           and state != 'deleted'""", (contract_id,))}
    deleted = {r[0]: PlanLine(r[0], r[1], r[2], r[3], parse_day(r[4])) for r in conn.execute(
        """select id, position, title, amount_minor, due_date from milestone where contract_id = ?
           and state = 'deleted'""", (contract_id,))}
    versions = _versions(events, raw, plan, deleted)
    ledger = _ledger(conn, contract_id)
    problems = check.problems(conn)
    return Evidence(info, _now(clock), versions, events, ledger, problems,
                    check.totals(conn) if not problems else {})


def _now(clock) -> datetime:
    n = clock.now().astimezone(UTC)
    return datetime(n.year, n.month, n.day, n.hour, n.minute, n.second, tzinfo=UTC)


def _versions(events: list[HistoryEntry], raw: dict, plan: dict[int, PlanLine],
              deleted: dict[int, PlanLine]) -> list[PlanVersion]:
    """Undo each batch of plan events, newest first, from the plan as it stands."""
    batches: list[tuple[datetime, list[HistoryEntry], HistoryEntry | None]] = []
    by_at: dict[datetime, list[HistoryEntry]] = {}
    for e in events:
        by_at.setdefault(e.at, []).append(e)
    for at, group in by_at.items():
        changes = [e for e in group if e.kind in _PLAN_KINDS]
        cause = next((e for e in group if e.kind in _CAUSES), None)
        if changes or (cause is not None and cause.kind == "contract_created"):
            batches.append((at, changes, cause))
    current = dict(plan)
    out: list[PlanVersion] = []
    for at, changes, cause in reversed(batches):
        out.append(PlanVersion(0, at, (cause or changes[0]).actor, _cause(cause, changes),
                               sorted(current.values(), key=lambda m: (m.position, m.milestone_id)), changes))
        for e in reversed(changes):
            kind, mid, before_json, _after = raw[e.id]
            before = json.loads(before_json) if before_json else {}
            if kind == "milestone_added":
                current.pop(mid, None)
            elif kind == "milestone_deleted" and mid in deleted:
                current[mid] = deleted[mid]
            elif mid in current and isinstance(before, dict):
                line = current[mid]
                fields = {k: v for k, v in before.items() if k in ("title", "amount_minor", "position")}
                if "due_date" in before:
                    fields["due_date"] = parse_day(before["due_date"][:10]) if before["due_date"] else None
                current[mid] = replace(line, **fields)
    out.reverse()
    return [replace(v, number=i) for i, v in enumerate(out, 1)]


def _cause(cause: HistoryEntry | None, changes: list[HistoryEntry]) -> str:
    if cause is None:
        return f"plan changed by the {changes[0].actor}"
    return {"contract_created": "the plan as the contract was created",
            "plan_changed": "changed by the client",
            "change_request_accepted": "a change request accepted by the client",
            "plan_from_template": "set from a template"}.get(cause.kind, cause.what)


def _ledger(conn, contract_id: int) -> list[LedgerLine]:
    out, escrow, credit, paid, refunded = [], 0, 0, 0, 0
    for at, kind, actor, mtitle, amount, note, mid in conn.execute(
            """select l.at, l.kind, l.actor, m.title, l.amount_minor, l.note, l.milestone_id
               from ledger_entry l left join milestone m on m.id = l.milestone_id
               where l.contract_id = ? order by l.at, l.id""", (contract_id,)):
        if kind in ("deposit", "credit_applied"):
            escrow += amount
        if kind in ("release", "credit") or (kind == "refund" and mid is not None):
            escrow -= amount
        if kind == "credit":
            credit += amount
        if kind == "credit_applied" or (kind == "refund" and mid is None):
            credit -= amount
        if kind in ("release", "bonus"):
            paid += amount
        if kind == "refund":
            refunded += amount
        out.append(LedgerLine(parse_ts(at), kind, actor, mtitle, amount, note, escrow, credit, paid, refunded))
    return out


# --- writing ------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")  # user text sits inside lines: inline marks only


def md(text: object) -> str:
    """User text as Markdown shows it literally: every mark escaped, lines kept, no raw HTML."""
    s = str(text if text is not None else "")
    s = _MD_SPECIAL.sub(r"\\\1", s).replace("&", "&amp;")
    return "<br>".join(s.splitlines()) if "\n" in s else s


def _times(at: datetime | None) -> tuple[str, str]:
    if at is None:
        return ("", "")
    return (at.astimezone().strftime("%Y-%m-%d %H:%M %Z"), at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def _details(ev: Evidence) -> list[tuple[str, str]]:
    c, p = ev.contract, ev.contract.profile
    rows = [("Contract", f"{c.title} (#{c.id})"), ("Client", c.client_name or "—"),
            ("You are the", c.my_side), ("Kind", c.kind), ("Currency", c.currency),
            ("Started on", c.started_on.isoformat()), ("Status", c.status + (" (archived)" if c.archived else ""))]
    if c.ended_at:
        rows.append(("Ended", f"{' / '.join(_times(c.ended_at))} by the {c.ended_by}: {c.end_reason}"))
    if c.feedback_rating is not None:
        rows.append(("Feedback", f"{c.feedback_rating}/5 {c.feedback_text or ''}".strip()))
    if c.notes:
        rows.append(("Notes", c.notes))
    review = f"{p.review_days} days" if p.review_days is not None else "none (no automatic release)"
    rows += [("Platform profile", p.name), ("Review window", review), ("Hold before available", f"{p.hold_days} days"),
             ("Refund answer window", f"{p.refund_answer_days} days"), ("Feedback window", f"{p.feedback_days} days"),
             ("Minimum milestone", format_amount(p.minimum_minor, c.currency)), ("Fee", p.fee.shown())]
    return rows


def _verdict(ev: Evidence) -> str:
    if not ev.problems:
        t = ev.checked
        return (f"OK: integrity ok; {t.get('contract', 0):,} contracts, {t.get('milestone', 0):,} milestones, "
                f"{t.get('ledger_entry', 0):,} ledger entries and {t.get('event', 0):,} events pass every "
                "ledger and state check.")
    return f"{len(ev.problems)} problem{'s' if len(ev.problems) != 1 else ''} found"


def _change_text(e: HistoryEntry) -> str:
    parts = [f"{c.field}: {_plain(c.before)} → {_plain(c.after)}" for c in e.changes]
    return e.what + (" (" + "; ".join(parts) + ")" if parts else "")


def _plain(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return " / ".join(_times(value))
    return str(value)


def _ledger_kind(kind: str) -> str:
    return {"deposit": "funded into escrow", "release": "released to the freelancer", "refund": "refunded to the client",
            "credit": "carried as credit", "credit_applied": "credit applied to escrow", "bonus": "bonus"}.get(kind, kind)


def to_markdown(ev: Evidence) -> str:
    cur = ev.contract.currency
    out = [f"# Evidence pack: {md(ev.contract.title)}", "",
           f"Made by Cairn on {' / '.join(_times(ev.made_at))}. Times are local ({_times(ev.made_at)[0][17:]}) and UTC.",
           "", "## Details", "", "| | |", "|---|---|"]
    out += [f"| {md(k)} | {md(v)} |" for k, v in _details(ev)]
    out += ["", f"## Plan versions ({len(ev.versions)})"]
    for v in ev.versions:
        local, utc = _times(v.at)
        out += ["", f"### Version {v.number}: {md(v.cause)}", "", f"{local} / {utc}, by the {v.actor}", ""]
        if v.changes:
            out += ["Changes from the version before:", ""]
            out += [f"- {md(_change_text(e))}" for e in v.changes]
            out.append("")
        out += ["| # | Milestone | Amount | Due |", "|---:|---|---:|---|"]
        out += [f"| {i} | {md(m.title)} | {md(format_amount(m.amount_minor, cur))} | "
                f"{m.due_date.isoformat() if m.due_date else '—'} |" for i, m in enumerate(v.plan, 1)]
    out += ["", f"## Events ({len(ev.events)})", "", "| Local time | UTC | Actor | What | Messages |",
            "|---|---|---|---|---|"]
    for e in ev.events:
        local, utc = _times(e.at)
        msgs = "<br>".join(f"{md(label)}: {md(text)}" for label, text in e.messages)
        out.append(f"| {local} | {utc} | {md(e.actor)} | {md(_change_text(e))} | {msgs} |")
    out += ["", f"## Ledger ({len(ev.ledger)} movements, running balances after each)", "",
            "| Local time | UTC | Movement | Milestone | By | Amount | Escrow | Credit | Paid | Refunded |",
            "|---|---|---|---|---|---:|---:|---:|---:|---:|"]
    for line in ev.ledger:
        local, utc = _times(line.at)
        amounts = [format_amount(x, cur) for x in (line.amount_minor, line.escrow, line.credit, line.paid,
                                                    line.refunded)]
        out.append(f"| {local} | {utc} | {_ledger_kind(line.kind)} | {md(line.milestone or '—')} | {md(line.actor)} | "
                   + " | ".join(md(a) for a in amounts) + " |")
    out += ["", "## Check", "", md(_verdict(ev))]
    out += [f"- {md(p)}" for p in ev.problems]
    return "\n".join(out) + "\n"


_CSS = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#111}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #999;padding:.2em .5em;vertical-align:top;
text-align:left}td.n{text-align:right;white-space:nowrap}h1,h2,h3{margin-top:1.5em}.t{white-space:nowrap}
.ok{color:#064}.bad{color:#a00;font-weight:bold}"""


def to_html(ev: Evidence) -> str:
    e_ = html.escape
    cur = ev.contract.currency

    def text(value) -> str:
        return e_(str(value)).replace("\n", "<br>")

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Evidence pack: {e_(ev.contract.title)}</title>", f"<style>{_CSS}</style></head><body>",
           f"<h1>Evidence pack: {e_(ev.contract.title)}</h1>",
           f"<p>Made by Cairn on {e_(' / '.join(_times(ev.made_at)))}. Times are shown local and UTC.</p>",
           "<h2>Details</h2><table>"]
    out += [f"<tr><th>{e_(k)}</th><td>{text(v)}</td></tr>" for k, v in _details(ev)]
    out += ["</table>", f"<h2>Plan versions ({len(ev.versions)})</h2>"]
    for v in ev.versions:
        local, utc = _times(v.at)
        out.append(f"<h3>Version {v.number}: {e_(v.cause)}</h3><p>{e_(local)} / {e_(utc)}, by the {e_(v.actor)}</p>")
        if v.changes:
            out.append("<p>Changes from the version before:</p><ul>")
            out += [f"<li>{text(_change_text(e))}</li>" for e in v.changes]
            out.append("</ul>")
        out.append("<table><tr><th>#</th><th>Milestone</th><th>Amount</th><th>Due</th></tr>")
        out += [f"<tr><td class=n>{i}</td><td>{text(m.title)}</td><td class=n>{e_(format_amount(m.amount_minor, cur))}"
                f"</td><td class=t>{m.due_date.isoformat() if m.due_date else '—'}</td></tr>"
                for i, m in enumerate(v.plan, 1)]
        out.append("</table>")
    out.append(f"<h2>Events ({len(ev.events)})</h2><table><tr><th>Local time</th><th>UTC</th><th>Actor</th>"
               "<th>What</th><th>Messages</th></tr>")
    for ent in ev.events:
        local, utc = _times(ent.at)
        msgs = "<br>".join(f"<b>{e_(label)}:</b> {text(t)}" for label, t in ent.messages)
        out.append(f"<tr><td class=t>{e_(local)}</td><td class=t>{e_(utc)}</td><td>{e_(ent.actor)}</td>"
                   f"<td>{text(_change_text(ent))}</td><td>{msgs}</td></tr>")
    out.append(f"</table><h2>Ledger ({len(ev.ledger)} movements, running balances after each)</h2><table><tr>"
               "<th>Local time</th><th>UTC</th><th>Movement</th><th>Milestone</th><th>By</th><th>Amount</th>"
               "<th>Escrow</th><th>Credit</th><th>Paid</th><th>Refunded</th></tr>")
    for line in ev.ledger:
        local, utc = _times(line.at)
        amounts = "".join(f"<td class=n>{e_(format_amount(x, cur))}</td>" for x in
                          (line.amount_minor, line.escrow, line.credit, line.paid, line.refunded))
        out.append(f"<tr><td class=t>{e_(local)}</td><td class=t>{e_(utc)}</td><td>{e_(_ledger_kind(line.kind))}</td>"
                   f"<td>{text(line.milestone or '—')}</td><td>{e_(line.actor)}</td>{amounts}</tr>")
    verdict_class = "ok" if not ev.problems else "bad"
    out.append(f"</table><h2>Check</h2><p class={verdict_class}>{e_(_verdict(ev))}</p>")
    if ev.problems:
        out.append("<ul>" + "".join(f"<li>{text(p)}</li>" for p in ev.problems) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_pack(db, contract_id: int, folder, *, clock) -> tuple[str, Evidence]:
    """Write the contract's HTML pack into ``folder`` (owner-only, never over another file):
    ``evidence-<id>-<UTC time>.html``. Returns the path written and the pack."""
    from pathlib import Path

    from cairn.storage.errors import DomainError, StorageError
    from cairn.storage.files import write_private

    pack = evidence(db, contract_id, clock)
    if pack is None:
        raise DomainError("DB", f"contract {contract_id} does not exist; it may have been deleted.")
    path = Path(folder) / f"evidence-{contract_id}-{pack.made_at:%Y%m%d-%H%M%S}.html"
    try:
        write_private(path, to_html(pack).encode())
    except (OSError, StorageError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise DomainError("DB", f"the evidence pack cannot be written in {folder} ({why}); start cairn "
                                f"in a folder you can write to, or use 'cairn evidence {contract_id} -o FILE'.") from None
    return str(path), pack


__all__ = ["Evidence", "write_pack", "LedgerLine", "PlanLine", "PlanVersion", "evidence", "md", "to_html", "to_markdown"]
