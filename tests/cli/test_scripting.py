"""For scripts: `--json` on list, due and report (the shapes the README documents), shell
completion through click, and unexpected errors logged with their traceback, shown in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import run

MONEY = ("value", "funded", "escrow", "paid", "pending", "available", "credit", "fee", "net")
LIST_KEYS = {"id", "title", "client", "my_side", "status", "archived", "currency", *MONEY,
             *(f"{m}_minor" for m in MONEY), "milestones", "milestones_released", "next_deadline", "attention",
             "unread", "change_request_pending", "refund_request_pending", "awaiting_review", "overdue"}
DEADLINE_KEYS = {"at", "at_local", "overdue", "countdown", "kind", "label", "contract_id", "contract", "milestone",
                 "due_date"}
STAGES = ("work_in_progress", "in_review", "pending", "available")


def as_json(*args):
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json_is_one_object_per_contract_with_the_lists_columns(demo_db):
    text = run("list", "--db", demo_db).output.splitlines()
    contracts = as_json("list", "--db", demo_db)
    assert len(contracts) == len(text) - 1  # one per row under the heading
    every = as_json("list", "--all", "--db", demo_db)
    assert len(every) > len(contracts) and {c["status"] for c in every} >= {"open", "ended"}
    for c in every:
        assert set(c) == LIST_KEYS
        for m in MONEY:
            assert isinstance(c[f"{m}_minor"], int) and not isinstance(c[f"{m}_minor"], bool)
            assert c[m].replace(".", "").lstrip("-").isdigit()
        if c["next_deadline"] is not None:
            assert set(c["next_deadline"]) == DEADLINE_KEYS and c["next_deadline"]["at"].endswith("Z")
        assert c["attention"] is None or c["attention"]
    assert [c["id"] for c in contracts] == [c["id"] for c in every if c["status"] == "open" and not c["archived"]]


def test_due_json_lists_the_same_deadlines_as_the_text(demo_db):
    items = as_json("due", "--db", demo_db)
    text = run("due", "--db", demo_db).output.splitlines()
    assert len(items) == len(text) > 3
    for d, line in zip(items, text, strict=True):
        assert set(d) == DEADLINE_KEYS
        # A due date reads as its calendar day; other deadlines as the UTC instant.
        when = f"{d['due_date']} end of day" if d["due_date"] else f"({d['at'][:16]}Z)"
        assert when in line and d["countdown"] in line and d["contract"] in line
    assert [d["at"] for d in items] == sorted(d["at"] for d in items)
    assert as_json("due", "--within", "1h", "--db", demo_db) == [d for d in items if d["overdue"]]


def test_report_json_has_the_stages_per_currency_and_per_contract(demo_db):
    doc = as_json("report", "--per-contract", "--db", demo_db)
    assert set(doc) == {"as_of", "currencies", "contracts", "paid_out"} and doc["as_of"] == "2026-03-10T12:00:00Z"
    # Money paid out where the user is the client: its own list, never in the earnings.
    assert [p["currency"] for p in doc["paid_out"]] == ["USD"] and doc["paid_out"][0]["in_escrow_minor"] > 0
    for row in doc["currencies"] + doc["contracts"]:
        for stage in STAGES:
            assert isinstance(row[f"{stage}_minor"], int)
    for total in doc["currencies"]:
        mine = [c for c in doc["contracts"] if c["currency"] == total["currency"]]
        for stage in STAGES:
            assert total[f"{stage}_minor"] == sum(c[f"{stage}_minor"] for c in mine)
    assert "contracts" not in as_json("report", "--db", demo_db)


def test_json_of_an_empty_database(tmp_path):
    from cairn.storage.db import Database

    Database.open(tmp_path / "new.db").close()
    assert as_json("list", "--db", tmp_path / "new.db") == []
    assert as_json("due", "--db", tmp_path / "new.db") == []
    assert as_json("report", "--db", tmp_path / "new.db")["currencies"] == []


def _cairn(env_extra: dict[str, str], *args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-c", "from cairn.entry import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=60, cwd=cwd)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_comes_from_click_and_touches_no_database(tmp_path, shell):
    result = _cairn({"_CAIRN_COMPLETE": f"{shell}_source"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "_CAIRN_COMPLETE" in result.stdout and result.stderr == ""
    data = tmp_path / "user-data"
    assert not data.exists() or not any(data.rglob("*.db")), "completion created a database"


def test_completion_answers_commands_and_options(tmp_path):
    def complete(words: str, cword: int) -> list[str]:
        result = _cairn({"_CAIRN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert complete("cairn rep", 1) == ["plain,replicate", "plain,report"]
    assert complete("cairn ba", 1) == ["plain,backup"]
    assert {"plain,list", "plain,config", "plain,backup", "plain,replicate"} <= set(complete("cairn ", 1))
    assert complete("cairn export --format ", 3) == ["plain,json", "plain,csv", "plain,ics"]
    assert "plain,--json" in complete("cairn due --", 2)


def test_an_unexpected_error_is_logged_with_its_traceback_and_shown_in_one_line(demo_db, tmp_path, monkeypatch):
    from importlib import import_module

    deadlines = import_module("cairn.storage.queries.deadlines")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(deadlines, "deadline_rows", broken)  # what 'cairn due' reads to print
    result = run("due", "--db", demo_db)
    log = tmp_path / "user-state" / "cairn" / "cairn.log"
    assert result.exit_code == 1
    assert result.output == f"cairn: something went wrong (ZeroDivisionError: a bug); the details are in {log}.\n"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: a bug" in text
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_debug_logs_at_debug_level(demo_db, tmp_path):
    log = tmp_path / "user-state" / "cairn" / "cairn.log"
    assert run("check", "--db", demo_db).exit_code == 0
    assert not log.exists()  # nothing to say: no file
    assert run("--debug", "check", "--db", demo_db).exit_code == 0
    assert "DEBUG cairn [" in log.read_text()


def test_the_log_is_rotated(tmp_path):
    import logging

    from cairn import log

    path = log.setup(path=tmp_path / "r.log")
    try:
        big = "x" * 10_000
        for _ in range(250):
            logging.getLogger("cairn").error(big)
        assert (tmp_path / "r.log").stat().st_size <= log.MAX_BYTES
        assert (tmp_path / "r.log.1").exists() and not (tmp_path / f"r.log.{log.BACKUPS + 1}").exists()
    finally:
        log.setup(path=tmp_path / "other.log")
    assert path == tmp_path / "r.log"
