"""Hostile files and paths (issue 10): a file is a Cairn database only if it says so; anything else
is refused in one line before any write, pragma or side file; paths with ?, # or % are one file."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cairn.storage import files, migrate
from cairn.storage.db import Database
from cairn.storage.errors import StorageError

from .conftest import run

COMMANDS = [["check"], ["report"], ["due"], ["export"], ["list"], ["demo"]]


def one_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and result.output.count("\n") == 1, result.output
    assert result.output.startswith("cairn: ")
    return result.output


def device(tmp_path: Path) -> Path:
    """A character device of our own (the null device, 1:3) to aim at: never the real /dev/null, which
    a broken export would replace for every process on the machine."""
    node = tmp_path / "null-device"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    return node


def side_files(path: Path) -> list[str]:
    return [s for s in ("-wal", "-shm", "-journal") if os.path.lexists(f"{path}{s}")]


def sqlite_file(path: Path, *sql: str) -> Path:
    conn = sqlite3.connect(path)
    for s in sql:
        conn.execute(s)
    conn.commit()
    conn.close()
    return path


FOREIGN = {
    "alembic": ("create table alembic_version (version_num varchar(32) not null primary key)",
                "insert into alembic_version values ('ae1027a6acf')",
                "create table users (id integer primary key, name text)"),
    "views": ("create view v as select 1 as x",),
    "application_id": ("pragma application_id = 1234", "create table t (x)"),
    "application_id_empty": ("pragma application_id = 1234",),
    "user_version": ("pragma user_version = 7",),
    "cairn_lookalike": ("create table alembic_version (version_num varchar(32) not null primary key)",
                        "insert into alembic_version values ('0003')", "create table contract (id integer)"),
}


@pytest.mark.parametrize("kind", sorted(FOREIGN))
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_another_programs_sqlite_file_is_refused_and_never_changed(tmp_path, kind, command):
    path = sqlite_file(tmp_path / "other.db", *FOREIGN[kind])
    before = path.read_bytes()
    out = one_line(run(*command, "--db", path, "--force") if command == ["demo"] else run(*command, "--db", path))
    assert "not a Cairn database" in out, out
    assert path.read_bytes() == before and not side_files(path)


def test_a_new_database_says_it_is_cairns(tmp_path):
    db = Database.open(tmp_path / "new.db")
    db.close()
    with open(tmp_path / "new.db", "rb") as fh:
        header = fh.read(100)
    assert int.from_bytes(header[68:72], "big") == files.APPLICATION_ID
    assert files.inspect(tmp_path / "new.db").kind == "cairn"


def test_an_empty_sqlite_file_or_an_empty_file_becomes_a_cairn_database(tmp_path):
    empty_sqlite = sqlite_file(tmp_path / "blank.db", "vacuum")
    (tmp_path / "touched.db").touch()
    for path in (empty_sqlite, tmp_path / "touched.db"):
        assert run("demo", "--db", path).exit_code == 0
        assert run("check", "--db", path).exit_code == 0


@pytest.mark.parametrize("revision", ["0001", "0002", "0003"])  # the revisions made before application_id
def test_a_cairn_database_made_before_application_id_is_recognised_by_its_schema(tmp_path, revision):
    path = tmp_path / "old.db"
    db = Database.open(path, migrate=False)
    migrate.upgrade(db, revision)
    db.close()
    sqlite_file(path, "pragma application_id = 0")
    assert files.inspect(path).kind == "cairn"
    result = run("demo", "--db", path)
    assert result.exit_code == 0, result.output
    assert files.inspect(path).application_id == files.APPLICATION_ID  # stamped once upgraded


def test_every_known_schema_fingerprint_matches_its_migration(tmp_path):
    for revision in migrate.REVISIONS[: len(files.LEGACY_SCHEMAS)]:
        path = tmp_path / f"{revision}.db"
        db = Database.open(path, migrate=False)
        migrate.upgrade(db, revision)
        db.close()
        conn = sqlite3.connect(path)
        try:
            assert files.schema_fingerprint(conn) == files.LEGACY_SCHEMAS[revision], revision
        finally:
            conn.close()


@pytest.mark.parametrize(("version", "said"), [("0099", "made by a newer Cairn (revision 0099); upgrade Cairn"),
                                               ("zz9", "revision 'zz9'"), (None, "no schema revision")])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_newer_or_unknown_revision_is_refused_in_one_line(demo_db, command, version, said):
    conn = sqlite3.connect(demo_db)
    conn.execute("delete from alembic_version")
    if version:
        conn.execute("insert into alembic_version values (?)", (version,))
    conn.commit()
    conn.close()
    before = demo_db.read_bytes()
    out = one_line(run(*command, "--db", demo_db, "--force") if command == ["demo"] else
                   run(*command, "--db", demo_db))
    assert said in out, out
    assert demo_db.read_bytes() == before


@pytest.mark.parametrize("name", ["what?.db", "a#b.db", "100%.db", "sp ace%20x.db", "q?mode=ro.db", "x?a#b%2F.db"])
def test_paths_with_uri_characters_are_one_file_for_reads_and_writes(tmp_path, name):
    path = tmp_path / name
    assert run("demo", "--db", path).exit_code == 0
    assert run("check", "--db", path).exit_code == 0
    out = run("list", "--db", path)
    assert out.exit_code == 0 and "Website" in out.output or out.output
    present = {p.name for p in tmp_path.iterdir()}
    assert name in present and present <= {name, f"{name}-wal", f"{name}-shm"}, present


def test_dev_null_proc_files_fifos_and_long_names_are_refused_without_side_files(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    null = device(tmp_path)
    cases = {
        null: "not a regular file",
        Path("/proc/self/status"): "not a Cairn database",
        fifo: "not a regular file",
        tmp_path / ("x" * 256 + ".db"): "255",
    }
    for path, said in cases.items():
        for command in (["check"], ["demo"], ["report"]):
            out = one_line(run(*command, "--db", path))
            assert said in out, (path, out)
        if path.parent == tmp_path:
            assert not side_files(path)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    monkeypatch.setenv("CAIRN_DB", "~nosuchuser/x.db")
    out = one_line(run("check"))
    assert "nosuchuser" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null-device", "pipe.db"]


def test_the_dashboard_entry_refuses_the_same_way(tmp_path, capsys, monkeypatch):
    from cairn import entry

    path = sqlite_file(tmp_path / "other.db", *FOREIGN["alembic"])
    monkeypatch.setattr("sys.argv", ["cairn", "--db", str(path)])
    with pytest.raises(SystemExit) as info:
        entry.main()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("cairn: ") and "not a Cairn database" in err and err.count("\n") == 1


def _malformed(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(2 * page, min(len(data), 6 * page)):
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    for s in ("-wal", "-shm"):
        Path(f"{path}{s}").unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("command", [["check"], ["report"], ["due"], ["export"], ["export", "--format", "csv"],
                                     ["export", "--format", "ics"], ["list"], ["demo", "--force"]], ids=" ".join)
def test_a_malformed_database_is_reported_the_same_way_by_every_command(tmp_path, command):
    path = tmp_path / "demo.db"
    assert run("demo", "--db", path, "--contracts", "20").exit_code == 0
    conn = sqlite3.connect(path)
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    _malformed(path)
    result = run(*command, "--db", path)
    out = result.output
    assert result.exit_code == 1 and "Traceback" not in out, out
    assert f"cairn: {path} is damaged" in out, out
    assert "cairn check" in out or command == ["check"]


def test_the_data_directory_is_created_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("CAIRN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    path = files.default_path()
    assert path.parent == tmp_path / "share" / "cairn"
    Database.open(path).close()
    for folder in (tmp_path / "share", tmp_path / "share" / "cairn"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    db = Database.open(path)  # (its side files exist while it is open)
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    db.close()


# --- export -o ---------------------------------------------------------------------------------
def test_export_never_replaces_a_device_or_a_fifo(demo_db, tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    null = device(tmp_path)
    for target in (null, fifo):
        out = one_line(run("export", "--db", demo_db, "-o", target))
        assert "not a regular file" in out
    assert stat.S_ISCHR(null.stat().st_mode) and stat.S_ISFIFO(fifo.stat().st_mode)


def test_export_writes_through_a_symlink_it_was_given_and_plants_no_predictable_temp_file(demo_db, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    trap_target = tmp_path / "victim"
    trap_target.write_text("keep")
    (tmp_path / "real.json.part").symlink_to(trap_target)  # a planted temp-file name
    assert run("export", "--db", demo_db, "-o", link).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("{")
    assert trap_target.read_text() == "keep"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("real.json", "link.json", "victim",
                                                                        "real.json.part", "demo.db", "demo.db-wal",
                                                                        "demo.db-shm")]
    assert leftovers == []


def test_export_dash_or_no_output_writes_to_stdout(demo_db):
    for args in ((), ("-o", "-")):
        result = run("export", "--db", demo_db, *args)
        assert result.exit_code == 0 and result.stdout.startswith("{")


def test_export_into_a_missing_folder_is_one_line(demo_db, tmp_path):
    out = one_line(run("export", "--db", demo_db, "-o", tmp_path / "nowhere" / "x.json"))
    assert "nowhere" in out


# --- folders synced by another tool, network file systems (issue 8 §4) -------------------------------
@pytest.mark.parametrize("marker", [".stfolder", ".stversions"])
def test_a_syncthing_folder_is_refused_with_litestream_named(tmp_path, marker):
    (tmp_path / "Sync").mkdir()
    (tmp_path / "Sync" / marker).mkdir()
    path = tmp_path / "Sync" / "deep" / "cairn.db"
    out = one_line(run("demo", "--db", path))
    assert "Syncthing" in out and "Litestream replication (see README)" in out
    assert not path.exists() and not (tmp_path / "Sync" / "deep").exists()


@pytest.mark.parametrize("folder", ["Dropbox", "OneDrive", "OneDrive - Acme Ltd", "iCloud Drive",
                                    "Library/Mobile Documents/com~apple~CloudDocs"])
def test_sync_service_folders_are_refused(tmp_path, folder):
    path = tmp_path / folder / "cairn.db"
    out = one_line(run("check", "--db", path))
    assert "Litestream replication (see README)" in out


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "fuse.rclone", "9p", "afs"])
def test_a_network_file_system_is_refused(tmp_path, monkeypatch, fstype):
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"40 22 0:50 / {tmp_path}/net rw,relatime shared:30 - {fstype} server:/export rw,vers=4.2\n")
    monkeypatch.setattr(files, "MOUNTINFO", mountinfo)
    with pytest.raises(StorageError) as info:
        Database.open(tmp_path / "net" / "x" / "cairn.db")
    assert fstype.split(".")[-1] in str(info.value) and "Litestream replication (see README)" in str(info.value)
    Database.open(tmp_path / "local.db").close()  # ext4: fine


def test_a_far_date_an_older_cairn_kept_breaks_no_command(demo_db):
    """Issue 10: a due date of 9999-12-31 gave tracebacks from cairn due and the ICS export."""
    conn = sqlite3.connect(demo_db)
    conn.execute("update milestone set due_date = '9999-12-31' where state = 'future'")
    conn.commit()
    conn.close()
    for command in (["due"], ["list"], ["report", "--per-contract"], ["export", "--format", "ics"],
                    ["export", "--format", "csv"], ["due", "--json"]):
        result = run(*command, "--db", demo_db)
        assert result.exit_code == 0 and "Traceback" not in result.output, (command, result.output[-300:])
    result = run("check", "--db", demo_db)
    assert result.exit_code == 1 and "outside the dates Cairn keeps" in result.output
