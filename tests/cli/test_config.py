"""The config file: read with tomllib, every mistake one line naming file, line and key; the
keymap checked before the dashboard starts; `cairn config` shows what is in force."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cairn.config import Config, ConfigError, load, parse, save_setting
from cairn.entry import DashboardArgs, dashboard_args

from .conftest import run


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "cairn.toml"
    monkeypatch.setenv("CAIRN_CONFIG", str(path))
    return path


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("cairn: "), result.output
    return result.output


def test_without_a_file_every_setting_has_its_default(tmp_path):
    result = run("config")
    assert result.exit_code == 0, result.output
    path = tmp_path / "user-config" / "cairn" / "config.toml"  # platformdirs, under XDG_CONFIG_HOME
    assert f"Config file: {path} (not created yet" in result.output
    for line in ("mouse         true", "cursor_blink  false", "profile       Marketplace", "backups       7"):
        assert line in result.output
    assert str(tmp_path / "user-state" / "cairn" / "cairn.log") in result.output


def test_settings_in_force_say_where_they_come_from(config_file, tmp_path, monkeypatch):
    config_file.write_text('# mine\ntheme = "nord"\nmouse = false\ndatabase = "books/cairn.db"\n')
    result = run("config")
    assert result.exit_code == 0, result.output
    assert "theme         nord" in result.output and "from the file, line 2" in result.output
    assert f"Database:    {tmp_path / 'books' / 'cairn.db'}  (from the config file, line 4)" in result.output
    monkeypatch.setenv("CAIRN_THEME", "ansi")
    assert "from $CAIRN_THEME" in run("config").output


@pytest.mark.parametrize(("text", "expected"), [
    ('mouse = "yes"\n', "line 1, key 'mouse': must be true or false, not \"yes\""),
    ('\n\nbackups = "7"\n', "line 3, key 'backups': must be a whole number"),
    ("backups = 0\n", "line 1, key 'backups': must be from 1 to 1000"),
    ('theme = "nord"\nmouse = \n', "line 2, key 'mouse': not valid TOML"),
    ("[keymap\n", "line 1"),
    ('colour = "red"\n', "line 1: unknown setting 'colour'; the settings are theme, database"),
    ('profile = " "\n', "line 1, key 'profile': must be a profile's name"),
    ('theme = "no-such"\n', "line 1, key 'theme': no theme is named 'no-such'"),
    ("keymap = 3\n", "key 'keymap': must be a table"),
    ('[keymap]\nboard.fnd = "F"\n', "line 2, key 'keymap.board.fnd': no binding has this id (did you mean board.fund"),
    ('[keymap]\n"board.fund" = "r"\n', "key 'keymap.board.fund': 'r' is already 'board.release' (Release payment) "
                                      "on the board screen"),
    ('[keymap]\nboard.fund = "?"\n', "'?' is already 'help' (Help) on every screen"),
    ('[keymap]\nboard.fund = "down"\n', "'↓' is already moving the cursor"),
    ('[keymap]\nboard.fund = "ctrl+banana"\n', "'ctrl+banana' is not a key name"),
    ('[keymap]\nboard.fund = 3\n', "must be a key such as"),
])
def test_a_mistake_is_one_line_with_file_line_and_key(config_file, text, expected):
    config_file.write_text(text)
    # Every command stops on the file; the theme and the keymap are checked where Textual runs
    # (the dashboard, and `cairn config`), so `report` and `due` stay light.
    textual_only = "theme" in text or "keymap]" in text
    for command in (["config"],) if textual_only else (["config"], ["report"], ["list"]):
        out = one_line_error(run(*command))
        assert out.startswith(f"cairn: {config_file}"), out
        assert expected in out, out


def test_a_named_file_that_does_not_exist_is_refused(tmp_path):
    out = one_line_error(run("--config", tmp_path / "nope.toml", "config"))
    assert "no such config file" in out


def test_not_utf8_is_refused(config_file):
    config_file.write_bytes(b"theme = \"\xff\"\n")
    assert "not UTF-8" in one_line_error(run("config"))


def test_keymap_accepts_lists_nested_tables_and_swaps(config_file):
    config_file.write_text('[keymap]\n"board.fund" = ["F", "ctrl+f"]\n[keymap.board]\nrelease = "f"\n'
                           'submit_work = "r"\n')
    result = run("config")
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert ["board.fund", "F,ctrl+f", "(line", "2)"] in lines and ["board.release", "f", "(line", "4)"] in lines
    # Two bindings that share a key by design (w: act as client / act as freelancer) move together.
    config_file.write_text('[keymap]\nboard.act_as_client = "z"\nboard.act_as_freelancer = "z"\n')
    assert run("config").exit_code == 0


def test_keys_lists_every_binding_id():
    out = run("config", "--keys").output
    for binding_id in ("board.fund", "board.release", "new_contract", "help", "request.accept"):
        assert f"  {binding_id} " in out


def test_config_database_is_used_and_db_flags_win(config_file, tmp_path, monkeypatch):
    config_file.write_text("# nothing yet\n")
    demo = tmp_path / "demo.db"
    assert run("demo", "--db", demo).exit_code == 0
    config_file.write_text(f'database = "{demo}"\n')
    assert str(demo) in run("check").output
    other = tmp_path / "other.db"
    assert run("demo", "--db", other).exit_code == 0
    monkeypatch.setenv("CAIRN_DB", str(other))
    assert str(other) in run("check").output


def test_relative_database_is_relative_to_the_file(tmp_path):
    config = parse('database = "sub/c.db"\n', tmp_path / "etc" / "c.toml")
    assert config.database == tmp_path / "etc" / "sub" / "c.db"
    assert parse('database = "~/c.db"\n', tmp_path / "c.toml").database == \
        load.__globals__["Path"]("~/c.db").expanduser()


def test_writing_keeps_the_users_comments(tmp_path):
    path = tmp_path / "c.toml"
    text = '# my settings\nmouse = false  # quiet over SSH\n\n[keymap]\n# capital F: fewer accidents\nboard.fund = "F"\n'
    path.write_text(text)
    save_setting(path, "theme", "nord")
    out = path.read_text()
    assert out.startswith('# my settings\nmouse = false  # quiet over SSH\ntheme = "nord"\n')
    assert out.endswith(text[text.index("\n[keymap]"):])
    assert load(path).theme == "nord" and load(path).keymap == {"board.fund": "F"}
    fresh = tmp_path / "new" / "c.toml"
    save_setting(fresh, "theme", "gruvbox")
    assert load(fresh).theme == "gruvbox" and fresh.read_text().startswith("# Cairn's settings")


def test_config_error_names_line_of_nested_keymap_key(tmp_path):
    with pytest.raises(ConfigError, match=r"line 3, key 'keymap.board.fund'"):
        parse('[keymap]\n[keymap.board]\nfund = 3\n', tmp_path / "c.toml")


def test_fast_path_parses_only_dashboard_options():
    assert dashboard_args([]) == DashboardArgs()
    assert dashboard_args(["--db", "x.db", "--config=c.toml", "--no-mouse", "--debug"]) == \
        DashboardArgs(db="x.db", mouse=False, config="c.toml", debug=True)
    for argv in (["report"], ["--db"], ["--db", "--no-mouse"], ["--debug", "--debug"], ["--help"]):
        assert dashboard_args(argv) is None


def test_dashboard_refuses_a_bad_config_in_one_line_before_opening(tmp_path):
    """The fast path (no click): a config mistake is one line and exit 1; no database is created."""
    config = tmp_path / "c.toml"
    config.write_text('[keymap]\nboard.fund = "r"\n')
    env = {**os.environ, "CAIRN_CONFIG": str(config)}
    db = tmp_path / "never.db"
    result = subprocess.run([sys.executable, "-c", "from cairn.entry import main; main()", "--db", str(db)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "'r' is already 'board.release'" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not db.exists()


def test_defaults_match_the_documented_settings():
    from cairn.config import SETTINGS

    defaults = Config(path=load.__globals__["Path"]("x"))
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default or setting.name == "database"
