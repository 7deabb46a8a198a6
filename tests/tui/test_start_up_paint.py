"""The first screen reaches the terminal drawn whole once: no whole repaint of what it shows
follows, and the list's scrollbar is in the first frame, not laid out in a second and a third
(start-up at 120x36 wrote 10 frames and 54 KB in its first second, 3 of them whole repaints)."""

from __future__ import annotations

import asyncio

from textual._compositor import Compositor
from textual.scrollbar import ScrollBar

from tests.tui.asynctest import drive, settle, wait_until


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


def test_a_resize_to_the_size_laid_out_lays_nothing_out_again(seeded, make_test_app, monkeypatch):
    """The terminal's size, reported as Textual starts, reached the list after its first frame,
    and Textual laid the list out again for that same size: a frame that took the screen's
    frame slot as the first key typed arrived. A resize to another size lays it out, as always."""
    from textual import events
    from textual.geometry import Size
    from textual.screen import Screen

    resized: list[Size] = []
    screen_resized = Screen._screen_resized
    monkeypatch.setattr(Screen, "_screen_resized", lambda self, size: resized.append(size) or screen_resized(self, size))

    async def scenario(pilot):
        screen = pilot.app.screen
        resized.clear()
        handled: list[bool] = []
        screen.post_message(events.Resize(screen.outer_size, screen.outer_size))
        screen.call_later(handled.append, True)  # queued behind the resize: it ran once this does
        await wait_until(pilot, lambda: handled, "the resize handled")
        assert resized == []
        await pilot.resize_terminal(100, 30)
        await wait_until(pilot, lambda: screen.outer_size == Size(100, 30), "laid out at 100x30")
        assert Size(100, 30) in resized

    drive(make_test_app(), scenario, size=(120, 36))


def test_the_toast_rack_asks_for_no_layout_after_the_first_frame_and_toasts_still_show(
        seeded, make_test_app, monkeypatch):
    """Every ScreenResume sets the (empty) toast rack's display to False, inline; the first time,
    a moment after the first frame, that was a new rule and a whole layout pass in the frame of
    the first key. Set before the first layout, it changes nothing then."""
    from textual.widgets._toast import Toast, ToastRack

    asked: list[bool] = []
    showing: list[bool] = []
    shows: list[int] = []  # each call's count of notifications
    show, refresh = ToastRack.show, ToastRack.refresh

    def spy_show(self, notifications):
        shows.append(len(notifications))
        showing.append(True)
        try:
            return show(self, notifications)
        finally:
            showing.pop()

    def spy_refresh(self, *regions, **kwargs):
        if showing and kwargs.get("layout"):
            asked.append(True)
        return refresh(self, *regions, **kwargs)

    monkeypatch.setattr(ToastRack, "show", spy_show)
    monkeypatch.setattr(ToastRack, "refresh", spy_refresh)

    async def scenario():
        async with make_test_app().run_test(size=(120, 36), notifications=True) as pilot:  # run_test's default: none
            await wait_until(pilot, lambda: 0 in shows, "the ScreenResume's empty rack shown")
            await settle(pilot)
            rack = pilot.app.screen.query_one(ToastRack)
            assert asked == [] and not rack.display
            pilot.app.notify("A toast")
            await wait_until(pilot, lambda: bool(rack.query(Toast)), "the toast shown")
            return rack.display

    assert asyncio.run(scenario())
