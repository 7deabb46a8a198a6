"""``--json`` output, the same conventions for every command: UTC instants as ISO text ending in
``Z`` (and the local time with its offset where people read one), money as exact integer minor
units (``*_minor``) beside the same amount as a decimal string, UTF-8, one document on stdout."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from cairn.storage.money import plain_amount
from cairn.storage.text import printable_json


def instant(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone().isoformat(timespec="seconds")


def amounts(currency: str, **minor: int) -> dict[str, object]:
    """``value=430000`` -> ``{"value": "4300.00", "value_minor": 430000}``."""
    out: dict[str, object] = {}
    for name, value in minor.items():
        out[name] = plain_amount(value, currency)
        out[f"{name}_minor"] = value
    return out


def deadline(d, now: datetime) -> dict[str, object]:
    from cairn.cli.due import countdown

    return {"at": instant(d.at), "at_local": local(d.at), "overdue": d.at <= now,
            "countdown": countdown(d.at, now), "kind": d.kind, "label": d.label,
            "contract_id": d.contract_id, "contract": d.contract_title, "milestone": d.milestone_title,
            # A due date's calendar day (it falls due at the end of that day, local time); else null.
            "due_date": d.day.isoformat() if d.day is not None else None}


def echo(document: object) -> None:
    # UTF-8 kept readable, but no character a terminal would act on (C1 controls such as CSI).
    click.echo(printable_json(json.dumps(document, ensure_ascii=False, indent=2)))
