"""``cairn profiles``: the platform profiles (P9) — list, add, edit — and moving a contract to one."""

from __future__ import annotations

from pathlib import Path

import click

from cairn.cli.common import State, db_option, db_path_of, echo, open_database, open_existing
from cairn.cli.group import cli


def _options(f):
    for decl, help_ in reversed((
        ("--review", "Review window in days before an automatic release, or 'none'."),
        ("--hold", "Days released money is pending before it is available."),
        ("--refund-answer", "Days the freelancer has to answer a refund request."),
        ("--feedback", "Days after the end in which feedback may be left."),
        ("--minimum", "Minimum milestone amount, such as 5.00."),
        ("--fee", "Fee rule: none, 10%, or tiers such as '20% to 500.00; 10% to 10,000.00; 5%'."),
    )):
        f = click.option(decl, default=None, metavar="VALUE", help=help_)(f)
    return click.option("--review-per-contract/--review-fixed", "per_contract", default=None,
                        help="The review window is chosen per contract (1-30 days; an escrow service).")(f)


def _values(review, hold, refund_answer, feedback, minimum, fee, per_contract) -> dict:
    from cairn.storage.operations.profiles import typed_fields

    given = {"review_days": review, "hold_days": hold, "refund_answer_days": refund_answer,
             "feedback_days": feedback, "minimum_minor": minimum, "fee_rule": fee,
             "review_per_contract": per_contract}
    return typed_fields({k: v for k, v in given.items() if v is not None})


@cli.group(invoke_without_command=True)
@db_option
@click.pass_context
def profiles(ctx: click.Context, db_path: Path | None) -> None:
    """Platform profiles: each platform's review window, hold, refund-answer and feedback windows,
    minimum milestone and fee rule. A contract keeps the numbers it was created with; editing a
    profile changes only contracts created (or moved) after."""
    if db_path is not None:  # 'cairn profiles --db X list' as 'cairn profiles list --db X'
        ctx.find_object(State).db_path = db_path
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_profiles)


@profiles.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per profile (shape in the README).")
@click.pass_context
def list_profiles(ctx: click.Context, db_path: Path | None = None, as_json: bool = False) -> None:
    """Every profile, built-in ones first, with its numbers and how many contracts use it."""
    from cairn.storage.queries.profiles import profiles as read

    with open_existing(db_path_of(ctx, db_path)) as db:
        rows = read(db)
    if as_json:
        from cairn.cli import json_out

        json_out.echo([profile_json(p) for p in rows])
        return
    table = [("Profile", "Review", "Hold", "Refund", "Feedback", "Minimum", "Fee", "Contracts")]
    for p in rows:
        table.append((p.name + (" *" if p.builtin else ""), p.review_shown(), str(p.hold_days),
                      str(p.refund_answer_days), str(p.feedback_days), _amount(p.minimum_minor), p.fee.shown(),
                      str(p.contracts)))
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    echo("")
    echo("Days are calendar days in UTC; * built in (numbers editable). A contract keeps the numbers it "
         "was created with.")


def _amount(minor: int) -> str:
    from cairn.storage.money import format_amount

    return format_amount(minor, "USD", symbol=False).removesuffix(" USD")


def profile_json(p) -> dict[str, object]:
    return {"id": p.id, "name": p.name, "builtin": p.builtin, "review_days": p.review_days,
            "review_per_contract": p.review_per_contract, "hold_days": p.hold_days,
            "refund_answer_days": p.refund_answer_days, "feedback_days": p.feedback_days,
            "bonus_days": p.bonus_days, "minimum_minor": p.minimum_minor,
            "fee_rule": p.fee_rule, "fee": p.fee.shown(), "contracts": p.contracts}


@profiles.command("add")
@db_option
@click.argument("name")
@_options
@click.pass_context
def add(ctx: click.Context, db_path: Path | None, name: str, review, hold, refund_answer, feedback, minimum, fee,
        per_contract) -> None:
    """Add a profile NAME; numbers not given are the marketplace's (14-day review, 5-day hold, 7-day
    refund answer, 14-day feedback, minimum 5.00), with no fee."""
    from cairn.storage.operations.profiles import add_profile

    values = _values(review, hold, refund_answer, feedback, minimum, fee, per_contract)
    with open_database(db_path_of(ctx, db_path)) as db:
        add_profile(db, name=name, **values)
    echo(f"Added the profile {name.strip()!r}.")


@profiles.command("edit")
@db_option
@click.argument("profile")
@click.option("--name", "new_name", default=None, help="A new name (built-in profiles keep theirs).")
@_options
@click.pass_context
def edit(ctx: click.Context, db_path: Path | None, profile: str, new_name: str | None, review, hold,
         refund_answer, feedback, minimum, fee, per_contract) -> None:
    """Change PROFILE's numbers. Contracts already created keep theirs; move one with
    'cairn profiles move'."""
    from cairn.storage.operations.profiles import edit_profile

    values = _values(review, hold, refund_answer, feedback, minimum, fee, per_contract)
    if new_name is not None:
        values["name"] = new_name
    if not values:
        raise click.UsageError("give at least one number to change (such as --hold 3)")
    with open_database(db_path_of(ctx, db_path)) as db:
        edit_profile(db, profile, **values)
    echo(f"Changed the profile {profile.strip()!r}; contracts created from now on use its new numbers.")


@profiles.command("move")
@db_option
@click.argument("contract", type=int)
@click.argument("profile", required=False)
@click.option("--fee", default=None, metavar="RULE", help="This contract's own fee rule (none, 10%, tiers).")
@click.option("--review", default=None, metavar="DAYS", help="Review window chosen for this contract (1-30), "
              "where the profile lets it be chosen.")
@click.option("--revision-cap", "cap", default=None, metavar="ROUNDS", help="Rounds of changes the client "
              "may ask for per milestone (1-99), or 'none'.")
@click.pass_context
def move(ctx: click.Context, db_path: Path | None, contract: int, profile: str | None, fee: str | None,
         review: str | None, cap: str | None) -> None:
    """Move CONTRACT (its number, as 'cairn list' shows it) to PROFILE's numbers as they are now,
    and/or give it its own fee rule or revision cap. Deadlines already running and money already
    pending keep their dates."""
    from cairn.storage.operations.profiles import KEEP, change_terms

    if profile is None and fee is None and review is None and cap is None:
        raise click.UsageError("give a PROFILE, --fee, --review or --revision-cap")
    clock = ctx.find_object(State).clock
    with open_database(db_path_of(ctx, db_path)) as db:
        b = change_terms(db, contract, profile=profile, fee_rule=fee, review_days=review, clock=clock,
                         revision_cap=KEEP if cap is None else "" if cap.strip().lower() == "none" else cap)
    p, rounds = b.contract.profile, b.contract.revision_cap
    echo(f"Contract #{b.id} is on {p.name!r}: review {p.review_days if p.review_days is not None else 'none'}, "
         f"hold {p.hold_days} days, fee {p.fee.shown()}, revision cap {rounds if rounds is not None else 'none'}.")
