"""Domain errors: every refusal names the rule it enforces and says what to do instead."""

from __future__ import annotations


class DomainError(Exception):
    """An operation was refused. Nothing was changed.

    ``rule`` is the rule id from the domain rulebook (M6, P1, ...), ``message`` says
    what happened and what to do instead; ``str(error)`` is ``"M6: ..."``.
    """

    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        self.rule = rule
        self.message = message
        self.field = field
        super().__init__(f"{rule}: {message}")


class NotFound(DomainError):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__("DB", f"{what} {ident} does not exist; it may have been deleted.")


class Conflict(DomainError):
    """Another session changed the same thing first."""

    def __init__(self, message: str) -> None:
        super().__init__("DB", message)


class StorageError(Exception):
    """The database file cannot be used (unreadable, locked, not a Cairn database)."""
