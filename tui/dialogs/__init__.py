"""The board's dialogs: each runs its own storage call and dismisses with the new Board."""

from .answer_refund import AnswerRefundDialog
from .bonus import BonusDialog
from .confirm import ConfirmDialog
from .edit_contract import EditContractDialog
from .end_contract import EndContractDialog
from .form import FormDialog
from .message import MessageDialog
from .milestone_form import MilestoneForm
from .release import ReleaseDialog

__all__ = ["AnswerRefundDialog", "BonusDialog", "ConfirmDialog", "EditContractDialog", "EndContractDialog", "FormDialog", "MessageDialog",
           "MilestoneForm", "ReleaseDialog"]
