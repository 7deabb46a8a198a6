"""Terminal output is data too (issue 10): titles and names with escape sequences (an imported or
older database may hold them) never reach the terminal, a spreadsheet or a calendar as controls."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

from .conftest import run

HOSTILE_TITLE = "\x1b]0;pwned\x07\x1b[2J\x9b31m=cmd|'/c calc'!A1\r\n"
HOSTILE_CLIENT = "@SUM(1+1)\x1b[8m\x7f\u202e"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]")  # anything a terminal would act on (not \n, \t)


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for v in items for s in strings(v)]


@pytest.fixture
def hostile_db(demo_db):
    conn = sqlite3.connect(demo_db)
    conn.execute("update contract set title = ?, client_name = ?", (HOSTILE_TITLE, HOSTILE_CLIENT))
    conn.execute("update milestone set title = ?", (HOSTILE_TITLE,))
    conn.commit()
    conn.close()
    return demo_db


@pytest.mark.parametrize("command", [["due"], ["report", "--per-contract"], ["list", "--all"],
                                     ["due", "--json"], ["list", "--json"], ["report", "--json", "--per-contract"]],
                         ids=" ".join)
def test_the_cli_prints_user_text_with_every_control_shown(hostile_db, command):
    result = run(*command, "--db", hostile_db)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.output), repr(RAW.search(result.output))
    if "--json" in command:
        assert any(HOSTILE_TITLE in v for v in strings(json.loads(result.output)))  # the data itself, exactly
    else:
        assert "\\x1b]0;pwned\\x07" in result.output


def test_csv_cells_are_data_not_formulas_or_controls(hostile_db):
    result = run("export", "--db", hostile_db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and not RAW.search(result.stdout)
    for row in rows:
        for name in ("contract_title", "client_name", "milestone_title"):
            assert not row[name].startswith(("=", "+", "-", "@")), (name, row[name])
        assert row["client_name"].startswith("'@SUM")


def test_ics_text_is_data(hostile_db):
    result = run("export", "--db", hostile_db, "--format", "ics")
    assert result.exit_code == 0
    assert not RAW.search(result.stdout.replace("\r\n", "\n"))
    assert "\\\\x1b]0\\;pwned" in result.stdout or "\\x1b]0\\;pwned" in result.stdout


def test_error_lines_show_controls_in_paths(tmp_path):
    path = tmp_path / "evil\x1b]0;x\x07.txt"
    path.write_text("not a database")
    result = run("check", "--db", path)
    assert result.exit_code == 1 and "\\x1b]0;x\\x07" in result.output and "\x1b" not in result.output
