"""The ``cairn`` console script.

Opening the dashboard is the common case and its start-up time is what a user feels, so
``cairn``, ``cairn --db PATH`` and ``cairn --no-mouse`` skip the command-line library and
go straight to the screen; everything else (subcommands, --help, --version, mistakes) is
parsed by ``cairn.cli``.
"""

from __future__ import annotations

import sys


def dashboard_args(argv: list[str]) -> tuple[str | None, bool] | None:
    """(db path, mouse) when ``argv`` only opens the dashboard, else None."""
    path: str | None = None
    mouse = True
    args = iter(argv)
    for arg in args:
        if arg == "--no-mouse" and mouse:
            mouse = False
        elif arg == "--db" and path is None:
            path = next(args, None)
            if not path or path.startswith("-"):
                return None
        elif arg.startswith("--db=") and path is None and len(arg) > 5:
            path = arg[5:]
        else:
            return None
    return path, mouse


def main() -> None:
    parsed = dashboard_args(sys.argv[1:])
    if parsed is None:
        from cairn.cli import main as cli_main

        cli_main()
        return
    path, mouse = parsed
    from cairn.storage.db import Database, resolve_path
    from cairn.storage.errors import StorageError

    try:
        db = Database.open(resolve_path(path))
    except StorageError as error:  # one clear line, as from every other command
        print(f"cairn: {error}", file=sys.stderr)
        sys.exit(1)
    from cairn.tui.app import CairnApp

    CairnApp(db).run(mouse=mouse)


if __name__ == "__main__":
    main()
