"""A process that runs a long, seeded sequence of operations on a shared database and
prints ``ACK <tag>`` after each one is committed. Used by the two-session and crash tests.

    python -m tests.field.driver --db PATH --contract ID --worker W --ops N [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys

from cairn.storage import api


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--contract", type=int, required=True)
    ap.add_argument("--worker", required=True)
    ap.add_argument("--ops", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    db = api.Database.open(args.db)
    clock = api.SystemClock()
    cid = args.contract
    for i in range(args.ops):
        tag = f"{args.worker}-{i}"
        op = rng.choice(["bonus", "bonus", "fund", "submit", "release", "plan"])
        try:
            if op == "bonus":
                api.give_bonus(db, cid, amount=1, note=tag, clock=clock)
            elif op == "fund":
                b = api.fund_next_milestone(db, cid, clock=clock)
            elif op == "submit":
                api.submit_work(db, cid, message=tag, clock=clock)
            elif op == "release":
                b = api.board(db, cid, clock)
                held = b.locked.held_minor if b.locked else 0
                amount = rng.randint(1, held) if held else None
                api.release_payment(db, cid, amount=amount, remainder="refund", clock=clock)
            else:
                api.draft_add(db, cid, side="client", title=tag, amount="10.00", clock=clock)
                api.send_changes(db, cid, clock=clock)
        except api.DomainError as e:
            print(f"REFUSED {tag} {op} {e.rule}", flush=True)
            continue
        print(f"ACK {tag} {op}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
