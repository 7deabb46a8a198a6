"""The board's dialogs: each runs its own storage call and dismisses with the new Board."""

from .answer_refund import AnswerRefundDialog
from .bonus import BonusDialog
from .confirm import ConfirmDialog
from .dispute import DisputeDialog
from .edit_contract import EditContractDialog
from .end_contract import EndContractDialog
from .feedback import FeedbackDialog
from .form import FormDialog
from .message import MessageDialog
from .milestone_form import MilestoneForm
from .refund_request import RefundRequestDialog
from .release import ReleaseDialog

__all__ = ["AnswerRefundDialog", "BonusDialog", "ConfirmDialog", "DisputeDialog", "EditContractDialog",
           "EndContractDialog", "FeedbackDialog", "FormDialog", "MessageDialog", "MilestoneForm", "RefundRequestDialog",
           "ReleaseDialog"]
