"""``cairn report``: earnings (P8) per currency, and per contract."""

from __future__ import annotations

from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, no_collector_passes, open_existing
from cairn.cli.due import apply_timers_if_writable
from cairn.cli.group import cli
from cairn.storage.text import printable

_HEADINGS = ("Work in progress", "In review", "Pending", "Available")
_NET_HEADINGS = ("Work in progress", "In review", "Paid (gross)", "Fee", "Net", "Net pending", "Net available")


def _figures(e, net: bool) -> tuple[int, ...]:
    if net:
        return (e.work_in_progress, e.in_review, e.gross, e.fee, e.net, e.net_pending, e.net_available)
    return (e.work_in_progress, e.in_review, e.pending, e.available)


@cli.command()
@db_option
@click.option("--per-contract", is_flag=True, help="One row per contract as well as the totals per currency.")
@click.option("--net", is_flag=True, help="Paid money as gross, the platform's fee and net (each contract's "
              "fee rule; see 'cairn profiles').")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (shape in the README).")
@click.pass_context
@no_collector_passes()
def report(ctx: click.Context, db_path: Path | None, per_contract: bool, net: bool, as_json: bool) -> None:
    """Earnings (P8) where you are the freelancer, per currency; what you pay out where you are the
    client, on its own lines. With --net, what was paid is shown gross, fee and net, and pending
    and available are net of the fee."""
    from cairn.storage.money import format_amount
    from cairn.storage.queries.earnings import earnings, payouts
    from cairn.storage.queries.reading import instant

    clock = ctx.find_object(State).clock
    with open_existing(db_path_of(ctx, db_path)) as db:
        apply_timers_if_writable(db, clock, availability=False)  # no figure reads P5's event
        # The fees are shown only with --net: without it they are not worked out.
        totals = earnings(db, clock, fees=net)
        rows = earnings(db, clock, per_contract=True, fees=net) if per_contract else []
        paid_out = payouts(db, clock)
    now = instant(clock)  # a plain UTC datetime: no pendulum to import
    if as_json:
        _json(now, totals, rows if per_contract else None, paid_out, net)
        return
    echo(f"Earnings as the freelancer, as of {now.astimezone():%Y-%m-%d %H:%M %Z}")
    if not totals:
        echo("No contracts where you are the freelancer.")
    else:
        _earnings(totals, rows, per_contract, format_amount, net)
    if paid_out:
        echo("")
        echo("You pay as the client (not earnings)")
        table = [("", *_PAYOUT_HEADINGS)]
        for p in paid_out:
            table.append((p.currency, *(format_amount(v, p.currency) for v in
                                        (p.in_escrow, p.released, p.bonus, p.refunded))))
        _print_table(table)


_PAYOUT_HEADINGS = ("In escrow", "Released", "Bonuses", "Refunded to you")


def _earnings(totals, rows, per_contract: bool, format_amount, net: bool = False) -> None:
    headings = _NET_HEADINGS if net else _HEADINGS
    table: list[tuple[str, ...]] = [("", *headings)]
    for e in totals:
        table.append((e.currency, *(format_amount(v, e.currency) for v in _figures(e, net))))
    _print_table(table)
    if per_contract:
        echo("")
        table = [("Contract", "Currency", *headings)]
        for e in rows:
            title = printable(e.contract_title or "", newlines=False)
            title = title if len(title) <= 40 else title[:39] + "…"
            table.append((f"{title} (#{e.contract_id})", e.currency,
                          *(format_amount(v, e.currency) for v in _figures(e, net))))
        _print_table(table)
    if net:
        echo("")
        echo("Fees are worked out from each contract's fee rule, rounded half up to the cent once per payment.")


def _json(now, totals, rows, paid_out, net: bool = False) -> None:
    from cairn.cli import json_out

    def stages(e) -> dict[str, object]:
        out = json_out.amounts(e.currency, work_in_progress=e.work_in_progress, in_review=e.in_review,
                               pending=e.pending, available=e.available)
        if net:
            out.update(json_out.amounts(e.currency, gross=e.gross, fee=e.fee, net=e.net, net_pending=e.net_pending,
                                        net_available=e.net_available))
        return out

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
