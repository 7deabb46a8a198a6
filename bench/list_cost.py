"""The full contract list's build beside its floor, in one process of its own:

- floor: the list's summary SQL alone (``summaries_statement``, executed and fetched);
- build: what the dashboard's worker does for the full list (``contract_list.loading.load``: every
  contract's row, the earnings report, the columns' widths and the rows of the default view),
  ready to hand to the table.

Run interleaved (floor, build, floor, build ...) after one warm-up of each, so both find the
same page cache. Prints the seconds of each run as JSON: ``{"sql": [...], "build": [...]}``.

    python bench/list_cost.py DB [RUNS]
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    from cairn.storage.clock import SystemClock
    from cairn.storage.db import Database
    from cairn.storage.queries import summaries
    from cairn.storage.queries.reading import instant
    from cairn.tui.widgets.contract_list import View
    from cairn.tui.widgets.contract_list.loading import load

    db = Database.open(path)
    clock = SystemClock()

    def sql() -> None:
        statement, params = summaries.summaries_statement(instant(clock), include_ended=True,
                                                          include_archived=True)
        db.reader().execute(statement, params).fetchall()

    def build() -> None:
        loaded = load(db, clock=clock, view=View())
        assert loaded.rows and loaded.earnings is not None and loaded.shown

    out: dict[str, list[float]] = {"sql": [], "build": []}
    for i in range(runs + 1):
        for name, fn in (("sql", sql), ("build", build)):
            started = time.perf_counter()
            fn()
            if i:  # the first round warms the page cache
                out[name].append(time.perf_counter() - started)
    db.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
