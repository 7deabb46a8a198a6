"""The ``cairn`` console script.

Opening the dashboard is the common case and its start-up time is what a user feels, so
``cairn`` with only ``--db PATH``, ``--config PATH``, ``--no-mouse`` and ``--debug`` skips the
command-line library and goes straight to the screen; everything else (subcommands, --help,
--version, mistakes, and shell completion, which click answers from ``_CAIRN_COMPLETE``) is parsed
by ``cairn.cli``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

COMPLETE_VAR = "_CAIRN_COMPLETE"  # click's name for it: _{PROG}_COMPLETE


@dataclass(frozen=True)
class DashboardArgs:
    db: str | None = None
    mouse: bool = True
    config: str | None = None
    debug: bool = False


def dashboard_args(argv: list[str]) -> DashboardArgs | None:
    """The options when ``argv`` only opens the dashboard, else None (click parses it)."""
    values: dict[str, object] = {}
    args = iter(argv)
    for arg in args:
        name, eq, inline = arg.partition("=")
        if arg in ("--no-mouse", "--debug") and arg not in values:
            values[arg] = True
        elif name in ("--db", "--config") and name not in values:
            value = inline if eq else next(args, None)
            if not value or (not eq and value.startswith("-")):
                return None
            values[name] = value
        else:
            return None
    return DashboardArgs(db=values.get("--db"), mouse="--no-mouse" not in values,  # type: ignore[arg-type]
                         config=values.get("--config"), debug="--debug" in values)  # type: ignore[arg-type]


def main() -> None:
    parsed = None if COMPLETE_VAR in os.environ else dashboard_args(sys.argv[1:])
    if parsed is None:
        from cairn.cli import main as cli_main

        cli_main()
        return
    from cairn import early_keys

    early_keys.hold_keys_raw()  # before the imports: keys typed meanwhile reach the screen as typed
    try:
        _dashboard(parsed)
    finally:
        early_keys.restore()


def _dashboard(parsed: DashboardArgs) -> None:
    from cairn import log

    log.setup(debug=parsed.debug)
    from cairn.config import ConfigError, database_path, load
    from cairn.storage.errors import StorageError

    try:
        config = load(parsed.config)
        from cairn.tui.app import make_app

        app = make_app(database_path(parsed.db, config), config=config)
    except (ConfigError, StorageError) as refusal:  # one clear line, as from every other command
        print(f"cairn: {refusal}", file=sys.stderr)
        sys.exit(1)
    app.run(mouse=parsed.mouse and config.mouse)
    sys.exit(app.return_code or 0)  # 1 when the dashboard stopped on an error

if __name__ == "__main__":
    main()
