"""The ``cairn`` command: the dashboard, and the demo, export, import, due, report and check
subcommands for scripts, one module each (``group`` holds the group and its options).

Every failure a user can cause (bad arguments, a missing, unreadable, locked or foreign file, a
refused import) ends in one clear line on stderr and a non-zero exit status, never a traceback:
``CairnGroup.main`` is the one boundary where errors become messages.
"""

# Each module registers its command.
from cairn.cli import (  # noqa: F401
    backup,
    check,
    config,
    demo,
    due,
    evidence,  # noqa: F401
    exchange,
    foresight,
    profiles,
    reconcile,
    replicate,
    report,
)
from cairn.cli import list as list_  # noqa: F401
from cairn.cli.due import countdown, parse_duration
from cairn.cli.group import cli


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="cairn")


__all__ = ["cli", "main", "parse_duration", "countdown"]
