"""The ``cairn`` group: global options, and the dashboard when no subcommand is given."""

from __future__ import annotations

from pathlib import Path

import click

from cairn.cli.common import CairnGroup, State, db_option, db_path_of
from cairn.storage.clock import Clock, FixedClock, SystemClock
from cairn.storage.db import Database


@click.group(cls=CairnGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE", help="Settings file (default: $CAIRN_CONFIG, else config.toml in the user "
              "config directory; see 'cairn config').")
@click.option("--no-mouse", is_flag=True, help="Run the dashboard without mouse support (useful over SSH).")
@click.option("--debug", is_flag=True, help="Also log at debug level to the log file (see 'cairn config').")
@click.option("--now", "now", default=None, hidden=True, help="Freeze the clock at this instant (for tests).")
@click.version_option(package_name="cairn-escrow", prog_name="cairn")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, config_path: Path | None, no_mouse: bool, debug: bool,
        now: str | None) -> None:
    """Cairn: fixed-price contracts, milestones and escrow, in your terminal.

    With no command, opens the dashboard on the database.
    """
    clock: Clock = SystemClock()
    if now:
        try:
            clock = FixedClock(now)
        except Exception:  # noqa: BLE001 - pendulum raises several kinds for bad text
            raise click.BadParameter(f"{now!r} is not an instant such as 2026-01-31T09:00:00Z.",
                                     param_hint="'--now'") from None
    from cairn import log
    from cairn.config import ConfigError, load

    log.setup(debug=debug)
    try:
        config, problem = load(config_path), None
    except ConfigError as e:  # 'cairn config' shows it; every other command stops on it
        config, problem = None, e
    ctx.obj = State(db_path, clock, config, problem)
    if ctx.invoked_subcommand is None:
        path = db_path_of(ctx, None)
        Database.open(path).close()  # a bad file is refused here, in one line, before the screen opens
        from cairn.tui.app import run

        run(path, mouse=not no_mouse, config=config)
