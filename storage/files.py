"""The database file itself: where it lives, whether it may be opened, how it is created, and a
plain ``sqlite3`` connection to it with Cairn's pragmas. Below ``db`` and ``migrate``, which both
use it; imports neither the ORM nor pendulum.

A file is a Cairn database only if it says so: SQLite's ``application_id`` in its header, set
when Cairn creates it (databases made before that are recognised by their exact schema). Anything
else (another program's SQLite file, a device, a pipe, a folder that a sync tool manages, a
network file system) is refused in one line by ``admit`` before any write, pragma or side file.
Every connection opens the file through ``uri``, so a name with ``?``, ``#`` or ``%`` is one file.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
from collections.abc import Iterable
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from cairn.storage.errors import StorageError

BUSY_TIMEOUT_MS = 10_000
APP_NAME = "cairn"
APPLICATION_ID = 0x43414952  # "CAIR", in the SQLite header at offset 68
HEADER = b"SQLite format 3\x00"
MOUNTINFO = Path("/proc/self/mountinfo")
SYNC_ADVICE = ("syncing a live SQLite file loses data. Keep the database on a local disk (--db or CAIRN_DB) "
               "and copy it to another machine with Litestream replication (see README).")

# The schema of each revision made before Cairn set application_id, as ``schema_fingerprint`` gives
# it (a test rebuilds each from its migration). Later revisions are always stamped.
LEGACY_SCHEMAS = {
    "0001": "2cb246699ba65cec379f03ee0b4a70a8",
    "0002": "27db91a9e00f37da5c87d6b4ac662e91",
    "0003": "27db91a9e00f37da5c87d6b4ac662e91",  # (0003 added an index only)
}


# --- where ------------------------------------------------------------------------------------
def default_path() -> Path:
    env = os.environ.get("CAIRN_DB")
    if env:
        return _expand(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "cairn.db"


def resolve_path(path: str | os.PathLike | None) -> Path:
    return _expand(path) if path else default_path()


def _expand(path: str | os.PathLike) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError:  # "~nosuchuser/x.db"
        user = str(path)[1:].split("/", 1)[0]
        raise StorageError(f"{path}: there is no user {user!r} to find the folder of; give the path in full.") \
            from None


def uri(path: Path, **params: str) -> str:
    """The SQLite URI of ``path``: every character of the name quoted, so ``?``, ``#`` and ``%``
    are part of the file name for every connection (reads and writes alike)."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(os.path.abspath(path), safe='/')}" + (f"?{query}" if query else "")


# --- what is there ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """What ``inspect`` found at a path: ``kind`` is "new" (nothing there, an empty file or an empty
    SQLite database), "cairn" (says so, or has a known schema of Cairn's) or "foreign"."""

    kind: str
    application_id: int = 0
    revision: str | None = None
    why: str = ""


def inspect(path: Path) -> Found:
    """Read the header (and, for files from before application_id, the schema) without changing
    anything: no lock, no pragma, no side file."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except FileNotFoundError:
        return Found("new")
    if not header:
        return Found("new")
    if len(header) < 100 or not header.startswith(HEADER):
        return Found("foreign", why="not an SQLite file")
    app_id = int.from_bytes(header[68:72], "big")
    user_version = int.from_bytes(header[60:64], "big")
    if app_id not in (0, APPLICATION_ID):
        return Found("foreign", app_id, why=f"another program's SQLite file (application id {app_id:#x})")
    try:
        with closing(_peek(path)) as conn:
            objects = conn.execute("select count(*) from sqlite_master").fetchone()[0]
            revision = _revision(conn)
            if app_id == APPLICATION_ID:
                return Found("cairn", app_id, revision)
            if user_version:
                return Found("foreign", app_id, why=f"another program's SQLite file (user version {user_version})")
            if not objects:
                return Found("new", app_id)
            known = LEGACY_SCHEMAS.get(revision or "")
            if known is not None and schema_fingerprint(conn) == known:
                return Found("cairn", app_id, revision)
            return Found("foreign", app_id, revision, why="an SQLite database of another program")
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None


def _peek(path: Path) -> sqlite3.Connection:
    # immutable: no locks and no -wal/-shm created; a live write-ahead log is read through (mode=ro).
    live_wal = Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 0
    return sqlite3.connect(uri(path, mode="ro") if live_wal else uri(path, mode="ro", immutable="1"), uri=True,
                           timeout=BUSY_TIMEOUT_MS / 1000)


def _revision(conn: sqlite3.Connection) -> str | None:
    if not conn.execute("select 1 from sqlite_master where type = 'table' and name = 'alembic_version'").fetchone():
        return None
    rows = conn.execute("select version_num from alembic_version").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else ""


def schema_fingerprint(conn: sqlite3.Connection) -> str:
    """Every table with its columns and their types, as one digest: Cairn's schema, or not."""
    parts = []
    for (name,) in conn.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
                                "order by name"):
        cols = conn.execute(f"select name, type, \"notnull\", pk from pragma_table_info('{name}') order by cid")
        parts.append(name + "(" + ",".join(f"{c}:{t.upper()}:{n}:{p}" for c, t, n, p in cols) + ")")
    parts += [f"{t}:{n}" for t, n in conn.execute(
        "select type, name from sqlite_master where type in ('view', 'trigger') order by name")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def damaged(path: Path, exc: Exception) -> StorageError:
    """One line for a file SQLite cannot read as a database, the same from every command."""
    return StorageError(f"{path} is damaged ({exc}); see what with 'cairn check --db {path}', and restore "
                        "it from a backup.")


# --- may it be opened -----------------------------------------------------------------------------
def admit(path: Path, *, revisions: tuple[str, ...]) -> Found:
    """Refuse, in one line and before anything is written, a path Cairn must not open; else what is there.

    ``revisions`` are the schema revisions this Cairn knows (its migrations), oldest first.
    """
    name = os.fsencode(path.name)
    if len(name) > 255:
        raise StorageError(f"{str(path)[:60]}…: the file name is {len(name):,} bytes long; the limit is 255, "
                           "so choose a shorter one.")
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise StorageError(f"{path}: cannot be opened ({exc.strerror}).") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise StorageError(f"{path} is a folder, not a database file; give a file path with --db.")
        if not stat.S_ISREG(st.st_mode):
            what = "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else \
                "a pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "special"
            raise StorageError(f"{path} is not a regular file ({what}); give a database file path with --db.")
        if not os.access(path, os.R_OK):
            raise StorageError(f"{path} is not readable by you; check its permissions.")
    synced = sync_reason(path)
    if synced:
        raise StorageError(f"{path} is {synced}: {SYNC_ADVICE}")
    found = inspect(path) if st is not None else Found("new")
    if found.kind == "foreign":
        raise StorageError(f"{path} is not a Cairn database ({found.why}); Cairn leaves it as it is, so choose "
                           "another file.")
    if found.kind == "cairn" and found.revision not in revisions:
        rev = found.revision
        if rev is None or rev == "":
            raise StorageError(f"{path} has no schema revision recorded: made by a newer Cairn or damaged; "
                               "upgrade Cairn, or restore it from a backup. It was left as it is.")
        if re.fullmatch(r"[0-9]{4}", rev) and rev > revisions[-1]:
            raise StorageError(f"{path} was made by a newer Cairn (revision {rev}); upgrade Cairn to open it. "
                               "It was left as it is.")
        raise StorageError(f"{path} has schema revision {rev!r}, which no Cairn made; restore it from a backup. "
                           "It was left as it is.")
    return found


def sync_reason(path: Path) -> str | None:
    """Why ``path`` is in a folder that a file-sync tool manages or on a network file system, or None."""
    folder = Path(os.path.abspath(path)).parent
    for part in folder.parts:
        if part in ("Dropbox", "iCloud Drive", "Mobile Documents") or part == "OneDrive" or \
                part.startswith("OneDrive - ") or part.startswith("Dropbox ("):
            return f"in a folder that {part.split(' ')[0].replace('Mobile', 'iCloud')} synchronises"
    for d in (folder, *folder.parents):
        for marker in (".stfolder", ".stversions"):
            with suppress(OSError):
                if (d / marker).exists():
                    return f"in a folder that Syncthing synchronises ({d / marker})"
        if (d / ".dropbox").exists() or (d / ".dropbox.cache").exists():
            return f"in a folder that Dropbox synchronises ({d})"
    fstype = _fstype(folder)
    if fstype and _NETWORK.fullmatch(fstype):
        return f"on a network file system ({fstype})"
    return None


_NETWORK = re.compile(r"nfs4?|cifs|smb[23]?|smbfs|ncpfs|afs|9p|ceph|glusterfs|lustre|gpfs|beegfs|davfs|"
                      r"fuse\.(sshfs|rclone|s3fs|gcsfuse|davfs2?|glusterfs|cephfs|onedriver|ocamlfuse|dropbox)")


def _fstype(folder: Path) -> str | None:
    """The file system type of the nearest existing ancestor of ``folder`` (Linux; None elsewhere)."""
    try:
        lines = MOUNTINFO.read_text().splitlines()
    except OSError:
        return None
    best, fstype = "", None
    target = os.path.abspath(folder)
    for line in lines:
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        mount = fields[4].replace("\\040", " ")
        if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) >= len(best):
            best, fstype = mount, right.split()[0]
    return fstype


# --- creating and connecting ---------------------------------------------------------------------
def create_private(path: Path) -> None:
    """Create the file (and its folders) readable and writable by its owner only."""
    make_folders(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if not side.exists():
            with suppress(OSError):
                os.close(os.open(side, os.O_CREAT | os.O_WRONLY | os.O_EXCL | os.O_NOFOLLOW, 0o600))


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents, owner-only (0700)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for d in reversed(missing):
        with suppress(FileExistsError):
            os.mkdir(d, 0o700)
        os.chmod(d, 0o700)  # whatever the umask: nothing Cairn keeps is for other users


# --- files Cairn writes besides the database (exports) ----------------------------------------------
def output_target(path: Path) -> Path:
    """Where an export named ``path`` lands: a symlink the user named is followed on purpose (the
    link stays); a folder, a device, a pipe or a missing folder is refused before anything is read."""
    real = Path(os.path.realpath(_expand(path)))
    try:
        st = real.stat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise StorageError(f"{path} is a folder; give a file name with -o.")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise StorageError(f"{path} is not a regular file (a device or a pipe), and Cairn never replaces one; "
                           "give a file name with -o, or - for standard output.")
    if not real.parent.is_dir():
        raise StorageError(f"{path}: the folder {real.parent} does not exist; create it first.")
    return real


def write_private(path: Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or pieces of it as they are made) to ``path`` whole or not at all,
    readable by its owner only: into a temporary file of a random name created exclusively (no
    planted file or link is followed), then renamed."""
    import tempfile

    real = output_target(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)  # O_EXCL, 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in [data] if isinstance(data, bytes) else data:
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, real)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return real


def stamp(path: Path) -> None:
    """Write Cairn's application_id into the header: from now on the file says it is Cairn's."""
    with closing(connect_raw(path)) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def connect_raw(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection with Cairn's pragmas (fast to import, no ORM)."""
    try:
        conn = sqlite3.connect(uri(path, mode="ro") if readonly else uri(path), uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: cannot open the database ({exc}).") from None
    return conn
