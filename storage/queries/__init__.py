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
"""

from cairn.storage.dates import due_instant
from cairn.storage.queries.board import (
    ActionView,
    Board,
    ContractInfo,
    EventView,
    MilestoneView,
    Money,
    ProfileInfo,
    RefundView,
    RequestView,
    board,
)
from cairn.storage.queries.deadlines import Deadline, deadlines
from cairn.storage.queries.earnings import Earnings, Payouts, earnings, payouts
from cairn.storage.queries.profiles import ProfileRow, profiles
from cairn.storage.queries.reading import instant
from cairn.storage.queries.summaries import ContractSummary, contract_summaries, contract_versions

__all__ = [
    "ActionView",
    "Board", "ContractInfo", "EventView", "MilestoneView", "Money", "ProfileInfo", "RefundView", "RequestView",
    "board", "ContractSummary", "Deadline", "Earnings", "contract_summaries", "contract_versions", "deadlines",
    "due_instant", "earnings", "instant", "Payouts", "payouts", "ProfileRow", "profiles",
]
