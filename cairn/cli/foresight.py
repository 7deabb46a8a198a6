"""``cairn forecast`` (the cash-flow forecast and the work at risk) and ``cairn clients``."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, open_existing
from cairn.cli.due import apply_timers_if_writable
from cairn.cli.group import cli
from cairn.cli.report import _print_table
from cairn.storage.text import printable

_SERIES_HEADINGS = ("Certain", "Expected", "Planned", "Total")


def _title(text: str, width: int = 36) -> str:
    text = printable(text or "", newlines=False)
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@db_option
@click.option("--weeks", type=click.IntRange(1, 52), default=8, show_default=True, help="How many weeks ahead.")
@click.option("--items", "show_items", is_flag=True, help="Also list every amount behind the figures.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (shape in the README).")
@click.pass_context
def forecast(ctx: click.Context, db_path: Path | None, weeks: int, show_items: bool, as_json: bool) -> None:
    """Money ahead where you are the freelancer, per currency and week: certain (pending payments
    becoming available), expected (submitted work, at its automatic release or sooner by the
    client's usual review time) and planned (active and future milestones by due date), gross;
    then the work at risk."""
    from cairn.storage.money import format_amount
    from cairn.storage.queries.foresight import at_risk, risk_totals
    from cairn.storage.queries.foresight import forecast as forecast_of

    clock = ctx.find_object(State).clock
    with open_existing(db_path_of(ctx, db_path)) as db:
        apply_timers_if_writable(db, clock)
        rows = forecast_of(db, clock, weeks=weeks)
        risks = at_risk(db, clock)
    now = clock.now().astimezone(UTC)
    totals = risk_totals(risks)
    if as_json:
        _forecast_json(now, weeks, rows, risks, totals)
        return
    echo(f"Forecast as the freelancer, as of {now.astimezone():%Y-%m-%d %H:%M %Z} (gross, before fees)")
    if not rows:
        echo("No money ahead: no pending payments, submitted work or planned milestones.")
    for f in rows:
        cur = f.currency
        echo("")
        table: list[tuple[str, ...]] = [(f"{cur}, week of", *_SERIES_HEADINGS)]
        for k, w in enumerate(f.weeks):
            label = f"{w.start:%a %Y-%m-%d}" + (" (now)" if k == 0 else "")
            table.append((label, *(format_amount(v, cur) for v in (w.certain, w.expected, w.planned, w.total))))
        for label, part in ((f"Later than {weeks} weeks", f.later), ("No date", f.undated)):
            if any(part.values()):
                table.append((label, *(format_amount(part[s], cur) for s in ("certain", "expected", "planned")),
                              format_amount(sum(part.values()), cur)))
        sums = [f.total(s) + f.later[s] + f.undated[s] for s in ("certain", "expected", "planned")]
        table.append(("All", *(format_amount(v, cur) for v in (*sums, sum(sums)))))
        _print_table(table)
        if show_items:
            for i in f.items:
                when = f"{i.at.astimezone():%Y-%m-%d %H:%M}" if i.at else "no date"
                echo(f"  {i.series:<8} {format_amount(i.amount, cur):>12}  {when:<16}  {i.basis:<12}  "
                     f"{_title(i.what, 20)} ({_title(i.contract_title, 24)} #{i.contract_id})")
    echo("")
    if not risks:
        echo("Work at risk: none (nothing due unfunded, waiting for review or under a refund request).")
        return
    echo("Work at risk (not yet protected)")
    table = [("Contract", "Unfunded, due", "Submitted", "Refund/dispute", "Total")]
    for r in risks:
        table.append((f"{_title(r.title, 28)} (#{r.contract_id})",
                      *(format_amount(v, r.currency) for v in (r.unfunded_due, r.submitted, r.disputed, r.total))))
    for cur, t in totals.items():
        table.append((f"Total {cur}", *(format_amount(v, cur) for v in (t.unfunded_due, t.submitted, t.disputed,
                                                                         t.total))))
    _print_table(table)


def _forecast_json(now, weeks, rows, risks, totals) -> None:
    from cairn.cli import json_out
    from cairn.storage.queries.foresight import week_starts

    starts = week_starts(now, weeks)

    def series(cur, part) -> dict[str, object]:
        return json_out.amounts(cur, certain=part["certain"], expected=part["expected"], planned=part["planned"])

    currencies = []
    for f in rows:
        cur = f.currency
        currencies.append({
            "currency": cur,
            "weeks": [{"start": w.start.isoformat(), "from": json_out.instant(starts[k]),
                       "until": json_out.instant(starts[k + 1]),
                       **json_out.amounts(cur, certain=w.certain, expected=w.expected, planned=w.planned,
                                          total=w.total)} for k, w in enumerate(f.weeks)],
            "later": series(cur, f.later), "undated": series(cur, f.undated),
            "items": [{"series": i.series, **json_out.amounts(cur, amount=i.amount), "at": json_out.instant(i.at),
                       "at_local": json_out.local(i.at), "basis": i.basis, "contract_id": i.contract_id,
                       "contract": i.contract_title, "what": i.what} for i in f.items],
        })

    def risk(r) -> dict[str, object]:
        return json_out.amounts(r.currency, unfunded_due=r.unfunded_due, submitted=r.submitted,
                                disputed=r.disputed, total=r.total) | {"unfunded_milestones": r.unfunded_count}

    json_out.echo({
        "as_of": json_out.instant(now), "gross": True, "currencies": currencies,
        "at_risk": {"contracts": [{"contract_id": r.contract_id, "contract": r.title, "currency": r.currency,
                                   **risk(r)} for r in risks],
                    "totals": [{"currency": cur, **risk(t)} for cur, t in totals.items()]},
    })


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object (shape in the README).")
@click.pass_context
def clients(ctx: click.Context, db_path: Path | None, as_json: bool) -> None:
    """Each client across your contracts as the freelancer: contracts, money paid (gross), median
    days to review a submission and to fund the next milestone, change requests, revisions, refunds."""
    from cairn.storage.money import format_amount
    from cairn.storage.queries.clients import clients as clients_of

    with open_existing(db_path_of(ctx, db_path)) as db:
        stats = clients_of(db)
    if as_json:
        from cairn.cli import json_out

        json_out.echo({"clients": [{
            "client": s.name, "contracts": s.contracts, "open_contracts": s.open_contracts,
            "contract_ids": list(s.contract_ids),
            "paid": [{"currency": cur, **json_out.amounts(cur, amount=v)} for cur, v in s.paid.items()],
            "refunded": [{"currency": cur, **json_out.amounts(cur, amount=v)} for cur, v in s.refunded.items()],
            "refunds": s.refunds, "median_review_days": _round(s.review_days), "reviews": s.reviews,
            "median_days_to_next_funding": _round(s.funding_days), "fundings": s.fundings,
            "change_requests_proposed": s.requests_proposed, "change_requests_accepted": s.requests_accepted,
            "revisions_requested": s.revisions} for s in stats]})
        return
    if not stats:
        echo("No contracts where you are the freelancer.")
        return
    table = [("Client", "Contracts", "Paid", "Review", "To fund", "Changes", "Revisions", "Refunds")]
    for s in stats:
        paid = ", ".join(format_amount(v, cur) for cur, v in s.paid.items()) or "—"
        table.append((_title(s.name, 24), f"{s.contracts} ({s.open_contracts} open)", paid, _days(s.review_days),
                      _days(s.funding_days), f"{s.requests_accepted}/{s.requests_proposed}", str(s.revisions),
                      str(s.refunds)))
    _print_table(table)
    echo("")
    echo("Review: median days from submission to release. To fund: median days from a release to the next")
    echo("funding. Changes: change requests accepted/proposed. Revisions: times the client asked for changes.")


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}d"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


__all__ = ["clients", "forecast"]
