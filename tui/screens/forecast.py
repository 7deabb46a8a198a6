"""The Forecast screen: next weeks' money per currency as a chart, and the work at risk.

Each week is one bar made of three runs — certain, expected, planned — drawn with three
different characters (█ ▒ ░) as well as three colours, so the series stay apart in 16 colours,
in a terminal's own palette and with NO_COLOR. The figures behind each bar follow in a table.
Gross amounts: fees are the profiles' business.
"""

from __future__ import annotations

from rich.text import Text

from cairn.storage.queries.foresight import Forecast, Risk
from cairn.tui.format import money
from cairn.tui.screens.report import ReportScreen, report_bindings
from cairn.tui.widgets.board._text import clean

# (series, glyph, colour, name in the key): the glyph alone tells them apart.
SERIES = (("certain", "█", "green", "certain (available)"),
          ("expected", "▒", "yellow", "expected (submitted)"),
          ("planned", "░", "blue", "planned (due)"))


def legend() -> Text:
    text = Text("Key: ")
    for i, (_, glyph, colour, name) in enumerate(SERIES):
        if i:
            text.append("  ")
        text.append(glyph * 2, style=colour)
        text.append(f" {name}")
    return text


def chart(f: Forecast, width: int) -> Text:
    """One line per week: its label, the stacked bar, the week's total."""
    cur = f.currency
    label_w, total_w = 16, max(len(money(w.total, cur)) for w in f.weeks) + 1
    bar_w = max(8, width - label_w - total_w - 2)
    top = max((w.total for w in f.weeks), default=0)
    text = Text()
    text.append(f"{cur}, week of", style="bold")
    for k, w in enumerate(f.weeks):
        text.append("\n")
        label = f"{w.start:%a %m-%d}" + (" now" if k == 0 else "")
        text.append(label.ljust(label_w))
        used = 0
        for series, glyph, colour, _ in SERIES:
            amount = getattr(w, series)
            # Every non-zero amount shows at least one cell, so a small one is never invisible.
            cells = 0 if not amount or not top else max(1, round(amount * bar_w / top))
            cells = min(cells, bar_w - used)
            text.append(glyph * cells, style=colour)
            used += cells
        text.append(" " * (bar_w - used + 2))
        text.append(money(w.total, cur).rjust(total_w), style="bold" if w.total else "dim")
    return text


def figures(f: Forecast, width: int) -> Text:
    """The numbers behind the bars, and what falls outside the weeks."""
    cur = f.currency
    rows = [(f"{w.start:%a %m-%d}" + (" now" if k == 0 else ""), w.certain, w.expected, w.planned, w.total)
            for k, w in enumerate(f.weeks)]
    for label, part in ((f"after {len(f.weeks)} weeks", f.later), ("no date", f.undated)):
        if any(part.values()):
            rows.append((label, part["certain"], part["expected"], part["planned"], sum(part.values())))
    cells = [[label, *(money(v, cur) for v in values)] for label, *values in rows]
    head = ["", "Certain █", "Expected ▒", "Planned ░", "Total"]
    widths = [max(len(r[i]) for r in [head, *cells]) for i in range(5)]
    text = Text()
    text.append("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(head, widths, strict=True))),
                style="bold")
    for r in cells:
        text.append("\n" + "  ".join(c.rjust(w) if i else c.ljust(w)
                                     for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return text


def risk_text(risks: list[Risk], width: int) -> Text:
    from cairn.storage.queries.foresight import risk_totals

    text = Text("Work at risk", style="bold")
    text.append(" — not yet protected: unfunded work due, submitted work waiting, escrow under a refund "
                "request or dispute", style="dim")
    if not risks:
        text.append("\nNone: nothing due unfunded, waiting for review or under a refund request.")
        return text
    title_w = max(12, width - 4 * 13)
    head = ["Contract", "Unfunded due", "Submitted", "Refund/disp.", "Total"]
    text.append("\n" + head[0].ljust(title_w) + "".join(h.rjust(13) for h in head[1:]), style="bold")
    totals = risk_totals(risks)
    for r in [*risks, *totals.values()]:
        title = clean(r.title) if r.contract_id else f"Total {r.currency}"
        title = title if len(title) < title_w else title[: title_w - 2] + "…"
        text.append("\n" + title.ljust(title_w), style="bold" if not r.contract_id else "")
        for v in (r.unfunded_due, r.submitted, r.disputed, r.total):
            text.append(money(v, r.currency).rjust(13), style="dim" if not v else "")
    return text


class ForecastScreen(ReportScreen):
    HELP_TITLE = "Forecast"
    NAME = "forecast"
    BINDINGS = report_bindings("forecast")

    def heading(self) -> Text:
        return Text.assemble(("Forecast", "bold"), (" · next 8 weeks as the freelancer · gross, before fees", "dim"))

    def key_line(self) -> Text:
        return legend()

    @staticmethod
    def read(db, *, clock):
        from cairn.storage.queries.foresight import at_risk, forecast

        return forecast(db, clock), at_risk(db, clock)

    def draw(self, data: tuple[list[Forecast], list[Risk]], width: int) -> Text:
        forecasts, risks = data
        body = Text()
        if not forecasts:
            body.append("No money ahead: no pending payments, submitted work or planned milestones.\n", style="dim")
        for f in forecasts:
            body.append_text(chart(f, width))
            body.append("\n\n")
            body.append_text(figures(f, width))
            body.append("\n\n")
        body.append_text(risk_text(risks, width))
        return body
