"""Everything a user can read about the record, for "undo gives back exactly what was there":
the list, every board (plan, money, deadlines, requests), the report, the deadlines, the CSV,
ICS and JSON exports and ``cairn check``. The journal is left out (it keeps the action and its
undo, R5), and so are change counters (versions only move forward)."""

from __future__ import annotations

import json
from dataclasses import replace

from cairn.storage import api
from cairn.storage.exchange.csv_export import export_csv
from cairn.storage.exchange.ics_export import export_ics
from cairn.storage.exchange.json_dump import export_json
from cairn.storage.queries import check

JOURNAL = ("event", "action", "action_change")


def record(db, clock) -> dict:
    out: dict = {}
    summaries = api.contract_summaries(db, clock, include_archived=True)
    out["list"] = [s._replace(version=0) for s in summaries]
    out["boards"] = {}
    for s in summaries:
        for side in ("client", "freelancer"):
            b = api.board(db, s.id, clock, side=side)
            out["boards"][(s.id, side)] = replace(b, contract=replace(b.contract, version=0), events=[],
                                                  last_action=None)
    out["earnings"] = api.earnings(db, clock), api.earnings(db, clock, per_contract=True)
    out["deadlines"] = api.deadlines(db, clock)
    out["csv"] = export_csv(db)
    out["ics"] = export_ics(db, clock)
    out["check"] = check.problems(db)
    tables = json.loads(export_json(db))["tables"]
    for name in JOURNAL:
        tables.pop(name)
    for row in tables["contract"]:
        row["version"] = 0
    out["json"] = tables
    return out


def differences(before: dict, after: dict) -> list[str]:
    """What changed, by query, for a readable assertion message."""
    found = []
    for key in before:
        if before[key] != after[key]:
            if isinstance(before[key], dict):
                for k in set(before[key]) | set(after[key]):
                    if before[key].get(k) != after[key].get(k):
                        found.append(f"{key}[{k}]: {before[key].get(k)!r}\n  != {after[key].get(k)!r}")
            else:
                found.append(f"{key}: {before[key]!r}\n  != {after[key]!r}")
    return found
