"""The database file itself: where it lives, whether it may be opened, how it is created, and a
plain ``sqlite3`` connection to it with Cairn's pragmas. Below ``db`` and ``migrate``, which both
use it; imports neither the ORM nor pendulum."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path

from cairn.storage.errors import StorageError

BUSY_TIMEOUT_MS = 10_000
APP_NAME = "cairn"


def default_path() -> Path:
    env = os.environ.get("CAIRN_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "cairn.db"


def resolve_path(path: str | os.PathLike | None) -> Path:
    return Path(path).expanduser() if path else default_path()


def create_private(path: Path) -> None:
    """Create the file readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if not side.exists():
            with suppress(OSError):
                os.close(os.open(side, os.O_CREAT | os.O_WRONLY, 0o600))


def connect_raw(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection with Cairn's pragmas (fast to import, no ORM)."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: cannot open the database ({exc}).") from None
    return conn


def check_file(path: Path) -> None:
    """Refuse files that are not SQLite databases, with one clear line."""
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a database file; give a file path with --db.")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StorageError(f"{path} is not readable by you; check its permissions.")
        if path.stat().st_size:
            with open(path, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise StorageError(f"{path} is not a Cairn database (not an SQLite file).")
