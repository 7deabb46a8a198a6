"""The app shell: one factory, global keys, themes, and a first screen that needs no ORM."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from cairn.tui.app import CairnApp, make_app
from cairn.tui.screens.contract_list import ContractListScreen
from tests.tui.asynctest import settle, wait_until
from tests.tui.test_contract_list import drive, shown_titles


def test_factory_exposes_db_and_clock(db_path, clock):
    app = make_app(db_path, clock=clock)
    assert isinstance(app, CairnApp)
    assert app.db.path == db_path
    assert app.clock is clock


def test_opens_on_the_contract_list_and_q_quits(seeded, make_test_app):
    async def scenario(pilot):
        assert isinstance(pilot.app.screen, ContractListScreen)
        assert shown_titles(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running

    drive(make_test_app(), scenario)


def test_threads_give_the_gil_back_to_the_screen_promptly_while_it_runs(seeded, make_test_app):
    """A storage call building a big list in a thread holds the GIL; the screen's thread waits
    up to the switch interval each time it wants it back (Python's 5 ms: several per key)."""
    from cairn.tui import app as app_module

    before = sys.getswitchinterval()

    async def scenario(pilot):
        assert sys.getswitchinterval() == app_module.SWITCH_INTERVAL < before

    drive(make_test_app(), scenario)
    assert sys.getswitchinterval() == before  # given back when the app ends


def test_terminal_theme_from_the_environment(monkeypatch, make_test_app):
    monkeypatch.setenv("CAIRN_THEME", "ansi")
    assert make_test_app().theme == "ansi-dark"
    monkeypatch.setenv("CAIRN_THEME", "ansi-light")
    assert make_test_app().theme == "ansi-light"
    monkeypatch.setenv("CAIRN_THEME", "no-such-theme")
    assert make_test_app().theme == "textual-dark"


def test_a_theme_set_at_start_is_drawn_from_the_first_frame_with_every_sheet_parsed_once(
        monkeypatch, seeded, make_test_app):
    """Setting the theme in ``__init__`` made Textual parse every stylesheet a second time before
    the first frame (``theme_at_start``): 11-18 ms for anyone with a theme in the config. Parsed
    once, with the theme's colours; a theme chosen later parses them again, as it must."""
    from textual.color import Color
    from textual.css.stylesheet import Stylesheet

    reparses = []
    reparse = Stylesheet.reparse

    def counted(self):
        reparses.append(self)
        return reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    monkeypatch.setenv("CAIRN_THEME", "textual-light")
    app = make_test_app()

    def background(name: str) -> Color:
        return Color.parse(app.get_theme(name).background)

    async def scenario(pilot):
        assert app.theme == "textual-light" and "-light-mode" in app.classes
        assert reparses == []
        assert app.screen.styles.background == background("textual-light")
        app.theme = "nord"
        await wait_until(pilot, lambda: app.screen.styles.background == background("nord"), "nord drawn")
        assert len(reparses) == 1

    drive(app, scenario)


def test_works_with_no_color(monkeypatch, seeded, make_test_app):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_test_app()
    assert app.no_color

    async def scenario(pilot):
        # Markers carry a glyph and a word, so they read without colour.
        row = next(r for r in pilot.app.screen.table.shown if r.summary.title == "Website redesign")
        assert "● 1 new" in row.cells["attention"].plain  # the timers' work; the user's own is read

    drive(app, scenario)


def test_first_screen_loads_without_the_orm(seeded, db_path):
    """The contract list is drawn from storage.read (plain sqlite3): SQLAlchemy, pydantic and
    alembic are not imported until an operation runs."""
    code = textwrap.dedent(f"""
        import asyncio, sys
        from cairn.tui.app import make_app
        from cairn.tui.screens.contract_list import ContractListScreen

        shown = ContractListScreen._loaded_data
        seen = []

        def spy(self, seq, result):
            # What was imported when the first contracts reached the screen.
            if not seen:
                seen.append(sorted(m for m in ("sqlalchemy", "sqlmodel", "pydantic", "alembic")
                                   if m in sys.modules))
            return shown(self, seq, result)

        ContractListScreen._loaded_data = spy

        async def main():
            app = make_app({str(db_path)!r})
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
                assert pilot.app.screen.table.row_count == 2
            print("HEAVY", seen[0])

        asyncio.run(main())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout


def test_visiting_boards_leaves_nothing_behind(seeded, make_test_app):
    """Every visit to a board draws a whole screen of widgets. Textual kept the drawn lines of
    the last 1,024 widgets gone (Textualize/textual#6665), and its footer kept each old set of
    keys alive (#6666, gone with Cairn's one-line footer): tens of MB, and garbage-collector
    passes that grew until they paused the screen for 0.2 s."""
    import gc
    from collections import Counter

    from textual._styles_cache import StylesCache
    from textual.widget import Widget

    from cairn.tui.screens.board import BoardScreen

    def detached_widgets() -> list[str]:
        gc.collect()
        return [type(o).__name__ for o in gc.get_objects()
                if isinstance(o, Widget) and not o.is_attached and not isinstance(o, BoardScreen)]

    def line_caches() -> int:
        return sum(isinstance(o, StylesCache) for o in gc.get_objects())

    async def scenario(pilot):
        await pilot.pause()
        for _ in range(2):  # warm-up: the first visit loads what is kept for good
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        before, caches_before = len(detached_widgets()), line_caches()
        for _ in range(4):
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, BoardScreen)
            await pilot.press("down", "escape")
            await settle(pilot)
        await pilot.press("down", "up")
        await settle(pilot)
        left = detached_widgets()
        assert len(left) <= before, f"widgets kept alive after leaving them: {Counter(left)}"
        assert line_caches() <= caches_before, "the drawn lines of widgets gone are still kept"

    drive(make_test_app(), scenario)


def test_quitting_while_a_storage_call_runs_prints_nothing(seeded, make_test_app, capfd, caplog):
    """q while the full list is still loading (the first second on a big database): the
    database is closed under the thread's query. That ended in a traceback on the terminal."""
    import threading

    from cairn.tui.worker import call_storage

    started, finished = threading.Event(), threading.Event()

    thread: list[threading.Thread] = []

    def slow_read(db, *, clock):
        conn = db.reader()
        thread.append(threading.current_thread())
        started.set()
        try:
            for _ in range(500):  # until the app has quit and closed the database
                if conn not in db._readers:
                    break
                threading.Event().wait(0.01)
            conn.execute("select count(*) from contract").fetchone()  # closed under it
        finally:
            finished.set()

    async def scenario(pilot):
        call_storage(pilot.app.screen, slow_read, done=lambda _: None)
        await wait_until(pilot, started.is_set, "the storage call has started")
        await pilot.press("q")

    app = make_test_app()
    drive(app, scenario)
    assert started.is_set() and finished.wait(5)
    thread[0].join(60)  # its except clause runs after the query fails: done when the thread ends
    assert not thread[0].is_alive()
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert not [r for r in caplog.records if r.name == "cairn"], "logged, so printed on the terminal"


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    def luminance(rgb):
        parts = [c / 255 for c in rgb]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_cursor_row_reads_on_a_light_terminal_in_16_colours_and_the_ansi_themes(seeded, make_test_app):
    """Issue 11 §4: where Cairn cannot know the terminal's colours (the ANSI themes, 16 colours,
    NO_COLOR) the cursor row is the terminal's own text and background, reversed: its contrast is
    the terminal's own. On the light palettes of common terminals that is at least 4.5:1, where
    the theme's colours mapped to 16 (bright white on the light palette's white) were not."""
    from cairn.tui.widgets.contract_list.table import ContractTable

    # Default foreground / background of light palettes: xterm, GNOME Terminal "light", macOS
    # Terminal "Basic", Windows Terminal "One Half Light". (A palette whose own text is fainter,
    # Solarized Light at 4.1:1, gives the cursor row the same contrast as all its text.)
    light = [((0, 0, 0), (255, 255, 255)), ((23, 20, 33), (255, 255, 255)), ((0, 0, 0), (255, 255, 255)),
             ((56, 58, 66), (250, 250, 250))]

    async def scenario(pilot):
        app = pilot.app
        for theme, few in (("ansi-light", False), ("ansi-dark", False), ("textual-light", True)):
            app.theme = theme
            app.set_class(few, "-few-colours")  # what a 16-colour terminal sets (not a headless one)
            await settle(pilot)
            table = app.screen.query_one(ContractTable)
            style = table.get_component_rich_style("datatable--cursor")
            assert style.reverse and style.bold, (theme, style)
            # The terminal's own colours, reversed: nothing of the theme's left to clash.
            assert style.color is None or style.color.is_default, (theme, style.color)
            assert style.bgcolor is None or style.bgcolor.is_default, (theme, style.bgcolor)
        for fg, bg in light:
            assert _contrast(fg, bg) >= 4.5  # reversed: the same two colours, the same ratio

    drive(make_test_app(), scenario, size=(80, 24))


def test_escape_and_the_key_behind_it_in_one_read_are_two_keys():
    """Over SSH "escape j" or "escape enter" arrive in one read: the escape key and then that key
    (Textual read alt+j, and dropped the escape before enter), so a dialog closes and nothing is
    submitted behind it. Real sequences (arrows) and a lone escape are unchanged."""
    from textual._xterm_parser import XTermParser

    def keys(data: str) -> list[str]:
        parser = XTermParser()
        return [t.key for t in [*parser.feed(data), *parser.feed("")] if hasattr(t, "key")]

    assert keys("\x1bj") == ["escape", "j"]
    assert keys("\x1b\r") == ["escape", "enter"]
    assert keys("a\x1bq") == ["a", "escape", "q"]
    assert keys("\x1b[A") == ["up"] and keys("\x1b") == ["escape"]
    # Escape, then a burst of 32 keys and more in the same read: the escape key first, never a "^"
    # typed into the field (found walking: "^aBig one" landed in the description escape left).
    burst = keys("\x1baBig one\t100\t2200-01-01\tSomething long enough\x13")
    assert burst[:3] == ["escape", "a", "B"] and "circumflex_accent" not in burst
    assert keys("\x1b[1;5A") == ["ctrl+up"] and keys("\x1bOP") == ["f1"]  # sequences still whole


def test_a_late_timer_waits_for_the_first_tick_still_ahead_not_the_one_after():
    """The screen draws on a 1/60 s timer. A frame of 30 ms makes it wake late; it must then
    draw at the next tick (33 ms after the first), not skip one more (50 ms): Textual's own
    count did, and a key pressed during a long frame waited up to 17 ms longer for its echo."""
    from cairn.tui.textual_fixes import skipped_to

    interval = 1 / 60
    count = skipped_to(0, 0.0, 0.030, interval, None)  # woke 30 ms after the start, before tick 2
    assert count + 1 == 2  # the loop waits for tick count + 1
    assert skipped_to(0, 0.0, 0.0001, interval, None) == 1  # never back: the loop moves on
    assert skipped_to(5, 0.0, 3600.0, interval, None) == 216_000  # an hour late: at once, no busy loop
    assert skipped_to(3, 0.0, 1.0, 0.0, None) == 4  # a zero interval does not divide by zero
    # Never past the last tick: a one-shot timer (repeat 0) woken late still fires.
    assert skipped_to(0, 0.0, 0.030, 0.0005, 0) == 0
    assert skipped_to(2, 0.0, 1.0, interval, 5) == 5


def test_the_timer_fix_is_textuals_loop_but_for_the_late_count():
    """``textual_fixes`` replaces Textual's ``Timer._run`` with a copy that counts late wakes
    with ``skipped_to``. If Textual changes its loop (perhaps fixing the count), this fails:
    port the change, or drop the fix if the extra tick is gone."""
    import ast
    import inspect
    import textwrap

    from textual.timer import Timer

    from cairn.tui import textual_fixes

    def body(fn) -> list[str]:
        """The function's statements, a line each as ``ast`` writes them: no docstring, no comments."""
        (tree,) = ast.parse(textwrap.dedent(inspect.getsource(fn))).body
        statements = tree.body[1:] if ast.get_docstring(tree) else tree.body
        code = "\n".join(ast.unparse(s) for s in statements)
        return [line.strip().replace("_time.sleep(", "sleep(") for line in code.splitlines()]

    ours, textuals = body(textual_fixes._timer_run), body(textual_fixes.TEXTUAL_TIMER_RUN)
    textual_count = "count = int((now - start) / _interval + 1)"
    assert textual_count in textuals, "Textual's late count changed: are the skipped ticks fixed upstream?"
    at = textuals.index(textual_count)
    assert textuals[at + 1] == "continue"
    assert textuals[:at] + ["late = skipped_to(count, start, now, _interval, _repeat)", "if late > count:",
                            "count = late"] + textuals[at + 1:] == ours
    assert Timer._run is textual_fixes._timer_run  # applied when the app module is imported


def test_a_late_repeating_timer_ticks_at_the_next_tick_after_a_long_callback():
    """The fixed loop, run: a 1/60 s timer's tick at 16.7 ms whose callback takes 30 ms (a long
    frame, to 46.7 ms) is followed by the tick at 50 ms, the first still ahead, not the one at
    66.7 ms Textual's count waited for. Time is a fake clock the timer reads."""
    import asyncio
    from types import SimpleNamespace

    from textual import _time
    from textual._context import active_app
    from textual.timer import Timer

    import cairn.tui.app  # noqa: F401 - applies the fixes

    now = [0.0]
    ticks: list[float] = []
    errors: list[Exception] = []

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    def callback() -> None:
        ticks.append(round(now[0], 4))
        now[0] += 0.030  # a long frame

    class Target:
        pass

    async def main() -> None:
        active_app.set(SimpleNamespace(_exit=False, features=frozenset(), _handle_exception=errors.append))
        target = Target()
        timer = Timer(target, 1 / 60, callback=callback, repeat=2)
        timer._start()
        await timer._task

    import textual.timer as timer_module

    original = (_time.get_time, _time.sleep, timer_module.sleep)
    _time.get_time, _time.sleep, timer_module.sleep = (lambda: now[0]), fake_sleep, fake_sleep
    try:
        asyncio.run(main())
    finally:
        _time.get_time, _time.sleep, timer_module.sleep = original
    assert not errors
    assert ticks == [round(1 / 60, 4), round(3 / 60, 4)]


def test_a_one_shot_timer_woken_late_still_fires():
    """``set_timer`` is a timer of one tick. If its task reads the clock twice with more than
    its delay between (its thread lost the GIL to a storage call), Textual's loop counted the
    tick as skipped and the callback never ran: the key gate's and paint-once's next looks were
    lost, and keys or paints stayed held. The clock here jumps 5 ms between the two reads."""
    import asyncio
    from types import SimpleNamespace

    import textual.timer as timer_module
    from textual import _time
    from textual._context import active_app
    from textual.timer import Timer

    import cairn.tui.app  # noqa: F401 - applies the fixes

    now = [0.0]
    reads = [0]
    fired: list[float] = []

    def clock() -> float:
        reads[0] += 1
        if reads[0] == 2:  # between the start and the first look: the thread stalled
            now[0] += 0.005
        return now[0]

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    class Target:
        pass

    async def main() -> None:
        active_app.set(SimpleNamespace(_exit=False, features=frozenset(), _handle_exception=print))
        target = Target()
        timer = Timer(target, 0.0005, callback=lambda: fired.append(now[0]), repeat=0)
        timer._start()
        await timer._task

    original = (_time.get_time, _time.sleep, timer_module.sleep)
    _time.get_time, _time.sleep, timer_module.sleep = clock, fake_sleep, fake_sleep
    try:
        asyncio.run(main())
    finally:
        _time.get_time, _time.sleep, timer_module.sleep = original
    assert fired == [0.005]  # late, but fired
