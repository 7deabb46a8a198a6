"""Two processes, one database file: nothing lost, nothing applied twice, no "locked"."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.field.helpers import acked, cairn_check, driver, recorded, seed_shared_contract


@pytest.mark.cost(18)
def test_1000_interleaved_operations_from_two_processes(tmp_path):
    path = tmp_path / "shared.db"
    cid = seed_shared_contract(path)
    procs = [driver(path, cid, "a", 500, seed=1), driver(path, cid, "b", 500, seed=2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert "locked" not in err and "Traceback" not in err
        assert len(out.splitlines()) == 500  # every operation answered: ACK or REFUSED
    acks = {**acked(outputs[0][0]), **acked(outputs[1][0])}
    notes, titles = recorded(path)
    bonus_tags = {t for t, op in acks.items() if op == "bonus"}
    assert set(notes) == bonus_tags  # nothing lost, nothing invented
    assert all(n == 1 for n in Counter(notes).values())  # nothing applied twice
    plan_tags = {t for t, op in acks.items() if op == "plan"}
    assert plan_tags <= set(titles)
    assert all(n == 1 for n in Counter(titles).values())
    check = cairn_check(path)
    assert check.returncode == 0, check.stdout + check.stderr
