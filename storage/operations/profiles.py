"""P9: platform profiles the user manages, and the numbers each contract keeps for itself.

A contract copies its profile's numbers when it is created (``terms_from``); editing a profile
changes only the contracts created after. ``change_terms`` moves one contract to another
profile's current numbers, or overrides its fee rule, when the user asks — and only what happens
next follows the new numbers: review deadlines already running and money already pending keep
the instants they were given. Fees are worked out from the contract's rule (storage/fees.py), so
correcting a contract's fee rule corrects every fee shown for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import func, select

from cairn.storage import fees, validate
from cairn.storage.errors import DomainError, NotFound
from cairn.storage.models import PROFILE_NUMBERS, Contract, ContractKind, Profile
from cairn.storage.operations.transaction import operation
from cairn.storage.queries.board import board

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.operations.unit import Unit
    from cairn.storage.queries.board import Board

DEFAULT_PROFILE = "Marketplace"
EDITABLE = ("name", *PROFILE_NUMBERS, "review_per_contract")


def profile_fields(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """A profile's fields as typed (CLI, form) or imported, checked; refused naming the field."""
    out: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise DomainError("P9", f"a profile has no field {sorted(unknown)[0]!r}; its fields are "
                                + ", ".join(EDITABLE) + ".", field=sorted(unknown)[0])
    for f in EDITABLE:
        if f not in values:
            if partial:
                continue
            if f == "name":
                raise DomainError("P9", "a profile needs a name; type one such as \"Agency portal\".", field="name")
            values = {**values, f: 14 if f == "review_days" else getattr(Profile(), f)}
        v = values[f]
        if f == "name":
            out[f] = validate.text(v, rule="P9", field="name", label="profile name", max_len=100, required=True)
        elif f == "fee_rule":
            out[f] = fees.canonical(v)
        elif f == "minimum_minor":
            out[f] = validate.minimum(v)
        elif f == "review_per_contract":
            if not isinstance(v, bool):
                raise DomainError("P9", "'review per contract' is yes or no.", field=f)
            out[f] = v
        else:
            out[f] = validate.window_days(v, field=f)
    if not partial and out["review_per_contract"] and out["review_days"] is None:
        raise DomainError("P9", "a review window chosen per contract needs a default number of days "
                                "(1 to 30); give review days.", field="review_days")
    return out


def typed_fields(form: dict[str, Any]) -> dict[str, Any]:
    """A profile's fields as a person types them (the Profiles form, the CLI's options), read into
    values ``profile_fields`` checks: days as whole numbers (the review window may be "none": no
    automatic release), the minimum as an amount (5.00), the fee rule as text."""
    from cairn.storage.money import parse_amount

    out: dict[str, Any] = {}
    for f, v in form.items():
        text = v.strip() if isinstance(v, str) else v
        if f == "review_days" and isinstance(text, str) and text.lower() in ("", "none", "no", "off"):
            out[f] = None
        elif f in ("review_days", "hold_days", "refund_answer_days", "feedback_days", "bonus_days") \
                and isinstance(text, str):
            if not text.isdigit() or len(text) > 6:
                label = f.replace("_", " ")
                extra = " (or none: no automatic release)" if f == "review_days" else ""
                raise DomainError("P9", f"{label} is a whole number of days{extra}, not {text[:20]!r}.", field=f)
            out[f] = int(text)
        elif f == "minimum_minor" and isinstance(text, str):
            # A profile holds no currency: its minimum is read with two decimals (5.00 is 500 minor units).
            out[f] = parse_amount(text or "0", "USD", rule="P9", field=f)
        else:
            out[f] = v
    return out


def _by_name(session, name: str) -> Profile | None:
    return session.exec(select(Profile).where(func.lower(Profile.name) == name.strip().lower())).first()


def find_profile(session, profile: int | str | None) -> Profile:
    if profile is None or profile == "":
        profile = DEFAULT_PROFILE
    p = session.get(Profile, profile) if isinstance(profile, int) else _by_name(session, profile)
    if p is None:
        names = ", ".join(n for n in session.exec(select(Profile.name).order_by(Profile.id)))
        raise DomainError("P9", f"there is no platform profile {profile!r}; choose one of: {names} "
                                "(or add it with cairn profiles add).", field="profile")
    return p


def add_profile(db: Database, **values: Any) -> int:
    """A new profile, checked as import checks it; returns its id."""
    fields = profile_fields(values)
    with db.session() as session:
        if _by_name(session, fields["name"]) is not None:
            raise DomainError("P9", f"there is already a profile named {fields['name']!r}; choose another name "
                                    "or edit that one.", field="name")
        p = Profile(**fields, builtin=False)
        session.add(p)
        session.flush()
        return p.id  # type: ignore[return-value]


def edit_profile(db: Database, profile: int | str, **values: Any) -> int:
    """Change a profile's numbers (and a custom profile's name). Contracts already created keep
    theirs; only contracts created (or moved) after use the new ones."""
    fields = profile_fields(values, partial=True)
    with db.session() as session:
        p = find_profile(session, profile)
        if "name" in fields and fields["name"] != p.name:
            if p.builtin:
                raise DomainError("P9", f"{p.name!r} is built in and keeps its name (the settings file and "
                                        "the new-contract form name it); add a profile with your own name "
                                        "instead.", field="name")
            other = _by_name(session, fields["name"])
            if other is not None and other.id != p.id:
                raise DomainError("P9", f"there is already a profile named {fields['name']!r}; choose another "
                                        "name.", field="name")
        per = fields.get("review_per_contract", p.review_per_contract)
        review = fields.get("review_days", p.review_days)
        if per and review is None:
            raise DomainError("P9", "a review window chosen per contract needs a default number of days "
                                    "(1 to 30); give review days.", field="review_days")
        for f, v in fields.items():
            setattr(p, f, v)
        session.add(p)
        return p.id  # type: ignore[return-value]


def terms_from(p: Profile, *, review_days: int | str | None = None, fee_rule: str | None = None) -> dict[str, Any]:
    """The numbers a contract on ``p`` keeps: the profile's, with the review window chosen for
    this contract (where the profile asks for it) and the fee rule overridden if one is given."""
    terms = {f: getattr(p, f) for f in PROFILE_NUMBERS}
    if review_days not in (None, ""):
        if not p.review_per_contract:
            raise DomainError("P9", f"on {p.name!r} the platform sets the review window "
                                    f"({_days(p.review_days)}); leave it empty, or edit the profile.",
                              field="review_days")
        terms["review_days"] = validate.chosen_review(review_days)
    if fee_rule not in (None, ""):
        terms["fee_rule"] = fees.canonical(fee_rule)
    return terms


def _days(n: int | None) -> str:
    return "no automatic release" if n is None else f"{n} day{'s' if n != 1 else ''}"


KEEP = object()  # revision_cap not given: None is a value there (no cap)


def change_terms(db: Database, contract_id: int, *, profile: int | str | None = None,
                 review_days: int | str | None = None, fee_rule: str | None = None,
                 revision_cap: Any = KEEP, clock: Clock, expect_version: int | None = None) -> Board:
    """Move a contract to a profile's current numbers and/or override its fee rule (P9), and/or
    set its revision cap (M10: a number of rounds, or None or empty for no cap)."""
    with operation(db, clock, contract_id=contract_id) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="change its terms")
        change_terms_in(unit, c, profile=profile, review_days=review_days, fee_rule=fee_rule,
                        revision_cap=revision_cap)
    return board(db, contract_id, clock)


def change_terms_in(unit: Unit, c: Contract, *, profile: int | str | None, review_days: int | str | None,
                    fee_rule: str | None, revision_cap: Any = KEEP) -> None:
    before = {f: getattr(c, f) for f in ("profile_id", *PROFILE_NUMBERS, "revision_cap")}
    if revision_cap is not KEEP:
        cap = validate.revision_cap(revision_cap)
        if cap is not None and cap != c.revision_cap and c.kind == ContractKind.HOURLY:
            raise DomainError("M10", "an hourly contract has no milestones, so no revision rounds to cap (C1); "
                                     "leave the cap empty.", field="revision_cap")
        c.revision_cap = cap
    if profile not in (None, ""):
        p = find_profile(unit.session, profile)
        terms = terms_from(p, review_days=review_days, fee_rule=fee_rule)
        c.profile_id = p.id  # type: ignore[assignment]
    else:
        p = unit.session.get(Profile, c.profile_id)
        if p is None:
            raise NotFound("Profile", c.profile_id)
        terms = {}
        if review_days not in (None, ""):
            terms["review_days"] = terms_from(p, review_days=review_days)["review_days"]
        if fee_rule is not None:
            terms["fee_rule"] = fees.canonical(fee_rule)
    for f, v in terms.items():
        setattr(c, f, v)
    after = {f: getattr(c, f) for f in before}
    if after == before:
        raise DomainError("P9", "these are already the contract's numbers; nothing changed.")
    changed = [f for f in before if before[f] != after[f]]
    what = []
    if "profile_id" in changed:
        what.append(f"moved to the profile {p.name!r}")
    if "fee_rule" in changed:
        what.append(f"fee: {fees.parse(c.fee_rule).shown()}")
    if "review_days" in changed:
        what.append(f"review window: {_days(c.review_days)}")
    if "revision_cap" in changed:
        what.append("revision cap: " + ("none" if c.revision_cap is None else
                                        f"{c.revision_cap} round{'s' if c.revision_cap != 1 else ''}"))
    others = [f for f in changed if f not in ("profile_id", "fee_rule", "review_days", "revision_cap")]
    if others:
        what.append(", ".join(f.replace("_", " ").replace(" minor", "") for f in others) + " from the profile")
    # Only the profile's numbers have dates to keep; a cap counts rounds from the next request on.
    keep = (" Deadlines already running and money already pending keep their dates (P9)."
            if set(changed) - {"revision_cap"} else "")
    unit.event(c, c.my_side, "terms_changed", f"Contract \"{c.title}\" {'; '.join(what)}.{keep}",
               before={f: before[f] for f in changed}, after={f: after[f] for f in changed})
    unit.flush()
