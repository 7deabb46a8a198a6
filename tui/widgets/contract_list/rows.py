"""The contract list's rows as plain Python: cells built once per load, then filtered and
sorted in memory, so typing in the filter or changing the sort never touches the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.text import Text

from cairn.tui import format as fmt

if TYPE_CHECKING:
    from cairn.storage.queries.summaries import ContractSummary


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
    # At 80 columns: titles keep 24 cells and clients 12 (the progress bar goes first).
    Column("title", "Contract", 0, flex=True, min_width=24, max_width=40),
    Column("client", "Client", 0, flex=True, min_width=12, max_width=28),
    Column("side", "Me", 5),
    Column("status", "Status", 4),
    Column("value", "Value", 1, justify="right"),
    Column("escrow", "In escrow", 6, justify="right"),
    Column("paid", "Paid", 7, justify="right"),  # gross: releases and bonuses
    Column("fee", "Fee", 10, justify="right"),  # the platform's, derived from the contract's rule (P9)
    Column("net", "Net", 8, justify="right"),
    Column("pending", "Pending / available", 9, justify="right"),
    Column("progress", "Progress", 3),
    Column("next", "Next deadline", 2),
    Column("attention", "Attention", 0, flex=True, min_width=5, max_width=40),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
SORTABLE = ("title", "client", "value", "next", "attention", "status", "side", "escrow", "paid", "fee", "net",
            "pending", "progress")

BAR_WIDTH = 10
COMFORT = 16  # flexible columns get this wide before nice-to-have columns are shown
OPTIONAL = 5  # priority from which a column is nice to have (side, escrow, paid, fee, net, pending)
SIDE = {"freelancer": "freel.", "client": "client"}
DEADLINE = {"due": "due", "review": "release", "available": "avail.", "refund_answer": "refund",
            "feedback": "feedback"}  # "release": automatic release at the end of the review (M11)

WARNINGS = {"Overdue", "Answer refund request", "Refund request pending", "Review submitted work",
            "Review change request", "In dispute", "In mediation", "In arbitration"}

# Attention markers: a glyph and a word each, so they read without colour.
UNREAD, CHANGE, REVIEW, OVERDUE, REFUND, DISPUTE = "●", "⇄", "◷", "!", "↩", "≠"


def markers(s: ContractSummary, *, compact: bool = False) -> list[tuple[str, str]]:
    """(text, style) for each thing that needs attention on one contract; ``compact``: the glyphs
    alone (and the unread count), for a narrow attention column (help lists the glyphs)."""
    out: list[tuple[str, str]] = []
    if s.refund_request:
        out.append((REFUND if compact else f"{REFUND} refund", "bold red"))
    if s.dispute:
        out.append((DISPUTE if compact else f"{DISPUTE} {s.dispute}", "bold red"))
    if s.pending_request:
        out.append((CHANGE if compact else f"{CHANGE} changes", "bold yellow"))
    if s.awaiting_review:
        out.append((REVIEW if compact else f"{REVIEW} review", "yellow"))
    if s.overdue:
        out.append((OVERDUE if compact else f"{OVERDUE} overdue", "bold red"))
    if s.unread:
        out.append((f"{UNREAD}{s.unread}" if compact else f"{UNREAD} {s.unread} new", "cyan"))
    return out


def _attention(s: ContractSummary, *, compact: bool) -> Text:
    marks = markers(s, compact=compact)
    attention = Text(no_wrap=True, overflow="ellipsis", end="")
    for i, (text, style) in enumerate(marks):
        if i:
            attention.append(" " if compact else "  ")
        attention.append(text, style)
    if not marks and s.attention:
        # A warning stands out without colour too (NO_COLOR draws dim as dark grey).
        warning = s.attention in WARNINGS
        attention.append(s.attention, "bold" if warning else "dim")
    return attention


def status_word(s: ContractSummary) -> str:
    return "archived" if s.archived else s.status


def _text(value: str, style: str = "", justify: str = "left") -> Text:
    return Text(value, style=style, no_wrap=True, overflow="ellipsis", justify=justify, end="")


class ContractRow(NamedTuple):
    """One contract: its summary and the text it filters on. Its cells are made only when it is
    drawn (``cells_at``), and not kept. A tuple of untracked values, so 100,000 rows are no work
    for the garbage collector (an object per row made every full pass scan them all)."""

    summary: ContractSummary
    haystack: str
    fee: int | None = None  # the platform's fees on what was paid (P9); None: not the user's, or not read yet

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def title(self) -> str:
        return fmt.plain(self.summary.title, newlines=False)

    @property
    def client(self) -> str:
        return fmt.plain(self.summary.client_name, newlines=False)

    @property
    def hidden_by_default(self) -> bool:
        return bool(self.summary.archived_flag) or self.summary.status != "open"

    @property
    def cells(self) -> dict[str, Text]:
        """The cells as of the summary's instant."""
        return _cells(self, self.summary.as_of)

    def cells_at(self, now: datetime) -> dict[str, Text]:
        """The cells, countdowns counted from ``now``."""
        return _cells(self, now)

    def sort_key(self, column: str) -> object:
        return _sort_key(self, column)


def build_row(s: ContractSummary, fees: dict[int, int] | None = None) -> ContractRow:
    """A summary's row (its countdowns count from the summary's instant unless the table is
    given a later one). ``fees``: each contract's fees, as read with the earnings (contracts
    with none left out); None when not read (the first page), and a contract where the user is
    the client has none of its own."""
    plain = fmt.plain
    fee = None if fees is None or s.my_side != "freelancer" else fees.get(s.id, 0)
    return ContractRow(s, f"{plain(s.title, newlines=False)}\n{plain(s.client_name, newlines=False)}".casefold(),
                       fee)


def _deadline_text(s: ContractSummary, now: datetime) -> str:
    d = s.next_deadline_at()
    if d is None:
        return ""
    if d[1] == "due" and d[0] <= now:
        return fmt.countdown(d[0], now)  # "overdue 2d 3h" says it all
    return f"{DEADLINE.get(d[1], d[1])} {fmt.countdown(d[0], now)}"


def _cells(row: ContractRow, now: datetime) -> dict[str, Text]:
    s, cur = row.summary, row.summary.currency
    d = s.next_deadline_at()
    attention, compact = _attention(s, compact=False), _attention(s, compact=True)
    status = status_word(s)
    dim = "dim" if status != "open" else ""

    def with_status(attention: Text) -> Text:
        if status == "open":
            return attention
        # The status first, so a narrow column cuts the markers, never the word "ended".
        return Text.assemble((f"■ {status}", "dim"), " " if len(attention) else "", attention,
                             no_wrap=True, overflow="ellipsis", end="")

    return {
        "title": _text(row.title, dim), "client": _text(row.client, dim),
        "side": _text(SIDE.get(s.my_side, s.my_side)), "status": _text(status, dim),
        "value": _text(fmt.money(s.value, cur), justify="right"),
        "escrow": _text(fmt.money(s.escrow, cur), justify="right"),
        "paid": _text(fmt.money(s.paid, cur), justify="right"),
        "fee": _text("" if row.fee is None else fmt.money(row.fee, cur), justify="right"),
        "net": _text("" if row.fee is None else fmt.money(s.paid - row.fee, cur), justify="right"),
        "pending": _text(f"{fmt.money(s.pending, cur)} / {fmt.money(s.available, cur)}", justify="right"),
        "progress": _text(fmt.bar(s.paid, s.escrow, s.value, BAR_WIDTH)),
        "next": _text(_deadline_text(s, now), "bold red" if d is not None and d[0] <= now else ""),
        "attention": attention,
        "attention+status": with_status(attention),
        "attention:compact": compact,
        "attention+status:compact": with_status(compact),
    }


def _sort_key(row: ContractRow, column: str) -> object:
    s = row.summary
    cur = s.currency
    d = s.next_deadline_at() if column == "next" else None
    return {
        "title": lambda: row.title.casefold(),
        "client": lambda: row.client.casefold(),
        "side": lambda: s.my_side,
        "status": lambda: (status_word(s), -s.id),
        "value": lambda: (cur, s.value),
        "escrow": lambda: (cur, s.escrow),
        "paid": lambda: (cur, s.paid),
        "fee": lambda: (cur, -1 if row.fee is None else row.fee),
        "net": lambda: (cur, -1 if row.fee is None else s.paid - row.fee),
        "pending": lambda: (cur, s.pending + s.available),
        "progress": lambda: (s.paid + s.escrow) / s.value if s.value else -1.0,
        "next": lambda: d[0].timestamp() if d else float("inf"),
        "attention": lambda: -(len(markers(s)) * 1000 + s.unread),
    }[column]()


def natural_widths(rows: list[ContractRow], *, wait_turn: Callable[[], None] | None = None,
                   every: int = 2_000) -> dict[str, int]:
    """The widest value of each column, computed from the summaries without building cells:
    money columns from each currency's largest amount, the rest from the raw text. One pass in
    plain Python over every row, run off the UI thread; ``wait_turn`` is called every ``every``
    rows (``loading.load``)."""
    if not rows:
        return {}
    out = {"side": 6, "progress": BAR_WIDTH, "status": 4, "title": 0, "client": 0, "next": 0, "attention": 0}
    biggest: dict[str, list[int]] = {}
    title_w = client_w = next_w = attention_w = 0
    for n, r in enumerate(rows):
        if wait_turn is not None and not n % every:
            wait_turn()
        s = r.summary
        big = biggest.get(s.currency)
        if big is None:
            big = biggest[s.currency] = [0, 0, 0, 0, 0]
        for i, value in enumerate((s.value, s.escrow, s.paid, s.pending, s.available)):
            if abs(value) > big[i]:
                big[i] = abs(value)
        title, client = r.title, r.client
        if 2 * len(title) > title_w:  # no character is wider than two cells
            title_w = max(title_w, cell_len(title))
        if 2 * len(client) > client_w:
            client_w = max(client_w, cell_len(client))
        if s.next_due or s.review_due or s.refund_due or s.next_available or s.ended_at:
            next_w = max(next_w, len(_deadline_text(s, s.as_of)))
        marks = markers(s)
        width = sum(len(t) + 2 for t, _ in marks) - 2 if marks else len(s.attention)
        if s.archived_flag or s.status != "open":
            width += 12
            out["status"] = 8 if s.archived_flag else max(out["status"], 5)
        attention_w = max(attention_w, width)
    out.update(title=title_w, client=client_w, next=next_w, attention=attention_w)
    for cur, big in biggest.items():
        for i, key in enumerate(("value", "escrow", "paid")):
            out[key] = max(out.get(key, 0), len(fmt.money(big[i], cur)) + 1)
        out["fee"] = out["net"] = out["paid"]  # a fee and a net are never more than what was paid
        pending = len(fmt.money(big[3], cur)) + 3 + len(fmt.money(big[4], cur))
        out["pending"] = max(out.get("pending", 0), pending + 1)
    return out


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
        out = sorted(out, key=lambda r: r.sort_key(key), reverse=view.reverse)
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
