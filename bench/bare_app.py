"""The yardstick: a bare Textual app (a Header, a Static and a Footer)."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("BARE APP READY")
        yield Footer()


if __name__ == "__main__":
    Bare().run()
