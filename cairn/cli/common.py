"""What every subcommand shares: the error boundary, exit statuses, the --db option and opening
the database. ``CairnGroup.main`` is the one place where errors become one-line messages."""

from __future__ import annotations

import gc
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from cairn.config import Config, ConfigError, database_path
from cairn.storage.clock import Clock
from cairn.storage.db import Database
from cairn.storage.errors import DomainError, StorageError
from cairn.storage.text import printable

EXIT_PROBLEMS = 1  # check found problems, import refused, a file could not be used
EXIT_USAGE = 2  # click's own status for bad arguments


class CliError(click.ClickException):
    """A refusal worded for the user; shown as one line."""


class CairnGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # noqa: D102
        try:
            rv = super().main(args, prog_name or "cairn", complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            path = e.ctx.command_path if e.ctx else "cairn"
            fail(f"{e.format_message().rstrip('.')}; see '{path} --help'.", e.exit_code)
        except click.ClickException as e:
            fail(e.format_message(), e.exit_code)
        except (StorageError, DomainError, ConfigError) as e:
            fail(str(e), EXIT_PROBLEMS)
        except sqlite3.DatabaseError as e:
            from cairn.storage.files import damaged

            fail(str(damaged(OPENED[-1], e)) if OPENED else f"the database cannot be used ({e}).", EXIT_PROBLEMS)
        except BrokenPipeError:
            # The reader went away (cairn export | head): stop quietly.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            sys.exit(EXIT_PROBLEMS)
        except OSError as e:
            where = f"{e.filename}: " if e.filename else ""
            fail(f"{where}{e.strerror or e}.", EXIT_PROBLEMS)
        except (click.Abort, KeyboardInterrupt, EOFError):
            fail("interrupted.", 130)
        except Exception as e:  # noqa: BLE001 - a bug: the traceback to the log file, one line here
            from cairn import log

            logging.getLogger("cairn").exception("cairn %s failed", " ".join(args or sys.argv[1:]))
            fail(f"something went wrong ({type(e).__name__}: {e}); the details are in {log.current_path()}.",
                 EXIT_PROBLEMS)
        sys.exit(rv if isinstance(rv, int) else 0)


def echo(message: object = "", *, err: bool = False) -> None:
    """Print a line for a person: every control character in it shown (titles, names and paths are
    the user's data, and an ESC or OSC sequence in one must never reach the terminal as one)."""
    click.echo(printable(message), err=err)


def echo_lines(lines) -> None:
    """Many lines for a person, each shown as ``echo`` would show it, written at once (a line
    at a time through click costs 30 µs each: most of ``cairn due`` on 10,000 contracts). Nearly
    always every line is printable as it is: asked once of all of them together."""
    lines = list(lines)
    if "".join(lines).isprintable():
        text = "\n".join(lines)
    else:
        text = "\n".join(printable(line, newlines=False) for line in lines)
    if text:
        # color=True: printable() left no escape sequence for click to strip from a file or
        # pipe, and the regex it would run over the whole text costs as much as the check.
        click.echo(text, color=True)


@contextmanager
def no_collector_passes() -> Iterator[None]:
    """For a command that reads, prints and ends (due, report): no garbage-collector passes. What
    it makes (25,000 deadlines at 10,000 contracts) holds no reference cycles and is freed as it
    goes out of use, and the passes, each scanning everything made so far, were a tenth of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fail(message: str, code: int) -> None:
    echo(f"cairn: {message}", err=True)
    sys.exit(code)


@dataclass
class State:
    db_path: Path | None
    clock: Clock
    config: Config | None = None
    config_problem: ConfigError | None = None

    def settings(self) -> Config:
        """The config in force; a config Cairn cannot use stops the command here, in one line."""
        if self.config_problem is not None:
            raise self.config_problem
        assert self.config is not None
        return self.config


def db_option(f):
    return click.option("--db", "db_path", type=click.Path(path_type=Path), default=None, metavar="PATH",
                        help="Database file (default: $CAIRN_DB, else the user data directory).")(f)


def db_path_of(ctx: click.Context, db_path: Path | None) -> Path:
    """The database: this command's --db, the group's --db, $CAIRN_DB, the config, the default."""
    state = ctx.find_object(State)
    return database_path(db_path or state.db_path, state.settings())


# The databases this command opened: a damaged one is named when SQLite gives up reading it.
OPENED: list[Path] = []


def open_database(path: Path) -> Database:
    OPENED.append(path)
    return Database.open(path)


def read_input(file: Path, what: str, *, limit: int = -1) -> bytes:
    """A file the user named, or - for standard input; a folder, a missing file or anything that is
    not a regular file (a device, a pipe: never read without end) refused in one line."""
    if str(file) == "-":
        return sys.stdin.buffer.read(limit)
    with input_file(file, what).open("rb") as f:
        return f.read(limit)


def input_file(file: Path, what: str) -> Path:
    """``read_input``'s file, refused as it refuses, to be read a piece at a time."""
    import stat

    if file.is_dir():
        raise CliError(f"{file} is a folder, not {what}.")
    if not file.exists():
        raise CliError(f"{file}: no such file.")
    if not stat.S_ISREG(file.stat().st_mode):
        raise CliError(f"{file} is not a regular file; give {what}, or - to read standard input.")
    return file


def open_existing(path: Path) -> Database:
    from cairn.storage.files import admit
    from cairn.storage.migrate import REVISIONS

    admit(path, revisions=REVISIONS)  # a path Cairn refuses says why, rather than "no such database"
    if not path.exists():
        raise CliError(f"{path}: no such database; create one with 'cairn demo --db {path}' or open the dashboard.")
    return open_database(path)
