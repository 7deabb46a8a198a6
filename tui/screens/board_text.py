"""The words the board shows about its contract: its heading, its terms in a few words, and the
requests waiting for an answer. Text only; the board screen (``board.py``) places them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from cairn.tui.format import local, money
from cairn.tui.widgets.board._text import clean

if TYPE_CHECKING:
    from cairn.storage.queries.board_views import Board


def heading(title: str, client_name: str, *, is_open: bool, archived: bool, hourly: bool) -> Text:
    """The board's title line. The status first: a long title is cut at the end, never the word
    "ended"."""
    text = Text()
    if not is_open:
        text.append("■ ended · ", style="bold")
    if archived:
        text.append("archived · ", style="bold")
    if hourly:
        text.append("hourly · ", style="bold")
    text.append(clean(title), style="bold")
    if client_name:
        text.append(f" · {clean(client_name)}", style="dim")
    return text


def terms(p, revision_cap: int | None = None) -> str:
    """P9: the contract's profile and the numbers it keeps, in a few words; its revision cap (M10)."""
    review = "no auto-release" if p.review_days is None else f"review {p.review_days}d"
    # A fee rule of the contract's own is an override, not a sign the profile changed.
    changed = " (profile edited since)" if set(p.profile_now or ()) - {"fee_rule"} else ""
    fee = "no fee" if p.fee.kind == "none" else f"fee {p.fee.shown()}"
    cap = "" if revision_cap is None else f", cap {revision_cap} revision{'s' if revision_cap != 1 else ''}"
    return f"{clean(p.name)}: {review}, hold {p.hold_days}d, {fee}{cap}{changed}"


def notice(b: Board) -> Text:
    """The requests waiting for an answer above the board: a change request (R4), a refund request
    or its dispute (P6), each with the key that answers it."""
    text = Text()
    if b.request is not None:
        r = b.request
        text.append("⚑ Change request pending", style="bold")
        text.append(f" from the {r.proposed_by}")
        if r.diff is not None and r.diff.problems:
            text.append(" — no longer applies (R4)", style="bold")
        text.append(" — press v to review")
    if b.refund_request is not None:
        rr = b.refund_request
        if text:
            text.append("\n")
        amount = money(rr.amount_minor, b.contract.currency)
        if rr.status == "pending":
            who = "answer by" if b.contract.my_side == "freelancer" else "the freelancer answers by"
            text.append(f"⚑ Refund request: {amount}", style="bold")
            text.append(f", {who} {local(rr.answer_due_at)} or it is accepted (P6) — press y")
        else:
            text.append(f"⚑ Dispute over a {amount} refund request: {rr.status}", style="bold")
            if rr.stage_at is not None:
                text.append(f" since {local(rr.stage_at)}")
            text.append(" — press o to record its next step or outcome (P6)")
    return text
