"""The Clients screen: each client across your contracts as the freelancer — contracts, money
paid (gross), how long they take to review and to fund the next milestone, change requests,
revision rounds and refunds. The rows come from ``storage.queries.clients``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cairn.storage.queries.clients import ClientStats
from cairn.tui.format import money
from cairn.tui.widgets.board._text import clean
from cairn.tui.widgets.common.footer import KeysFooter
from cairn.tui.worker import call_storage

COLUMNS = (("Contr.", 6), ("Paid", 11), ("Review", 6), ("Fund", 6), ("Changes", 7), ("Revis.", 6),
           ("Refunds", 7))


def read_clients(db):
    from cairn.storage.queries.clients import clients

    return clients(db)


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


class ClientsScreen(Screen[None]):
    HELP_TITLE = "Clients"
    CSS_PATH = "clients.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="clients.back", tooltip="Back to the contract list"),
        Binding("j", "scroll('down')", "Scroll down", id="clients.down", show=False,
                tooltip="Scroll one line down (also ↓, page down, end)"),
        Binding("k", "scroll('up')", "Scroll up", id="clients.up", show=False,
                tooltip="Scroll one line up (also ↑, page up, home)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: list[ClientStats] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Clients", "bold"), (" · across your contracts as the freelancer", "dim")),
                     id="clients-title")
        with VerticalScroll(id="clients-scroll"):
            yield Static("Reading…", id="clients-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#clients-scroll").focus()
        self.reload()

    def reload(self) -> None:
        call_storage(self, read_clients, with_clock=False, done=self.show, group="clients-read", exclusive=True)

    def on_database_changed(self) -> None:
        self.reload()

    def show(self, stats: list[ClientStats]) -> None:
        self.stats = stats
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.stats is None:
            return
        width = max(40, self.query_one("#clients-scroll").scrollable_content_region.width - 3)  # room for the scrollbar
        self.query_one("#clients-body", Static).update(clients_text(self.stats, width))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one("#clients-scroll", VerticalScroll)
        scroll.scroll_down(animate=False) if direction == "down" else scroll.scroll_up(animate=False)
