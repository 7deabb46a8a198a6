"""Schema migrations with Alembic, applied automatically when a database is opened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cairn.storage.errors import StorageError
from cairn.storage.files import connect_raw

if TYPE_CHECKING:
    from cairn.storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision; checked against the scripts by a test, and lets an up-to-date
# database open without importing Alembic at all.
HEAD = "0009"
# Every revision this Cairn knows, oldest first (they are numbered in landing order); a database at
# any other is refused by files.admit before anything is written.
REVISIONS = tuple(f"{i:04d}" for i in range(1, int(HEAD) + 1))


def current_revision(path: Path) -> str | None:
    conn = connect_raw(path)
    try:
        row = conn.execute(
            "select name from sqlite_master where type='table' and name='alembic_version'"
        ).fetchone()
        if not row:
            tables = conn.execute("select count(*) from sqlite_master where type='table'").fetchone()[0]
            if tables:
                raise StorageError(f"{path} is an SQLite database but not a Cairn one; choose another file.")
            return None
        row = conn.execute("select version_num from alembic_version").fetchone()
        return row[0] if row else None
    except Exception as exc:  # noqa: BLE001 - any sqlite failure here means "not usable"
        if isinstance(exc, StorageError):
            raise
        raise StorageError(f"{path} cannot be read as a database ({exc}).") from None
    finally:
        conn.close()


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(db: Database, revision: str = "head", *, current: str | None = None) -> None:
    """Bring the schema to ``revision``; ``current`` is the revision already read, if it was."""
    if revision == "head" and (current or current_revision(db.path)) == HEAD:
        return
    from alembic import command

    with db.engine.connect() as connection:
        # Batch migrations copy tables; with foreign keys on, SQLite would run ON DELETE
        # actions and silently drop child rows, or refuse to drop the old table. The pragma
        # is a no-op inside a transaction, and SQLAlchemy begins one (BEGIN IMMEDIATE, see
        # db.make_engine) on the first statement, so set it on the driver connection first.
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            command.upgrade(alembic_config(connection), revision)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(f"{db.path}: upgrading the schema would break {len(broken)} links between "
                                   "rows; the database was left as it was.")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            # Back on before the connection returns to the pool (outside any transaction).
            raw.execute("PRAGMA foreign_keys=ON")
