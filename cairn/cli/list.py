"""``cairn list``: the contract list, as the dashboard shows it, for scripts and a quick look."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, open_existing
from cairn.cli.due import apply_timers_if_writable
from cairn.cli.group import cli

SIDE = {"freelancer": "freel.", "client": "client"}


@cli.command("list")
@db_option
@click.option("--all", "show_all", is_flag=True, help="Ended and archived contracts too (as 'e' in the dashboard).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per contract (shape in the README).")
@click.pass_context
def list_(ctx: click.Context, db_path: Path | None, show_all: bool, as_json: bool) -> None:
    """The contracts, open ones first and newest first: money, progress, next deadline, attention."""
    from cairn.storage.queries.fees import fee_sums
    from cairn.storage.queries.reading import instant, iso_utc
    from cairn.storage.queries.summaries import contract_summaries

    clock = ctx.find_object(State).clock
    with open_existing(db_path_of(ctx, db_path)) as db:
        apply_timers_if_writable(db, clock)
        rows = contract_summaries(db, clock, include_ended=True, include_archived=True)
        # P9: the platform's fee on what each contract paid, for --json's fee and net (one read).
        fee = fee_sums(db.reader(), iso_utc(instant(clock))) if as_json else {}
    if not show_all:  # the dashboard's default view
        rows = [s for s in rows if s.status == "open" and not s.archived]
    now = instant(clock)
    if as_json:
        from cairn.cli import json_out

        json_out.echo([summary_json(s, now, sum(fee.get(s.id, (0, 0)))) for s in rows])
        return
    if not rows:
        echo("No contracts." if show_all else "No open contracts ('cairn list --all' shows ended "
                   "and archived ones).")
        return
    _print(rows, now)


def summary_json(s, now: datetime, fee: int = 0) -> dict[str, object]:
    """One contract as ``cairn list --json`` gives it: the list's columns, and what was paid as
    gross (``paid``), the platform's ``fee`` and ``net``."""
    from cairn.cli import json_out

    return {
        "id": s.id, "title": s.title, "client": s.client_name, "my_side": s.my_side, "status": s.status,
        "archived": s.archived, "currency": s.currency,
        **json_out.amounts(s.currency, value=s.value, funded=s.funded, escrow=s.escrow, paid=s.paid,
                           pending=s.pending, available=s.available, credit=s.credit, fee=fee, net=s.paid - fee),
        "milestones": s.milestones, "milestones_released": s.released_count,
        "next_deadline": json_out.deadline(s.next_deadline, now) if s.next_deadline else None,
        "attention": s.attention or None, "unread": s.unread, "change_request_pending": s.pending_request,
        "refund_request_pending": s.refund_request, "awaiting_review": s.awaiting_review,
        "overdue": s.overdue,
    }


def _print(rows, now: datetime) -> None:
    from cairn.cli.due import countdown
    from cairn.storage.money import format_amount
    from cairn.storage.text import printable

    def cut(text: str, width: int) -> str:
        text = printable(text, newlines=False)  # the user's text, on one line, every control shown
        return text if len(text) <= width else text[:width - 1] + "…"

    table = [("#", "Contract", "Client", "Me", "Status", "Value", "In escrow", "Paid", "Pending / avail.",
              "Progress", "Next deadline", "Attention")]
    for s in rows:
        status = s.status + (", archived" if s.archived else "")
        nxt = s.next_deadline
        table.append((
            str(s.id), cut(s.title, 32), cut(s.client_name or "", 20), SIDE.get(s.my_side, s.my_side), status,
            format_amount(s.value, s.currency), format_amount(s.escrow, s.currency),
            format_amount(s.paid, s.currency),
            f"{format_amount(s.pending, s.currency)} / {format_amount(s.available, s.currency)}",
            f"{s.released_count}/{s.milestones}",
            printable(f"{nxt.label} {countdown(nxt.at, now)}", newlines=False) if nxt else "",
            printable(s.attention or "", newlines=False)))
    right = {0, 5, 6, 7, 8}
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        echo("  ".join(cells).rstrip())
