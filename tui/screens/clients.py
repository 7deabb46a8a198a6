"""The Clients screen: each client across your contracts as the freelancer — contracts, money
paid (gross), how long they take to review and to fund the next milestone, change requests,
revision rounds and refunds. The rows come from ``storage.queries.clients``."""

from __future__ import annotations

from rich.text import Text

from cairn.storage.queries.clients import ClientStats
from cairn.tui.format import money
from cairn.tui.screens.report import ReportScreen, report_bindings
from cairn.tui.widgets.board._text import clean

COLUMNS = (("Contr.", 6), ("Paid", 11), ("Review", 6), ("Fund", 6), ("Changes", 7), ("Revis.", 6),
           ("Refunds", 7))


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}d"


def clients_text(stats: list[ClientStats], width: int) -> Text:
    if not stats:
        return Text("No contracts where you are the freelancer yet.", style="dim")
    name_w = max(10, width - sum(w + 1 for _, w in COLUMNS))
    text = Text("Client".ljust(name_w) + "".join(" " + h.rjust(w) for h, w in COLUMNS), style="bold")
    for s in stats:
        name = clean(s.name)
        name = name if len(name) <= name_w else name[: name_w - 1] + "…"
        paid = [money(v, cur) for cur, v in s.paid.items()] or ["—"]
        cells = [f"{s.contracts} ({s.open_contracts})", paid[0], _days(s.review_days), _days(s.funding_days),
                 f"{s.requests_accepted}/{s.requests_proposed}", str(s.revisions), str(s.refunds)]
        text.append("\n" + name.ljust(name_w))
        for (_, w), cell in zip(COLUMNS, cells, strict=True):
            text.append(" " + cell.rjust(w))
        for more in paid[1:]:  # a client paying in several currencies: one line each
            text.append("\n" + " " * (name_w + COLUMNS[0][1] + 1) + " " + more.rjust(COLUMNS[1][1]))
    text.append("\n\n")
    text.append("Contr.: contracts, all (open). Review: median days from submission to release. Fund: median days "
                "from a release to the next funding. Changes: change requests accepted/proposed. Revis.: times "
                "the client asked for changes to submitted work. Paid is gross, before fees.", style="dim")
    return text


class ClientsScreen(ReportScreen):
    HELP_TITLE = "Clients"
    NAME = "clients"
    WITH_CLOCK = False
    BINDINGS = report_bindings("clients")

    def heading(self) -> Text:
        return Text.assemble(("Clients", "bold"), (" · across your contracts as the freelancer", "dim"))

    @staticmethod
    def read(db):
        from cairn.storage.queries.clients import clients

        return clients(db)

    def draw(self, data: list[ClientStats], width: int) -> Text:
        return clients_text(data, width)
