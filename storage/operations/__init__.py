"""Writing: every operation of the domain, one transaction each (``transaction.operation``).

The import graph is a tree: ``unit`` (loading, ledger, events) is below ``escrow`` (moving
escrow, shared), which is below ``timers``, ``transaction`` and the operations themselves:
``contracts``, ``work``, ``payments``, ``plan`` and ``change_requests``. ``timer_pass`` looks in
plain SQL first and loads ``timers`` (and the ORM) only when a timer is due. ``cairn.storage.api``
re-exports them all.
"""
