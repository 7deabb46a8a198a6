"""The contract list's rows as plain Python: cells built once per load, then filtered and
sorted in memory, so typing in the filter or changing the sort never touches the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from tui import format as fmt

if TYPE_CHECKING:
    from storage.read import ContractSummary


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    priority: int  # lower is kept longer when the terminal is narrow
    flex: bool = False  # takes a share of the spare width; truncated with an ellipsis
    min_width: int = 0
    max_width: int = 0
    justify: str = "left"


COLUMNS: tuple[Column, ...] = (
    Column("title", "Contract", 0, flex=True, min_width=12, max_width=40),
    Column("client", "Client", 0, flex=True, min_width=8, max_width=28),
    Column("side", "Me", 5),
    Column("status", "Status", 4),
    Column("value", "Value", 1, justify="right"),
    Column("escrow", "In escrow", 6, justify="right"),
    Column("paid", "Paid", 7, justify="right"),
    Column("pending", "Pending / available", 8, justify="right"),
    Column("progress", "Progress", 2),
    Column("next", "Next deadline", 3),
    Column("attention", "Attention", 0, flex=True, min_width=10, max_width=40),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
SORTABLE = ("title", "client", "value", "next", "attention", "status", "side", "escrow", "paid", "pending",
            "progress")

BAR_WIDTH = 10
COMFORT = 16  # flexible columns get this wide before nice-to-have columns are shown
OPTIONAL = 5  # priority from which a column is nice to have (side, escrow, paid, pending)
SIDE = {"freelancer": "freel.", "client": "client"}
DEADLINE = {"due": "due", "review": "auto-release", "available": "available", "refund_answer": "refund",
            "feedback": "feedback"}

# Attention markers: a glyph and a word each, so they read without colour.
UNREAD, CHANGE, REVIEW, OVERDUE, REFUND = "●", "⇄", "◷", "!", "↩"


def markers(s: ContractSummary) -> list[tuple[str, str]]:
    """(text, style) for each thing that needs attention on one contract."""
    out: list[tuple[str, str]] = []
    if s.refund_request:
        out.append((f"{REFUND} refund", "bold red"))
    if s.pending_request:
        out.append((f"{CHANGE} changes", "bold yellow"))
    if s.awaiting_review:
        out.append((f"{REVIEW} review", "yellow"))
    if s.overdue:
        out.append((f"{OVERDUE} overdue", "bold red"))
    if s.unread:
        out.append((f"{UNREAD} {s.unread} new", "cyan"))
    return out


def status_word(s: ContractSummary) -> str:
    return "archived" if s.archived else s.status


def _text(value: str, style: str = "", justify: str = "left") -> Text:
    return Text(value, style=style, no_wrap=True, overflow="ellipsis", justify=justify, end="")


@dataclass
class ContractRow:
    """One contract: its summary, its cells (built once) and its sort keys."""

    summary: ContractSummary
    cells: dict[str, Text]
    status_marker: Text  # the attention cell with the status in front, for narrow layouts
    haystack: str
    sort_keys: dict[str, object]
    widths: dict[str, int]

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def hidden_by_default(self) -> bool:
        return self.summary.archived or self.summary.status != "open"


def build_row(s: ContractSummary, now: datetime) -> ContractRow:
    title, client = fmt.plain(s.title, newlines=False), fmt.plain(s.client_name, newlines=False)
    cur = s.currency
    value = fmt.money(s.value, cur)
    escrow = fmt.money(s.escrow, cur)
    paid = fmt.money(s.paid, cur)
    pending = f"{fmt.money(s.pending, cur)} / {fmt.money(s.available, cur)}"
    progress = fmt.bar(s.paid, s.escrow, s.value, BAR_WIDTH)
    d = s.next_deadline
    if d is None:
        nxt, nxt_style = "", ""
    else:
        nxt = f"{DEADLINE.get(d.kind, d.kind)} {fmt.countdown(d.at, now)}"
        nxt_style = "bold red" if d.at <= now else ""
    marks = markers(s)
    attention = Text(no_wrap=True, overflow="ellipsis", end="")
    for i, (text, style) in enumerate(marks):
        if i:
            attention.append("  ")
        attention.append(text, style)
    if not marks and s.attention:
        attention.append(s.attention, "dim")
    status = status_word(s)
    dim = "dim" if status != "open" else ""
    with_status = attention.copy()
    if status != "open":
        with_status = Text.assemble((f"■ {status}", "dim"), "  " if len(attention) else "", attention,
                                    no_wrap=True, overflow="ellipsis", end="")
    cells = {
        "title": _text(title, dim), "client": _text(client, dim), "side": _text(SIDE.get(s.my_side, s.my_side)),
        "status": _text(status, dim), "value": _text(value, justify="right"),
        "escrow": _text(escrow, justify="right"), "paid": _text(paid, justify="right"),
        "pending": _text(pending, justify="right"), "progress": _text(progress), "next": _text(nxt, nxt_style),
        "attention": attention,
    }
    widths = {"title": cell_len(title), "client": cell_len(client), "side": 6, "status": len(status),
              "value": len(value), "escrow": len(escrow), "paid": len(paid), "pending": len(pending),
              "progress": BAR_WIDTH, "next": len(nxt), "attention": with_status.cell_len}
    sort_keys = {
        "title": title.casefold(), "client": client.casefold(), "side": s.my_side, "status": (status, -s.id),
        "value": (cur, s.value), "escrow": (cur, s.escrow), "paid": (cur, s.paid),
        "pending": (cur, s.pending + s.available), "progress": (s.paid + s.escrow) / s.value if s.value else -1.0,
        "next": d.at.timestamp() if d else float("inf"),
        "attention": (-(len(marks) * 1000 + s.unread)),
    }
    return ContractRow(s, cells, with_status, f"{title}\n{client}".casefold(), sort_keys, widths)


@dataclass
class View:
    """What the table shows: the filter text, the sort and whether ended/archived show."""

    query: str = ""
    sort: str | None = None  # None: storage's order (open first, newest first)
    reverse: bool = False
    show_all: bool = False

    def describe_sort(self) -> str:
        if self.sort is None:
            return "newest first"
        return f"by {COLUMN_BY_KEY[self.sort].label.lower()} {'↓' if self.reverse else '↑'}"


def select(rows: list[ContractRow], view: View) -> list[ContractRow]:
    """Filter (title or client contains every typed word) and sort, in Python."""
    out = rows if view.show_all else [r for r in rows if not r.hidden_by_default]
    words = view.query.casefold().split()
    if words:
        out = [r for r in out if all(w in r.haystack for w in words)]
    if view.sort is not None:
        key = view.sort
        out = sorted(out, key=lambda r: r.sort_keys[key], reverse=view.reverse)
    elif view.reverse:
        out = list(reversed(out))
    return out


def layout(available: int, natural: dict[str, int], *, padding: int = 1) -> dict[str, int]:
    """Column widths that fit ``available`` cells.

    The least important columns drop out first until every column fits at its minimum; then
    nice-to-have ones (side, escrow, paid, pending) also drop while the flexible ones (title,
    client, attention) would be cut below a comfortable width; the spare width goes to the
    flexible columns, up to their longest value, and anything still too long ends in "…".
    """
    def need(col: Column) -> int:
        if col.flex:
            return max(col.min_width, min(cell_len(col.label), col.max_width))
        return max(natural.get(col.key, 0), cell_len(col.label))

    def cap(col: Column) -> int:
        return min(col.max_width, max(natural.get(col.key, 0), col.min_width))

    def fixed_total(cols: list[Column]) -> int:
        return sum(need(c) + 2 * padding for c in cols)

    kept = list(COLUMNS)
    while fixed_total(kept) > available:
        droppable = [c for c in kept if c.priority > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda c: c.priority))
    while True:
        flex_need = sum(max(0, min(cap(c), COMFORT) - need(c)) for c in kept if c.flex)
        spare = available - fixed_total(kept)
        optional = [c for c in kept if c.priority >= OPTIONAL]
        if spare >= flex_need or not optional:
            break
        kept.remove(max(optional, key=lambda c: c.priority))
    widths = {c.key: need(c) for c in kept}
    spare = available - fixed_total(kept)
    flex = [c for c in kept if c.flex]
    # Give each flexible column up to its natural width, a fair share at a time.
    while spare > 0:
        wants = [c for c in flex if widths[c.key] < cap(c)]
        if not wants:
            break
        share = max(1, spare // len(wants))
        for c in wants:
            grow = min(share, cap(c) - widths[c.key], spare)
            widths[c.key] += grow
            spare -= grow
            if spare <= 0:
                break
    return widths
