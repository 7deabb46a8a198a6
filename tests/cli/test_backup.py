"""`cairn backup`: a consistent copy, checked before it counts, kept N deep; `cairn replicate`:
the Litestream config for a folder, SFTP or S3 replica."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from cairn.storage import api
from cairn.storage.exchange.json_dump import export_json

from .conftest import run


def export(path) -> str:
    db = api.Database.open(path)
    try:
        return export_json(db)
    finally:
        db.close()


def test_backup_to_a_file_is_an_identical_checked_copy(demo_db, tmp_path):
    target = tmp_path / "copy.db"
    result = run("backup", "--db", demo_db, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up {demo_db} to {target} (") and "passes cairn check" in result.output
    assert export(target) == export(demo_db)
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert not list(tmp_path.glob(".copy.db*")), "the partial copy was left behind"
    again = run("backup", "--db", demo_db, "-o", target)
    assert again.exit_code == 1 and "already exists" in again.output and "never replaces" in again.output


def test_without_output_copies_go_to_the_data_directory_and_the_newest_n_are_kept(demo_db, tmp_path):
    (tmp_path / "user-config" / "cairn").mkdir(parents=True)
    (tmp_path / "user-config" / "cairn" / "config.toml").write_text("backups = 2\n")
    folder = tmp_path / "user-data" / "cairn" / "backups"
    for day in ("2026-03-10", "2026-03-11", "2026-03-12"):
        result = run("backup", "--db", demo_db, now=f"{day}T12:00:00Z")
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["demo-20260311T120000Z.db", "demo-20260312T120000Z.db"]
    assert "Removed 1 older backup (keeping the newest 2): demo-20260310T120000Z.db" in result.output
    same_second = run("backup", "--db", demo_db, now="2026-03-12T12:00:00Z")
    assert same_second.exit_code == 0 and (folder / "demo-20260312T120000Z-2.db").exists()
    (folder / "notes.txt").write_text("mine")  # not a backup: never removed
    run("backup", "--db", demo_db, now="2026-03-13T12:00:00Z")
    assert (folder / "notes.txt").exists()


def test_a_copy_that_fails_the_checks_is_not_kept(demo_db, tmp_path, monkeypatch):
    from cairn.storage.queries import check

    monkeypatch.setattr(check, "problems", lambda conn: ["P4: contract 1 does not balance."])
    target = tmp_path / "bad.db"
    result = run("backup", "--db", demo_db, "-o", target)
    assert result.exit_code == 1
    assert "fails cairn check, so it was not kept" in result.output and "P4: contract 1" in result.output
    assert not target.exists() and not list(tmp_path.glob(".bad.db*"))


def test_refuses_what_is_not_a_cairn_database(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("eggs")
    result = run("backup", "--db", text, "-o", tmp_path / "x.db")
    assert result.exit_code == 1 and "not a Cairn database" in result.output
    missing = run("backup", "--db", tmp_path / "none.db", "-o", tmp_path / "x.db")
    assert missing.exit_code == 1 and "no such database" in missing.output


def test_backups_while_another_connection_commits_are_consistent(tmp_path):
    """As with a dashboard open: each copy is one instant, passes the checks, and holds every
    bonus committed before the backup started."""
    path = tmp_path / "busy.db"
    db = api.Database.open(path)
    clock = api.SystemClock()
    cid = api.create_contract(db, title="Busy", client_name="Acme", my_side="client",
                              milestones=[api.MilestoneIn("M1", "50.00")], clock=clock).id
    committed: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            api.give_bonus(db, cid, amount=1, note=f"b{i}", clock=clock)
            committed.append(f"b{i}")
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for n in range(4):
            while len(committed) < 10 * (n + 1):  # wait for commits to have happened, not for time
                threading.Event().wait(0.01)
            before = list(committed)
            target = tmp_path / f"copy-{n}.db"
            assert run("backup", "--db", path, "-o", target).exit_code == 0
            notes = {r[0] for r in sqlite3.connect(target).execute("select note from ledger_entry where kind='bonus'")}
            assert set(before) <= notes
    finally:
        stop.set()
        thread.join()
        db.close()


@pytest.mark.parametrize(("replica", "extra", "lines"), [
    ("{tmp}/replica", [], ['      url: "file://{tmp}/replica"']),
    ("sftp://me@backup.example.com:2222/home/me/cairn", ["--key-path", "{tmp}/id_ed25519"],
     ['      url: "sftp://me@backup.example.com:2222/home/me/cairn"', '      key-path: "{tmp}/id_ed25519"']),
    ("s3://bucket/cairn", ["--endpoint", "https://s3.eu-central-003.backblazeb2.com", "--region", "eu-central-003"],
     ['      url: "s3://bucket/cairn"', '      endpoint: "https://s3.eu-central-003.backblazeb2.com"',
      '      region: "eu-central-003"']),
])
def test_replicate_writes_the_litestream_config(demo_db, tmp_path, replica, extra, lines):
    config = tmp_path / "ls.yml"
    args = [a.format(tmp=tmp_path) for a in [replica, *extra]]
    result = run("replicate", "--db", demo_db, *args, "-o", config)
    assert result.exit_code == 0, result.output
    text = config.read_text()
    assert f'  - path: "{demo_db}"\n    replica:\n' in text
    for line in lines:
        assert line.format(tmp=tmp_path) in text.splitlines()
    assert "SECRET" not in text.replace("LITESTREAM_SECRET_ACCESS_KEY", "")
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    assert f"restore -config {config} -o restored.db {demo_db}" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://host/x"], "is not a replica Litestream can write to"),
    (["sftp://host/x"], "needs a user, a host and a path"),
    (["s3://"], "needs a bucket"),
    (["/tmp/r", "--endpoint", "https://x"], "for s3:// replicas only"),
    (["s3://b/p", "--key-path", "k"], "for sftp:// replicas only"),
])
def test_replicate_refuses_what_litestream_cannot_use(demo_db, tmp_path, args, message):
    result = run("replicate", "--db", demo_db, *args, "-o", tmp_path / "ls.yml")
    assert result.exit_code in (1, 2) and message in result.output, result.output
    assert not (tmp_path / "ls.yml").exists()


def test_replicate_keeps_an_existing_config_unless_forced(demo_db, tmp_path):
    config = tmp_path / "ls.yml"
    config.write_text("mine\n")
    result = run("replicate", "--db", demo_db, tmp_path / "r", "-o", config)
    assert result.exit_code == 1 and "--force" in result.output and config.read_text() == "mine\n"
    assert run("replicate", "--db", demo_db, tmp_path / "r", "-o", config, "--force").exit_code == 0
    assert "dbs:" in config.read_text()
