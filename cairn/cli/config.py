"""``cairn config``: where the settings file is, and every setting in force with where it came from."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cairn.cli.common import State, db_path_of, echo
from cairn.cli.group import cli
from cairn.config import SETTINGS, Config


@cli.command("config")
@click.option("--keys", is_flag=True, help="List every binding id the [keymap] table can remap, with its keys.")
@click.pass_context
def config_(ctx: click.Context, keys: bool) -> None:
    """The config file's path and the settings in force (a file with a mistake: one line, exit 1)."""
    from cairn import log

    state = ctx.find_object(State)
    config = state.settings()  # a file Cairn cannot use stops here, in one line naming file, line and key
    config.check_theme()
    keymap = {}
    if config.keymap or keys:
        from cairn.tui.keymap import check

        keymap = check(config)
    status = "" if config.exists else " (not created yet: every setting has its default)"
    echo(f"Config file: {config.path}{status}")
    echo(f"Database:    {db_path_of(ctx, None)}  ({_database_source(state, config)})")
    echo(f"Log file:    {log.current_path()}")
    echo("")
    rows = [(s.name, _show(_value(config, s.name)), _source(config, s.name)) for s in SETTINGS]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for name, value, source in rows:
        echo(f"{name:<{width}}  {value:<{value_width}}  {source}")
    if keys:
        from cairn.tui.keymap import bindings

        echo("\n[keymap] binding ids (remapped ones marked *):")
        infos = bindings()
        width = max(len(b.id) for b in infos)
        for b in infos:
            now = keymap.get(b.id)
            shown = f"{now}  * (default {','.join(b.keys)})" if now else ",".join(b.keys)
            echo(f"  {b.id:<{width}}  {b.description:<34} {shown}")
    elif keymap:
        echo("\n[keymap]")
        width = max(len(k) for k in keymap)
        for binding_id, key in keymap.items():
            echo(f"  {binding_id:<{width}}  {key}  (line {config.lines.get('keymap.' + binding_id, '?')})")


def _value(config: Config, name: str) -> object:
    if name == "theme":
        env = os.environ.get("CAIRN_THEME")
        return env or config.theme or "textual-dark"
    return getattr(config, name)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "(none)"
    if isinstance(value, Path):
        return str(value)
    return str(value)


def _source(config: Config, name: str) -> str:
    if name == "theme" and os.environ.get("CAIRN_THEME"):
        return "from $CAIRN_THEME"
    if name in config.lines:
        return f"from the file, line {config.lines[name]}"
    return "default"


def _database_source(state: State, config: Config) -> str:
    if state.db_path:
        return "from --db"
    if os.environ.get("CAIRN_DB"):
        return "from $CAIRN_DB"
    if config.database is not None:
        return f"from the config file, line {config.lines.get('database', '?')}"
    return "default"
