"""The parts of the milestone board: plan table, money, deadlines, activity, acting-as, diff."""

from .acting_as import ActingAs
from .activity import ActivityFeed
from .deadlines import DeadlinesPanel
from .diff_view import DiffView, diff_text
from .milestone_detail import MilestoneDetail
from .money_panel import MoneyPanel
from .plan_table import PlanTable

__all__ = ["ActingAs", "ActivityFeed", "DeadlinesPanel", "DiffView", "MilestoneDetail", "MoneyPanel", "PlanTable", "diff_text"]
