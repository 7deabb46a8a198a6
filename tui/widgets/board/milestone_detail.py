"""The selected milestone in words: its description, where a partial release's rest went, the
platform's fee and the net of a release, the submission's message, and what the user must do by when."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cairn.storage.diff import PlanRow
from cairn.storage.queries.board_views import MilestoneView
from cairn.tui.format import local, money

from ._text import clean


def detail_text(pr: PlanRow | None, m: MilestoneView | None, currency: str, my_side: str,
                revisions: str | None = None) -> Text:
    text = Text()
    if pr is None:
        return text
    description = pr.row.description
    if description:
        text.append(clean(description))
    if m is not None and m.partial:
        if text:
            text.append("\n")
        text.append(f"Released {money(m.released_minor, currency)} of {money(m.amount_minor, currency)}",
                    style="bold")
        if m.carried_minor:
            text.append(f"; {money(m.carried_minor, currency)} carried to the next milestone")
        if m.refunded_minor:
            text.append(f"; {money(m.refunded_minor, currency)} refunded to the client")
        if m.fee_minor:  # P9: the platform's fee on what was released (derived; the money panel sums them)
            text.append(f"; fee {money(m.fee_minor, currency)}, net "
                        f"{money(m.released_minor - m.fee_minor, currency)}")
        text.append(".")
    if m is not None and m.state == "submitted":
        if text:
            text.append("\n")
        text.append(f"Submitted {local(m.submitted_at)}", style="bold")
        if m.submission_message:
            text.append(": ")
            text.append(clean(m.submission_message))
        if m.review_due_at is not None:
            who = "you release by" if my_side == "client" else "released automatically on"
            text.append(f" — {who} {local(m.review_due_at)}")
    if revisions and m is not None and m.state in ("active", "submitted", "released", "refunded"):
        if text:
            text.append("\n")
        # M10: rounds of requested changes; past the contract's cap in bold (words, not colour alone).
        text.append(revisions[:1].upper() + revisions[1:] + ".", style="bold" if "past the cap" in revisions else "")
    return text


class MilestoneDetail(Static):
    """One to three lines under the plan; hidden when the selected milestone has nothing to say."""

    _said: Text | None = None  # what it shows

    def show(self, pr: PlanRow | None, m: MilestoneView | None, currency: str, my_side: str,
             revisions: str | None = None) -> None:
        text = detail_text(pr, m, currency, my_side, revisions)
        if text == self._said:
            return  # the same words (often none: a future milestone moved): no layout of the board
        self._said = text
        self.display = bool(text)
        self.update(text)
