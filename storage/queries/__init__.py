"""Reading: every query the dashboard and the command line ask, on plain ``sqlite3`` (no ORM, no
pendulum), so the first screen is drawn before either loads. Reads never write; timers are applied
by the operations (``cairn.storage.operations.timers``).

- ``summaries``: the contract list's rows and their versions; ``earnings``: the earnings report (P8)
  and the payouts; ``deadlines``: the deadlines (G3); ``reading``: what every query shares.
- ``board``: one contract's board.
- ``history``: one contract's journal, in words (the History screen).
- ``foresight``: the cash-flow forecast and the work at risk; ``clients``: each client's habits.
- ``profiles``: the platform profiles (P9); ``fees``: each payment's fee and net, derived.
- ``check``: the integrity check and every ledger invariant (``cairn check``, import).

Each query is imported from its own module (``from cairn.storage.queries.deadlines import
deadlines``). This package imports nothing: ``cairn due`` then loads the deadlines' reads alone,
not the board's dataclasses and the diff (about 25 ms it never used).
"""
