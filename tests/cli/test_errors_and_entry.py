"""Bad arguments and unusable files: one clear line, a non-zero exit, never a traceback.
Also the dashboard entry (no subcommand), ``--help`` everywhere, and the installed command."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

import cairn.storage.files

from .conftest import run

COMMANDS = [["check"], ["report"], ["due"], ["export"], ["export", "--format", "csv"], ["demo"]]


@pytest.fixture
def bad_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("groceries: eggs, milk\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    foreign = tmp_path / "other.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("create table photos (id integer primary key, path text)")
    conn.commit()
    conn.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    return {"text": (text, "not a Cairn database"), "folder": (folder, "is a folder"),
            "foreign": (foreign, "not a Cairn database"), "garbage": (garbage, "")}


def _one_line(result) -> str:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("cairn: ")
    return result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("kind", ["text", "folder", "foreign", "garbage"])
def test_unusable_files_give_one_line(bad_files, kind, command):
    path, expected = bad_files[kind]
    before = path.read_bytes() if path.is_file() else None
    out = _one_line(run(*command, "--db", path))
    assert expected in out
    if before is not None:
        assert path.read_bytes() == before  # never touched, not even by --force


def test_demo_force_never_replaces_a_foreign_file(bad_files):
    path, _ = bad_files["foreign"]
    before = path.read_bytes()
    _one_line(run("demo", "--db", path, "--force"))
    assert path.read_bytes() == before


def test_dashboard_refuses_a_bad_file_before_opening(bad_files, monkeypatch):
    import cairn.tui.app

    monkeypatch.setattr(cairn.tui.app, "run", lambda *a, **k: pytest.fail("the dashboard should not open"))
    path, expected = bad_files["text"]
    assert expected in _one_line(run("--db", path))


def test_import_of_bad_files_gives_one_line(tmp_path, bad_files):
    folder, _ = bad_files["folder"]
    assert "is a directory" in _one_line(run("import", folder, "--db", tmp_path / "x.db"))
    assert "no such file" in _one_line(run("import", tmp_path / "missing.json", "--db", tmp_path / "x.db"))
    text, _ = bad_files["text"]
    assert "not JSON" in run("import", text, "--db", tmp_path / "x.db").stderr
    assert not (tmp_path / "x.db").exists()


def test_unreadable_file_gives_one_line(demo_db):
    import os

    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    demo_db.chmod(0)
    try:
        assert "not readable" in _one_line(run("check", "--db", demo_db))
    finally:
        demo_db.chmod(0o600)


def test_locked_database_gives_one_line(demo_db, monkeypatch):
    monkeypatch.setattr(cairn.storage.files, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(demo_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        out = _one_line(run("demo", "--db", demo_db, "--force"))
        assert "busy" in out or "locked" in out
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("args, expected", [
    (["bogus"], "No such command 'bogus'"),
    (["export", "--format", "xml"], "'xml' is not one of"),
    (["demo", "--contracts", "-3"], "--contracts"),
    (["demo", "--seed", "abc"], "'abc' is not a valid integer"),
    (["report", "--unknown"], "No such option"),
    (["--now", "someday", "due"], "--now"),
])
def test_bad_arguments_give_one_line(tmp_path, args, expected):
    result = run(*args, now=None) if args[0] == "--now" else run(*args, "--db", tmp_path / "x.db")
    out = _one_line(result)
    assert result.exit_code == 2
    assert expected in out and "--help" in out


@pytest.mark.parametrize("command", [[], ["demo"], ["export"], ["import"], ["due"], ["report"], ["check"]])
def test_help_on_every_command(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: cairn")


def test_dashboard_opens_with_the_resolved_path_and_mouse_flag(tmp_path, monkeypatch):
    import cairn.tui.app

    calls = []
    monkeypatch.setattr(cairn.tui.app, "run", lambda path, *, mouse=True, **kw: calls.append((path, mouse)))
    monkeypatch.setenv("CAIRN_DB", str(tmp_path / "env.db"))
    assert run("--no-mouse").exit_code == 0
    assert run("--db", tmp_path / "flag.db").exit_code == 0
    assert calls == [(tmp_path / "env.db", False), (tmp_path / "flag.db", True)]


def test_cairn_db_environment_variable_is_used(demo_db, monkeypatch):
    monkeypatch.setenv("CAIRN_DB", str(demo_db))
    result = run("check")
    assert result.exit_code == 0 and str(demo_db) in result.output


def test_installed_command_and_python_m(tmp_path):
    db = tmp_path / "sub.db"
    demo = subprocess.run([sys.executable, "-m", "cairn", "demo", "--db", str(db)], capture_output=True, text=True,
                          timeout=120)
    assert demo.returncode == 0, demo.stderr
    check = subprocess.run([sys.executable, "-m", "cairn", "--db", str(db), "check"], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0 and check.stdout.startswith("OK ")
    bad = subprocess.run([sys.executable, "-m", "cairn", "--db", str(tmp_path), "report"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_readme_and_ci_run_use_the_same_test_command():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    ci = (root / ".ci" / "run").read_text()
    command = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.MULTILINE).group(1)
    blocks = re.findall(r"```sh\n(.+?)\n```", (root / "README.md").read_text(), re.DOTALL)
    assert command in blocks
    assert "pytest" in command and "[test]" in command
    assert (root / ".ci" / "run").stat().st_mode & 0o111
