"""Every operation of the domain, in one import. Each is one transaction and returns the
new state (a ``Board``) or raises ``DomainError`` naming the rule; a refusal changes nothing."""

from cairn.storage.clock import Clock, FixedClock, SystemClock
from cairn.storage.db import Database
from cairn.storage.errors import Conflict, DomainError, NotFound, StorageError
from cairn.storage.models import EndReason, Side
from cairn.storage.operations.change_requests import (
    accept_change_request,
    decline_change_request,
    propose_changes,
    send_changes,
    withdraw_change_request,
)
from cairn.storage.operations.contracts import (
    MilestoneIn,
    archive_contract,
    create_contract,
    delete_contract,
    end_contract,
    leave_feedback,
    mark_events_read,
    plan_from_template,
)
from cairn.storage.operations.corrections import edit_contract, undo_last_action
from cairn.storage.operations.disputes import record_dispute, record_dispute_stage, settle_dispute
from cairn.storage.operations.payments import (
    Remainder,
    answer_refund_request,
    give_bonus,
    refund_escrow,
    release_payment,
    request_refund,
)
from cairn.storage.operations.plan import (
    discard_draft,
    draft_add,
    draft_delete,
    draft_edit,
    draft_move,
)
from cairn.storage.operations.profiles import add_profile, change_terms, edit_profile
from cairn.storage.operations.timer_pass import apply_timers
from cairn.storage.operations.timers import apply_due
from cairn.storage.operations.work import fund_next_milestone, request_changes, submit_work
from cairn.storage.queries.board import board
from cairn.storage.queries.deadlines import deadlines
from cairn.storage.queries.earnings import earnings
from cairn.storage.queries.profiles import profiles
from cairn.storage.queries.summaries import contract_summaries

__all__ = [
    "Clock", "FixedClock", "SystemClock", "Database", "Conflict", "DomainError", "NotFound", "StorageError",
    "EndReason", "Side", "Remainder", "MilestoneIn", "archive_contract", "create_contract", "delete_contract",
    "end_contract", "leave_feedback", "mark_events_read", "plan_from_template", "answer_refund_request",
    "give_bonus", "refund_escrow", "release_payment", "request_refund", "accept_change_request",
    "decline_change_request", "discard_draft", "draft_add", "draft_delete", "draft_edit", "draft_move",
    "propose_changes", "send_changes", "withdraw_change_request", "board", "contract_summaries", "deadlines",
    "earnings", "apply_due", "add_profile", "edit_profile", "change_terms", "profiles", "fund_next_milestone", "request_changes", "submit_work", "apply_timers",
    "undo_last_action", "edit_contract", "record_dispute", "record_dispute_stage", "settle_dispute",
]
