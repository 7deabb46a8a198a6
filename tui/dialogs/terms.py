"""A contract's terms: move it to a profile's current numbers, or give it a fee rule of its own
(P9); set, change or clear its revision cap (M10)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from cairn.tui.widgets.common.text_input import TextInput
from cairn.tui.worker import call_storage

from .form import FormDialog, field


class TermsDialog(FormDialog):
    TITLE_TEXT = "Contract terms"
    OK_LABEL = "Save"

    def __init__(self, operation, contract_id: int, *, profile, revision_cap: int | None = None,
                 hourly: bool = False, **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro="Moving takes the profile's numbers as they are now; "
                         "deadlines already running and money already pending keep their dates. Fees are "
                         "worked out from the rule, so a corrected rule corrects every fee shown.", **fixed)
        self.profile = profile  # the contract's ProfileInfo
        self.revision_cap = revision_cap
        self.hourly = hourly  # no milestones, so no revision rounds to cap
        self.profiles: dict[str, Any] = {}

    def compose_fields(self) -> ComposeResult:
        p = self.profile
        yield field("profile", "Profile", Select([(p.name, p.name)], value=p.name, allow_blank=False,
                                                 id="profile", compact=True))
        yield field("review_days", "Review days (1-30, this contract's)",
                    TextInput("" if p.review_days is None else str(p.review_days), id="review_days"))
        yield field("fee_rule", "Fee: none, 10%, or tiers 20% to 500.00; 10% to 10,000.00; 5%",
                    TextInput(p.fee.shown() if p.fee.kind == "tiers" else p.fee_rule, id="fee_rule"))
        yield field("revision_cap", "Revision cap: rounds of changes per milestone (1-99; empty: none)",
                    TextInput(self._cap_shown(), id="revision_cap", placeholder="none"))

    def _cap_shown(self) -> str:
        return "" if self.revision_cap is None else str(self.revision_cap)

    def on_mount(self) -> None:
        from cairn.storage.queries.profiles import profiles

        self.query_one("#field-review_days").display = self.profile.review_per_contract
        self.query_one("#field-revision_cap").display = not self.hourly
        self.query_one("#fee_rule", Input).focus()
        call_storage(self, profiles, with_clock=False, done=self._show_profiles, group="terms-profiles")

    def _show_profiles(self, rows) -> None:
        self.profiles = {p.name: p for p in rows}
        select = self.query_one("#profile", Select)
        current = select.value
        select.set_options([(p.name, p.name) for p in rows])
        if current in self.profiles:
            select.value = current

    def on_select_changed(self, event: Select.Changed) -> None:
        p = self.profiles.get(str(event.value))
        if p is not None:
            self.query_one("#field-review_days").display = p.review_per_contract

    def values(self) -> dict[str, Any]:
        chosen = self.query_one("#profile", Select).value
        fee = self.query_one("#fee_rule", Input).value.strip()
        review = self.query_one("#review_days", Input).value.strip()
        shown = self.profile.fee.shown() if self.profile.fee.kind == "tiers" else self.profile.fee_rule
        out: dict[str, Any] = {
            "profile": chosen if chosen != self.profile.name else None,
            "fee_rule": fee if fee != shown else None,
            "review_days": None,
        }
        if self.query_one("#field-review_days").display and review != str(self.profile.review_days or ""):
            out["review_days"] = review or None
        cap = self.query_one("#revision_cap", Input).value.strip()
        if not self.hourly and cap != self._cap_shown():
            out["revision_cap"] = cap  # empty clears the cap
        if out["profile"] is not None and out["fee_rule"] is None:
            out["fee_rule"] = None  # moving takes the profile's fee rule
        return out
