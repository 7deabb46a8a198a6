"""The first screen reaches the terminal drawn whole once: no whole repaint of what it shows
follows, and the list's scrollbar is in the first frame, not laid out in a second and a third
(start-up at 120x36 wrote 10 frames and 54 KB in its first second, 3 of them whole repaints)."""

from __future__ import annotations

from textual._compositor import Compositor
from textual.scrollbar import ScrollBar

from tests.tui.asynctest import drive


def _renders(monkeypatch) -> list[str]:
    """Each frame the app renders: "whole" or "part"; "whole+scrollbar" when a scrollbar is in it."""
    renders: list[str] = []
    whole, part = Compositor.render_full_update, Compositor.render_partial_update

    def render_whole(self, *args, **kwargs):
        scrollbar = any(isinstance(widget, ScrollBar) for widget in self._full_map)
        renders.append("whole+scrollbar" if scrollbar else "whole")
        return whole(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_full_update", render_whole)
    monkeypatch.setattr(Compositor, "render_partial_update",
                        lambda self, *a, **k: renders.append("part") or part(self, *a, **k))
    return renders


def _many_contracts(db_path, clock) -> None:
    from cairn.storage.api import Database
    from cairn.storage.demo.bulk import synthetic

    db = Database.open(db_path)
    db.close()
    synthetic(db, 60, now=clock.now())


def test_the_first_screen_is_drawn_whole_once_with_its_scrollbar(db_path, clock, make_test_app, monkeypatch):
    _many_contracts(db_path, clock)
    renders = _renders(monkeypatch)

    async def scenario(pilot):
        table = pilot.app.screen.table
        return table.show_vertical_scrollbar, len(table.rows_all)

    scrollbar, rows = drive(make_test_app(), scenario, size=(80, 24))
    assert rows == 60 and scrollbar
    assert renders[0] == "whole+scrollbar", renders
    assert [kind for kind in renders if kind.startswith("whole")] == ["whole+scrollbar"], renders
