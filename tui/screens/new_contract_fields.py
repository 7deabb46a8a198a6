"""What the New contract form offers and sends: its choices, the field that shows each refusal,
how many milestone rows a structure makes before the total is typed, and the call that creates
the contract (in a thread; storage splits the total and decides)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cairn.storage.templates import parts_typed

if TYPE_CHECKING:
    from cairn.storage.clock import Clock

TEMPLATES = [
    ("25 / 50 / 25", "25/50/25"),
    ("Equal thirds", "thirds"),
    ("Equal, N milestones", "equal"),
    ("Custom percentages", "custom"),
    ("No milestones (plan later)", "none"),
]
ROWS_MADE_FIRST = 6
SIDES = [("Freelancer (I do the work)", "freelancer"), ("Client (I pay)", "client")]
KINDS = [("Fixed-price (milestones)", "fixed"), ("Hourly (no milestones)", "hourly")]

# DomainError.field -> the form field that shows it.
FIELD_OF = {
    "title": "title", "client_name": "client_name", "currency": "currency", "my_side": "my_side",
    "profile": "profile", "started_on": "started_on", "due_date": "started_on", "total": "total",
    "amount": "total", "template": "template", "n": "n", "percentages": "percentages", "kind": "kind",
    "revision_cap": "revision_cap",
    "review_days": "review_days", "fee_rule": "fee_rule",
}


def field_of(storage_field: str | None) -> str | None:
    """The form field that shows a refusal: a milestone's own row for its title or due date
    (``milestone-2-title``), the total for its amount (the split made it)."""
    name = storage_field or ""
    if name.startswith("milestone-"):
        _, index, what = name.split("-", 2)
        return {"title": f"m-{index}-title", "due_date": f"m-{index}-due"}.get(what, "total")
    return FIELD_OF.get(name)


def create(db, form: dict, *, clock: Clock):
    """Runs in a thread: split the total by the template (G2), name each part as the form does,
    and create the contract (an hourly one has no milestones, C1)."""
    from cairn.storage import api
    from cairn.storage.money import check_currency
    from cairn.storage.templates import split_typed

    milestones = []
    if form["kind"] == "fixed" and form["template"] != "none":
        parts = split_typed(form["total"], check_currency(form["currency"]), form["template"], n=form["n"],
                            percentages=form["percentages"])
        named = form["milestones"]
        milestones = [api.MilestoneIn(title=named[i][0], amount=a, due_date=named[i][1].strip() or None)
                      for i, a in enumerate(parts)]
    return api.create_contract(
        db, title=form["title"], client_name=form["client_name"], currency=form["currency"],
        profile=form["profile"], my_side=form["my_side"], started_on=form["started_on"] or None,
        kind=form["kind"], milestones=milestones,
        revision_cap=(form.get("revision_cap") or None) if form["kind"] == "fixed" else None,
        review_days=form.get("review_days") or None, fee_rule=form.get("fee_rule") or None, clock=clock,
    )


def parts_named(form: dict) -> int:
    """How many milestone rows to show before the total is typed, so keys typed straight on (one
    SSH burst) find them: as storage reads the structure."""
    return parts_typed(form["template"], n=form["n"], percentages=form["percentages"])
