"""``cairn reconcile FILE``: the marketplace's transaction history beside Cairn's record."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cairn.cli.common import (
    EXIT_PROBLEMS,
    CliError,
    db_option,
    db_path_of,
    echo,
    open_existing,
    read_input,
)
from cairn.cli.group import cli

_MAX_BYTES = 64 * 1024 * 1024


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@db_option
@click.option("--days", type=click.IntRange(0, 30), default=3, show_default=True,
              help="How many days apart a file row and Cairn's record may be and still match.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (shape in the README).")
@click.pass_context
def reconcile(ctx: click.Context, file: Path, db_path: Path | None, days: int, as_json: bool) -> None:
    """Match the marketplace's transaction-history CSV (either header layout) to Cairn's releases,
    bonuses and refunds by contract, amount and date: matched, only in the file, only in Cairn,
    amount mismatches. Changes nothing; exit status 1 when anything differs."""
    from cairn.storage.exchange.reconcile import ReconcileError
    from cairn.storage.exchange.reconcile import reconcile as reconcile_of

    data = read_input(file, "the transaction-history CSV", limit=_MAX_BYTES + 1)
    if len(data) > _MAX_BYTES:
        raise CliError(f"{file}: larger than {_MAX_BYTES // 1024 // 1024} MB; export a shorter period.")
    with open_existing(db_path_of(ctx, db_path)) as db:
        try:
            result = reconcile_of(db, data, days=days)
        except ReconcileError as e:
            raise CliError(f"{file}: {e}") from None
    if as_json:
        _json(result)
    else:
        _text(result)
    if not result.clean:
        sys.exit(EXIT_PROBLEMS)


def _row(r) -> str:
    from cairn.storage.money import format_amount

    named = f"#{r.contract_id}" if r.contract_id is not None else "no contract named"
    return (f"line {r.line}: {r.on} {r.kind} {format_amount(r.amount, r.currency)} ({named}) "
            f"{r.ref} {r.text[:50]}").rstrip()


def _move(m) -> str:
    from cairn.storage.money import format_amount

    what = f" \"{m.milestone}\"" if m.milestone else ""
    return (f"{m.at.astimezone():%Y-%m-%d %H:%M} {m.kind} {format_amount(m.amount, m.currency)} "
            f"{m.contract_title[:40]} (#{m.contract_id}){what}")


def _text(r) -> None:
    from cairn.storage.money import format_amount

    period = f"{r.period[0]} to {r.period[1]}" if r.period else "no money rows"
    echo(f"Transaction history ({r.layout} layout): {r.rows} rows, {period}; {r.ignored} of other types "
         "(withdrawals, hourly, memberships) left aside. Nothing was changed.")
    sections = [
        ("Matched", [f"{_row(f)}  =  {_move(m)}" for f, m in r.matched]),
        ("Fees (beside their payment, as Cairn derives them from the contract's fee rule)",
         [f"{_row(f)}  ->  {_move(m)}" for f, m in r.fees]),
        ("Fee mismatches (the file's fee, the payment, and the fee the contract's rule gives)",
         [f"{_row(f)}  ->  {_move(m)}: Cairn's fee {format_amount(fee, m.currency)}" for f, m, fee in r.fee_mismatched]),
        ("Amount mismatches", [f"{_row(f)}  !=  {_move(m)}" for f, m in r.mismatched]),
        ("Only in the file", [_row(f) for f in r.only_in_file]),
        ("Only in Cairn", [_move(m) for m in r.only_in_cairn]),
    ]
    for title, lines in sections:
        echo("")
        echo(f"{title}: {len(lines)}")
        for line in lines:
            echo(f"  {line}")
    echo("")
    echo("Everything matches." if r.clean else "Differences found: check them on the platform and in Cairn.")


def _json(r) -> None:
    from cairn.cli import json_out

    def row(f) -> dict[str, object]:
        return {"line": f.line, "date": f.on.isoformat(), "kind": f.kind, "currency": f.currency,
                **json_out.amounts(f.currency, amount=f.amount), "ref": f.ref, "text": f.text,
                "contract_id": f.contract_id}

    def move(m) -> dict[str, object]:
        return {"ledger_id": m.ledger_id, "at": json_out.instant(m.at), "at_local": json_out.local(m.at),
                "kind": m.kind, "currency": m.currency, **json_out.amounts(m.currency, amount=m.amount),
                "contract_id": m.contract_id, "contract": m.contract_title, "milestone": m.milestone}

    json_out.echo({
        "layout": r.layout, "rows": r.rows, "ignored": r.ignored,
        "period": [r.period[0].isoformat(), r.period[1].isoformat()] if r.period else None,
        "matched": [{"file": row(f), "cairn": move(m)} for f, m in r.matched],
        "fees": [{"file": row(f), "cairn": move(m)} for f, m in r.fees],
        "mismatched": [{"file": row(f), "cairn": move(m)} for f, m in r.mismatched],
        "fee_mismatched": [{"file": row(f), "cairn": move(m), **json_out.amounts(m.currency, cairn_fee=fee)}
                           for f, m, fee in r.fee_mismatched],
        "only_in_file": [row(f) for f in r.only_in_file],
        "only_in_cairn": [move(m) for m in r.only_in_cairn], "clean": r.clean,
    })
