"""A batch's diff (R1, R2, R4): added, removed, edited field by field, moved, totals."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Static

from cairn.storage.diff import PlanDiff
from cairn.tui.format import money

from ._text import clean

_FIELD = {"title": "title", "amount_minor": "amount", "due_date": "due", "description": "description"}


def _value(field: str, value: object, currency: str) -> str:
    if value is None or value == "":
        return "(none)"
    if field == "amount_minor" and isinstance(value, int):
        return money(value, currency)
    if isinstance(value, date):
        return value.isoformat()
    return clean(value)


def diff_text(d: PlanDiff | None, currency: str, *, heading: str = "Changes against the current plan") -> Text:
    text = Text()
    text.append(heading + "\n", style="bold")
    if d is None or (d.empty and not d.problems):
        text.append("No changes.", style="dim")
        return text
    for p in d.problems:
        text.append("⚠ No longer applies (R4): ", style="bold")
        text.append(clean(p) + "\n")
    for r in d.added:
        text.append("+ added   ", style="bold")
        text.append(f"\"{clean(r.row.title)}\"")
        text.append(f"  {money(r.row.amount_minor, currency)}")
        if r.row.due_date:
            text.append(f"  due {r.row.due_date.isoformat()}")
        text.append(f"  at position {r.position}\n", style="dim")
    for row in d.removed:
        text.append("✗ removed ", style="bold")
        text.append(f"\"{clean(row.title)}\"  {money(row.amount_minor, currency)}\n")
    for e in d.edited:
        text.append("~ edited  ", style="bold")
        text.append(f"\"{clean(e.title)}\"\n")
        for c in e.changes:
            text.append(f"    {_FIELD.get(c.field, c.field)}: ", style="dim")
            text.append(_value(c.field, c.old, currency))
            text.append(" → ", style="bold")
            text.append(_value(c.field, c.new, currency) + "\n")
    for m in d.moved:
        text.append("↕ moved   ", style="bold")
        text.append(f"\"{clean(m.title)}\"")
        text.append(f"  from {m.from_position} → {m.to_position}\n")
    text.append("Total     ", style="bold")
    text.append(f"{money(d.total_before, currency)} → {money(d.total_after, currency)}")
    text.append(f"  ({d.count_before} → {d.count_after} milestones)", style="dim")
    return text


class DiffView(Static):
    def show(self, d: PlanDiff | None, currency: str, *, heading: str = "Changes against the current plan") -> None:
        self.update(diff_text(d, currency, heading=heading))
