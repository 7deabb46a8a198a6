"""SIGKILL at random points during a long run: every acknowledged operation survives and
the ledger stays consistent."""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import pytest

from tests.field.helpers import acked, cairn_check, driver, recorded, seed_shared_contract

ROUNDS = 8


@pytest.mark.cost(14)
def test_sigkill_during_operations_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "crash.db"
    cid = seed_shared_contract(path, milestones=200)
    rng = random.Random(7)
    all_acks: dict[str, str] = {}
    for round_ in range(ROUNDS):
        proc = driver(path, cid, f"r{round_}", 100_000, seed=round_)
        lines: list[str] = []
        first = threading.Event()

        def read(proc=proc, lines=lines, first=first) -> None:
            for line in proc.stdout:
                lines.append(line)
                first.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert first.wait(60), "the driver never answered"
        time.sleep(rng.uniform(0.05, 1.5))  # then kill it at a random point mid-run
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        all_acks.update(acked("".join(lines)))
        notes, titles = recorded(path)
        bonus_tags = {t for t, op in all_acks.items() if op == "bonus"}
        assert bonus_tags <= set(notes), "an acknowledged bonus was lost"
        plan_tags = {t for t, op in all_acks.items() if op == "plan"}
        assert plan_tags <= set(titles), "an acknowledged plan change was lost"
        check = cairn_check(path)
        assert check.returncode == 0, f"round {round_}: {check.stdout}{check.stderr}"
    assert len(all_acks) > ROUNDS  # the kills really happened mid-run, after work was done
