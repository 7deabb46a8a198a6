"""``cairn backup``: a consistent copy of the database, checked before it counts.

``VACUUM INTO`` reads the database inside one read transaction, so the copy is the state of one
instant even while a dashboard commits (WAL: writers are not blocked, the copy sees none of their
later commits). It goes to a hidden file beside the target, is checked with everything
``cairn check`` checks, made durable, and only then renamed into place: a copy that exists is a
copy that passed. Without a target, copies go to ``backups/`` in the user data directory and the
oldest beyond the configured number are removed.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cairn.storage.errors import StorageError
from cairn.storage.files import APP_NAME, admit, connect_raw, make_folders


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    totals: dict[str, int]
    removed: tuple[Path, ...] = ()


class BackupFailed(StorageError):
    """The copy did not pass the checks; it was not kept. ``problems`` lists what was wrong."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def backups_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "backups"


def default_target(source: Path, now: datetime, folder: Path | None = None) -> Path:
    """``<folder>/<database name>-<UTC time>.db``; the name sorts by time."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return (folder or backups_folder()) / f"{source.stem}-{stamp}.db"


def backup(source: Path, target: Path) -> Backup:
    """Copy ``source`` to ``target`` (which must not exist), checked and durable."""
    from cairn.storage.migrate import REVISIONS
    from cairn.storage.queries import check

    admit(source, revisions=REVISIONS)
    if not source.is_file():
        raise StorageError(f"{source}: no such database; nothing to back up.")
    if target.exists():
        raise StorageError(f"{target} already exists; choose another name or move it away first "
                           "(a backup never replaces a file).")
    if target.resolve() == source.resolve():
        raise StorageError(f"{target} is the database itself; choose another file.")
    make_folders(target.parent)  # owner-only, as the data directory
    partial = target.with_name(f".{target.name}.partial")
    with suppress(FileNotFoundError):
        partial.unlink()
    try:
        with closing(connect_raw(source, readonly=True)) as conn:
            conn.execute("VACUUM INTO ?", (str(partial),))
        os.chmod(partial, 0o600)  # the records are private, as the database is
        with closing(connect_raw(partial, readonly=True)) as copy:
            problems = check.problems(copy)
            totals = check.totals(copy) if not problems else {}
        if problems:
            raise BackupFailed(f"the copy of {source} fails cairn check, so it was not kept; run "
                               f"'cairn check --db {source}'.", problems)
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
        _fsync_folder(target.parent)
    except sqlite3.Error as exc:
        raise StorageError(f"{source}: cannot be copied ({exc}).") from None
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
    return Backup(target, target.stat().st_size, totals)


def rotate(folder: Path, stem: str, keep: int) -> tuple[Path, ...]:
    """Remove the oldest ``<stem>-<time>.db`` copies in ``folder`` beyond the newest ``keep``."""
    pattern = re.compile(rf"{re.escape(stem)}-\d{{8}}T\d{{6}}Z(-\d+)?\.db")
    copies = sorted(p for p in folder.glob(f"{stem}-*.db") if pattern.fullmatch(p.name))
    old = tuple(copies[:-keep]) if keep > 0 else tuple(copies)
    for path in old:
        path.unlink()
    return old


def _fsync_folder(folder: Path) -> None:
    with suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
