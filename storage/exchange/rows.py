"""The rows of an export, checked one at a time by the operations' own validators.

Import is a second door into the database, so it refuses exactly what the operations refuse: a
title goes through ``validate.title`` as when a milestone is added, an amount through
``validate.positive_amount``, a date through ``validate.due_date`` (the 2000..2100 window), a rating
through ``validate.rating``, a platform's windows through ``validate.window_days``. A value the
operations would have stored differently (a title with spaces around it) is refused too: import
never keeps what no operation could write. What only shows across rows (a milestone's state
against its ledger) is ``queries.check``'s, run on the whole file afterwards.

``check_row`` needs nothing but the row and what the file said before it, so a streaming importer
can call it row by row.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from functools import lru_cache
from typing import Any

from cairn.storage import fees, validate
from cairn.storage.errors import DomainError
from cairn.storage.money import EXPONENTS, check_currency
from cairn.storage.validate import _INSTANT

SQLITE_INT = 2**63 - 1
SIDES = ("client", "freelancer")
ACTORS = ("client", "freelancer", "automatic")
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("contract", "kind"): ("fixed", "hourly"),
    ("contract", "my_side"): SIDES,
    ("contract", "status"): ("open", "ended"),
    ("contract", "ended_by"): SIDES,
    ("contract", "end_reason"): ("completed successfully", "cancelled", "no longer needed", "other"),
    ("milestone", "state"): ("future", "active", "submitted", "released", "refunded", "voided", "deleted"),
    ("ledger_entry", "kind"): ("deposit", "release", "refund", "credit", "credit_applied", "bonus"),
    ("ledger_entry", "actor"): ACTORS,
    ("change_request", "status"): ("pending", "accepted", "declined", "withdrawn"),
    ("change_request", "proposed_by"): SIDES,
    ("change_request", "decided_by"): ACTORS,
    ("plan_draft", "side"): SIDES,
    ("refund_request", "status"): ("pending", "accepted", "disputed", "mediation", "arbitration", "closed"),
    ("refund_request", "answered_by"): ACTORS,
    ("event", "actor"): ACTORS,
    ("action", "actor"): ACTORS,
    ("refund_request", "outcome"): ("released", "refunded", "split"),
    ("action_change", "tbl"): ("profile", "contract", "milestone", "ledger_entry", "change_request", "plan_draft",
                               "plan_item", "refund_request", "event"),
}


def show(value: Any) -> str:
    """A value as a problem quotes it: short, and with nothing a terminal would act on (repr)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer of 5,000 digits, a structure nested too deep
        return f"a {type(value).__name__} too large to show"
    return text if len(text) <= 40 else text[:37] + "…"


# --- one value at a time --------------------------------------------------------------------------
Check = Callable[[Any, dict], "str | None"]


def _domain(fn: Callable[[Any], Any], *, same: bool = True) -> Check:
    """A storage validator as a check: its refusal, or (``same``) a value it would have stored differently."""
    def check(value: Any, row: dict) -> str | None:
        try:
            clean = fn(value)
        except DomainError as e:
            return e.message
        if same and clean != value:
            return f"{show(value)} is not as Cairn stores it ({show(clean)}): spaces around it or Windows line ends"
        return None
    return check


def _text(rule: str, label: str, max_len: int, *, required: bool = False, multiline: bool = False) -> Check:
    return _domain(lambda v: validate.text(v, rule=rule, field="x", label=label, max_len=max_len,
                                           required=required, multiline=multiline))


def _json_text(value: Any, row: dict) -> str | None:
    problem = _text("R5", "recorded values", 100_000, multiline=True)(value, row)
    if problem:
        return problem
    try:
        json.loads(value)
    except (ValueError, RecursionError):
        return "is not the JSON Cairn records here"
    return None


def _money(label: str) -> Check:
    def check(value: Any, row: dict) -> str | None:
        try:
            validate.positive_amount(value, "USD", rule="P4", label=label)
        except DomainError as e:
            return e.message
        return None
    return check


def _day(value: Any, row: dict) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return f"{show(value)} is not a date (YYYY-MM-DD)"
    return _domain(validate.due_date, same=False)(value, row)


def _instant(value: Any, row: dict) -> str | None:
    # The usual case, decided without the validator: the exact form, a year Cairn keeps, a real date.
    if _INSTANT.fullmatch(value) and "2000" <= value[:4] <= "2110":
        with suppress(ValueError):
            datetime.fromisoformat(value[:-1])
            return None
    try:
        validate.stored_instant(value)
    except DomainError as e:
        return e.message
    return None


def _currency(value: Any, row: dict) -> str | None:
    if value not in EXPONENTS:
        try:
            check_currency(value if isinstance(value, str) else "")
        except DomainError as e:
            return e.message
        return f"{show(value)} is not written as Cairn writes currencies (upper case)"
    return None


def _whole(low: int, high: int = SQLITE_INT) -> Check:
    def check(value: Any, row: dict) -> str | None:
        return None if low <= value <= high else f"{show(value)} is not a whole number from {low:,} to {high:,}"
    return check


def _place(value: Any, row: dict) -> str | None:
    # Where a plan item stands among the milestones' positions (0 to 10^9), or near them: never
    # anywhere a midpoint could overflow.
    return None if -10**12 <= value <= 10**12 else (
        f"{show(value)} is outside the places Cairn keeps (-10^12 to 10^12); correct it, or make it null "
        "to keep the batch in the order of its seq")


def _window(field: str) -> Check:
    return _domain(lambda v: validate.window_days(v, field=field))


def _review_per_contract(value: Any, row: dict) -> str | None:
    if value and row.get("review_days") is None:
        return ("a review window chosen per contract needs a default number of days (1 to 30) in "
                "review_days")
    return None


# Checks that read other fields of the row: the rest depend on the value alone.
ROW_CHECKS: tuple[Check, ...] = (_review_per_contract,)


def _event_kind(value: Any, row: dict) -> str | None:
    return None if re.fullmatch(r"[a-z][a-z_]{0,39}", value) else f"{show(value)} is not an event kind"


FIELDS: dict[tuple[str, str], Check] = {
    ("profile", "name"): _text("P9", "profile name", 100, required=True),
    **{("profile", f): _window(f) for f in validate.WINDOWS},
    ("profile", "minimum_minor"): _domain(validate.minimum),
    ("profile", "fee_rule"): _domain(lambda v: fees.canonical(v, stored=True)),
    ("profile", "review_per_contract"): _review_per_contract,
    **{("contract", f): _window(f) for f in validate.WINDOWS},
    ("contract", "minimum_minor"): _domain(validate.minimum),
    ("contract", "fee_rule"): _domain(lambda v: fees.canonical(v, stored=True)),
    ("contract", "title"): _text("C2", "contract title", 200, required=True),
    ("contract", "client_name"): _text("C2", "client name", 200),
    ("contract", "currency"): _currency,
    ("contract", "started_on"): _day,
    ("contract", "notes"): _text("C2", "notes", 20_000, multiline=True),
    ("contract", "feedback_rating"): _domain(validate.rating),
    ("contract", "revision_cap"): _domain(validate.revision_cap),
    ("contract", "feedback_text"): _domain(validate.feedback),
    ("contract", "version"): _whole(1),
    ("milestone", "position"): _whole(0, 10**9),
    ("milestone", "title"): _domain(validate.title),
    ("milestone", "description"): _domain(validate.description),
    ("milestone", "due_date"): _day,
    ("milestone", "amount_minor"): _money("milestone amount"),
    ("milestone", "submission_message"): _domain(lambda v: validate.message(v, rule="M9")),
    ("ledger_entry", "amount_minor"): _money("amount"),
    ("ledger_entry", "note"): _domain(lambda v: validate.message(v, rule="P7", label="note")),
    ("change_request", "message"): _domain(lambda v: validate.message(v, rule="R2")),
    ("change_request", "outcome"): _text("R4", "outcome", 5000, multiline=True),
    ("change_request", "diff_json"): _json_text,
    ("plan_item", "seq"): _whole(0, 10**9),
    ("plan_item", "place"): _place,
    ("plan_item", "title"): _domain(validate.title),
    ("plan_item", "description"): _domain(validate.description),
    ("plan_item", "due_date"): _day,
    ("plan_item", "amount_minor"): _money("milestone amount"),
    ("refund_request", "amount_minor"): _money("refund"),
    ("refund_request", "note"): _domain(lambda v: validate.message(v, rule="P6", label="note")),
    ("event", "kind"): _event_kind,
    ("event", "summary"): _text("R5", "summary", 20_000, required=True, multiline=True),
    ("event", "before_json"): _json_text,
    ("event", "after_json"): _json_text,
    # The undo log (R5): what an action was, and each row as it was before it (JSON), or null.
    ("action", "kind"): _event_kind,
    ("action", "summary"): _text("R5", "summary", 20_000, multiline=True),
    ("action_change", "image"): _json_text,
}


def _type_problem(kind: str, nullable: bool, value: Any) -> str | None:
    """The column's type, as SQLite would keep it; None when the value has it."""
    if value is None:
        return None if nullable else "is missing (null)"
    if kind == "INTEGER":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {show(value)}"
        if not -SQLITE_INT - 1 <= value <= SQLITE_INT:
            return "is a whole number too large for a database"
        return None
    if kind == "FLOAT":
        # Kept as SQLite keeps it, a real number: a whole number would come back as 2.0, not as written.
        if not isinstance(value, float):
            return f"must be a decimal number such as 2.0, not {show(value)}"
        return None if math.isfinite(value) else f"must be a finite number, not {show(value)}"
    if kind == "BOOLEAN":
        return None if isinstance(value, bool) else f"must be true or false, not {show(value)}"
    if not isinstance(value, str):
        return f"must be text, not {show(value)}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains characters that are not valid text (lone surrogates)"
    if kind == "VARCHAR(27)":
        return _instant(value, {})
    if kind == "DATE":
        return _day(value, {})
    return None


# Fields later revisions added, with the value an export made before them stands for.
ADDED_LATER: dict[tuple[str, str], Any] = {("plan_item", "moved"): False, ("contract", "revision_cap"): None,
                                           ("plan_item", "place"): None}


class Plan:
    """``table``'s columns, each with the check of its values, worked out once per table.

    A column's problem with a value depends on the value alone, so it is remembered for the
    values seen last (typed: True is not 1): an export repeats its states, dates, currencies,
    titles and recorded JSON thousands of times, and each is checked once.
    """

    def __init__(self, table: str, columns: list[tuple[str, str, bool]]) -> None:
        self.names = [c[0] for c in columns]
        self.name_set = set(self.names)
        self.columns = [(name, *_column_problem(table, name, kind, nullable)) for name, kind, nullable in columns]


def plan(table: str, columns: list[tuple[str, str, bool]]) -> Plan:
    return Plan(table, columns)


def _column_problem(table: str, name: str, kind: str, nullable: bool) -> tuple[Callable, Callable]:
    """The column's problem with a value: (the quick way, for hashable values; the same, for any)."""
    if name == "id" or name.endswith("_id"):
        check: Check | None = _whole(1)
    elif (table, name) in ENUMS:
        check = _one_of(ENUMS[(table, name)])
    else:
        check = FIELDS.get((table, name))

    def problem(value: Any, row: dict | None = None) -> str | None:
        found = _type_problem(kind, nullable, value)
        if found is None and value is not None and check is not None:
            found = check(value, row or {})
        return found

    if check in ROW_CHECKS:  # its verdict depends on the row's other fields: never remembered
        return None, problem

    # Ids and instants are nearly all different: the usual case decided at once, not remembered.
    if kind == "INTEGER" and (name == "id" or name.endswith("_id")):
        def known_id(value: Any) -> str | None:
            if type(value) is int and 0 < value <= SQLITE_INT or value is None and nullable:
                return None
            return problem(value)
        return known_id, problem
    if kind == "VARCHAR(27)" and check is None:
        def instant(value: Any) -> str | None:
            if type(value) is str and _INSTANT.fullmatch(value) and "2000" <= value[:4] <= "2110":
                with suppress(ValueError):
                    datetime.fromisoformat(value[:-1])
                    return None
            return None if value is None and nullable else problem(value)
        return instant, problem
    return lru_cache(maxsize=4096, typed=True)(problem), problem


def _one_of(allowed: tuple[str, ...]) -> Check:
    def check(value: Any, row: dict) -> str | None:
        return None if value in allowed else f"{show(value)} is not one of: {', '.join(allowed)}"
    return check


def check_row(table: str, row: dict, columns: Plan) -> list[tuple[str, str]]:
    """Every problem with one row (an object), as (field, message); ``columns`` from ``plan``."""
    out: list[tuple[str, str]] = []
    if row.keys() != columns.name_set:
        out += [(n, "is missing") for n in columns.names if n not in row]
        out += [(show(x), "is not a field of this table") for x in sorted(set(row) - columns.name_set, key=str)]
    for name, quick, problem in columns.columns:
        if name in row:
            value = row[name]
            if quick is None:
                found = problem(value, row)
            else:
                try:
                    found = quick(value)
                except TypeError:  # a list or an object: not hashable, so not remembered
                    found = problem(value, row)
            if found:
                out.append((name, found))
    return out
