"""SIGKILL at random points during a long run: every acknowledged operation survives and
the ledger stays consistent."""

from __future__ import annotations

import os
import random
import signal
import time

from tests.field.helpers import acked, cairn_check, driver, recorded, seed_shared_contract

ROUNDS = 8


def test_sigkill_during_operations_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "crash.db"
    cid = seed_shared_contract(path, milestones=200)
    rng = random.Random(7)
    all_acks: dict[str, str] = {}
    for round_ in range(ROUNDS):
        proc = driver(path, cid, f"r{round_}", 100_000, seed=round_)
        time.sleep(rng.uniform(1.0, 3.0))  # start-up is about a second; then kill mid-run
        os.kill(proc.pid, signal.SIGKILL)
        out, _err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        all_acks.update(acked(out))
        notes, titles = recorded(path)
        bonus_tags = {t for t, op in all_acks.items() if op == "bonus"}
        assert bonus_tags <= set(notes), "an acknowledged bonus was lost"
        plan_tags = {t for t, op in all_acks.items() if op == "plan"}
        assert plan_tags <= set(titles), "an acknowledged plan change was lost"
        check = cairn_check(path)
        assert check.returncode == 0, f"round {round_}: {check.stdout}{check.stderr}"
    assert len(all_acks) > ROUNDS  # the kills really happened mid-run, after work was done
