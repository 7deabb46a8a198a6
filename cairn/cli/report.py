"""``cairn report``: earnings (P8) per currency, and per contract."""

from __future__ import annotations

from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, open_existing
from cairn.cli.due import apply_timers_if_writable
from cairn.cli.group import cli
from cairn.storage.text import printable

_HEADINGS = ("Work in progress", "In review", "Pending", "Available")


@cli.command()
@db_option
@click.option("--per-contract", is_flag=True, help="One row per contract as well as the totals per currency.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (shape in the README).")
@click.pass_context
def report(ctx: click.Context, db_path: Path | None, per_contract: bool, as_json: bool) -> None:
    """Earnings (P8) where you are the freelancer, per currency; what you pay out where you are the
    client, on its own lines."""
    from cairn.storage.money import format_amount
    from cairn.storage.queries import earnings, instant, payouts

    clock = ctx.find_object(State).clock
    db = open_existing(db_path_of(ctx, db_path))
    try:
        apply_timers_if_writable(db, clock)
        totals = earnings(db, clock)
        rows = earnings(db, clock, per_contract=True) if per_contract else []
        paid_out = payouts(db, clock)
    finally:
        db.close()
    now = instant(clock)  # a plain UTC datetime: no pendulum to import
    if as_json:
        _json(now, totals, rows if per_contract else None, paid_out)
        return
    echo(f"Earnings as the freelancer, as of {now.astimezone():%Y-%m-%d %H:%M %Z}")
    if not totals:
        echo("No contracts where you are the freelancer.")
    else:
        _earnings(totals, rows, per_contract, format_amount)
    if paid_out:
        echo("")
        echo("You pay as the client (not earnings)")
        table = [("", *_PAYOUT_HEADINGS)]
        for p in paid_out:
            table.append((p.currency, *(format_amount(v, p.currency) for v in
                                        (p.in_escrow, p.released, p.bonus, p.refunded))))
        _print_table(table)


_PAYOUT_HEADINGS = ("In escrow", "Released", "Bonuses", "Refunded to you")


def _earnings(totals, rows, per_contract: bool, format_amount) -> None:
    table: list[tuple[str, ...]] = [("", *_HEADINGS)]
    for e in totals:
        table.append((e.currency, *(format_amount(v, e.currency) for v in
                                    (e.work_in_progress, e.in_review, e.pending, e.available))))
    _print_table(table)
    if per_contract:
        echo("")
        table = [("Contract", "Currency", *_HEADINGS)]
        for e in rows:
            title = printable(e.contract_title or "", newlines=False)
            title = title if len(title) <= 40 else title[:39] + "…"
            table.append((f"{title} (#{e.contract_id})", e.currency,
                          *(format_amount(v, e.currency) for v in
                            (e.work_in_progress, e.in_review, e.pending, e.available))))
        _print_table(table)


def _json(now, totals, rows, paid_out) -> None:
    from cairn.cli import json_out

    def stages(e) -> dict[str, object]:
        return json_out.amounts(e.currency, work_in_progress=e.work_in_progress, in_review=e.in_review,
                                pending=e.pending, available=e.available)

    document = {"as_of": json_out.instant(now), "currencies": [{"currency": e.currency, **stages(e)} for e in totals]}
    if rows is not None:
        document["contracts"] = [{"contract_id": e.contract_id, "contract": e.contract_title,
                                  "currency": e.currency, **stages(e)} for e in rows]
    # Where the user is the client: money paid out, never earnings.
    document["paid_out"] = [{"currency": p.currency, **json_out.amounts(
        p.currency, in_escrow=p.in_escrow, released=p.released, bonus=p.bonus, refunded=p.refunded)}
        for p in paid_out]
    json_out.echo(document)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        echo("  ".join(cells).rstrip())
