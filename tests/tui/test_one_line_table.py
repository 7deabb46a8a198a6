"""OneLineTable shows rows it does not store: DataTable's own row bookkeeping is replaced by views
of the caller's sequence. These tests fail if Textual's DataTable stops going through the
internals the views stand in for (``rows``, ``_data``, ``_row_locations``, ``ordered_rows``)."""

from __future__ import annotations

import asyncio
from datetime import date

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from cairn.storage.diff import PlanRow, Row
from cairn.tui.widgets.board.plan_table import PlanTable
from cairn.tui.widgets.common.one_line_table import OneLineTable

N = 50_000


class Table(OneLineTable):
    pass


class TableApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str] = []

    def compose(self) -> ComposeResult:
        yield Table(cursor_type="row")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key.value)


def run(app: App, scenario) -> None:
    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def test_rows_are_shown_not_stored():
    rows = list(range(N))

    async def scenario(pilot):
        table = pilot.app.query_one(Table)
        table.add_column("n", width=8, key="n")
        table.add_column("square", width=12, key="square")
        table.show_rows(rows, lambda r: f"k{r}", lambda r: [Text(str(r)), Text(str(r * r))])
        table.focus()
        await pilot.pause()
        assert table.row_count == N and table.virtual_size.height == N + 1
        assert table.get_row_index("k4242") == 4242
        assert table.get_row_at(7) == [Text("7"), Text("49")]
        assert table.get_cell("k12", "square") == Text("144")
        assert table.coordinate_to_cell_key((3, 1)).row_key.value == "k3"
        await pilot.press("down", "down")
        await pilot.pause()
        assert table.cursor_row == 2 and pilot.app.highlighted[-1] == "k2"
        table.move_cursor(row=N - 1, animate=False)
        await pilot.pause()
        assert table.scroll_y > N - 30
        assert "49999" in "".join(s.text for s in table.render_line(table.size.height - 1))
        table.show_rows(rows[:10], lambda r: f"k{r}", lambda r: [Text(str(r)), Text(str(r * r))])
        await pilot.pause()
        assert table.row_count == 10 and table.cursor_row == 9  # clamped to the new length
        try:
            table.add_row("1", "1")
        except TypeError:
            pass
        else:
            raise AssertionError("add_row must refuse: the table shows what show_rows gave it")

    run(TableApp(), scenario)


def test_drawing_and_moving_never_walk_every_row():
    """DataTable asks whether the header's key is a row on every line it draws: answered without
    indexing every row's key (at 100,000 rows, 60 ms on the UI thread right as the list came)."""
    rows = list(range(N))
    keys_made = 0

    def key(r: int) -> str:
        nonlocal keys_made
        keys_made += 1
        return f"k{r}"

    async def scenario(pilot):
        table = pilot.app.query_one(Table)
        table.add_column("n", width=8, key="n")
        table.show_rows(rows, key, lambda r: [Text(str(r))])
        table.focus()
        await pilot.pause()
        await pilot.press("down", "down", "pagedown")
        await pilot.pause()
        assert table.cursor_row > 2
        assert keys_made < 1_000  # the rows drawn and moved over, not all 50,000

    run(TableApp(), scenario)


class PlanApp(App):
    def compose(self) -> ComposeResult:
        yield PlanTable()


def test_a_plan_of_a_thousand_is_shown_and_dragged():
    plan = [PlanRow(f"m{i}", i, Row(milestone_id=i, title=f"Step {i}", amount_minor=10_000 * i,
                                    due_date=date(2030, 1, 1))) for i in range(1, 1001)]

    async def scenario(pilot):
        from datetime import UTC, datetime

        table = pilot.app.query_one(PlanTable)
        table.show(plan, "USD", datetime(2026, 11, 20, tzinfo=UTC), follow="m900")
        await pilot.pause()
        assert table.row_count == 1000 and table.selected_key == "m900"
        # The widths are the widest values, found without making a cell: "$100,000.00", "1000".
        assert table.columns["amount"].width == len("$100,000.00") and table.columns["pos"].width == 4
        table._set_drop(899)
        await pilot.pause()
        assert table.get_row_at(899)[0].plain == "▶" and table.get_row_at(898)[0].plain == ""
        table._set_drop(None)
        await pilot.pause()
        assert table.get_row_at(899)[0].plain == ""

    run(PlanApp(), scenario)


async def _plan_shown(pilot, rows):
    """The PlanApp's table, focused, showing ``rows`` with the cursor on m1; and its "now"."""
    from datetime import UTC, datetime

    table = pilot.app.query_one(PlanTable)
    table.focus()
    now = datetime(2026, 11, 20, tzinfo=UTC)
    table.show(rows, "USD", now, follow="m1")
    await pilot.pause()
    return table, now


def test_a_move_draws_only_the_lines_that_changed():
    """A move in a draft (its marks column already there) refills the table and moves the cursor:
    only the two swapped rows are drawn again, not every visible line (DataTable's line cache is keyed with the cursor's place and
    emptied on every refill). Fails if DataTable stops drawing lines through ``_render_line``."""
    rows = [PlanRow(f"m{i}", i, Row(milestone_id=i, title=f"Step {i}", amount_minor=10_000),
                    frozenset({"edited"} if i == 5 else ())) for i in range(1, 1001)]
    moved = [PlanRow("m2", 1, rows[1].row), PlanRow("m1", 2, rows[0].row, frozenset({"moved"})), *rows[2:]]

    async def scenario(pilot):
        table, now = await _plan_shown(pilot, rows)
        drawn = []
        original = DataTable._render_line_in_row

        def counting(self, row_key, *args, **kwargs):
            if row_key.value is not None:  # the header's own line: DataTable's path
                drawn.append(row_key.value)
            return original(self, row_key, *args, **kwargs)

        DataTable._render_line_in_row = counting
        try:
            table.show(moved, "USD", now, follow="m1")
            await pilot.pause()
            assert table.cursor_row == 1 and table.selected_key == "m1"
            assert sorted(drawn) == ["m1", "m2"]  # of the ~20 lines on screen
            line = "".join(s.text for s in table.render_line(1))
            assert "Step 2" in line and "↕" not in line
            assert "↕" in "".join(s.text for s in table.render_line(2))
            drawn.clear()
            table.show(rows, "USD", now, follow="m1")  # and back: both lines as first drawn
            await pilot.pause()
            assert drawn == [] and table.cursor_row == 0
            assert "Step 1" in "".join(s.text for s in table.render_line(1))
        finally:
            DataTable._render_line_in_row = original

    run(PlanApp(), scenario)


def test_a_move_repaints_only_the_lines_that_changed():
    """The lines a move leaves as they were are not drawn again at all, not even from the line
    cache: the table keeps the widget's drawn lines (its styles cache) and repaints the rows that
    changed (``OneLineTable._lines_to_draw``). Before, every line in view went through the
    widget's styles again on every move, the most of a move's frame in a plan of 1,000. Fails if
    the table repaints whole again, or if Textual stops keeping a widget's lines in
    ``_styles_cache`` (then ``_clear_caches_but_lines`` keeps nothing)."""
    rows = [PlanRow(f"m{i}", i, Row(milestone_id=i, title=f"Step {i}", amount_minor=10_000)) for i in range(1, 1001)]
    moved = [PlanRow("m2", 1, rows[1].row), PlanRow("m1", 2, rows[0].row, frozenset({"moved"})), *rows[2:]]

    async def scenario(pilot):
        table, now = await _plan_shown(pilot, rows)
        assert table.size.height > 20  # the lines in view, all drawn once
        painted: list[int] = []
        original = DataTable.render_line

        def counting(self, y):
            painted.append(y)
            return original(self, y)

        DataTable.render_line = counting
        try:
            table.show(moved, "USD", now, follow="m1")  # the marks column was there already
            await pilot.pause()
            assert table.cursor_row == 1 and table.selected_key == "m1"
            assert sorted(set(painted)) == [1, 2]  # of the lines on screen, the two rows swapped
            painted.clear()
            table.show(rows, "USD", now, follow="m1")  # and back
            await pilot.pause()
            assert sorted(set(painted)) == [1, 2] and table.cursor_row == 0
            painted.clear()
            edited = [rows[0], PlanRow("m2", 2, Row(milestone_id=2, title="Renamed", amount_minor=10_000),
                                       frozenset({"edited"})), *rows[2:]]
            table.show(edited, "USD", now, follow="m1")  # a row that changes in place
            await pilot.pause()
            assert 2 in painted and set(painted) <= {1, 2}  # the row edited (and the cursor's, line 1)
            assert "Renamed" in "".join(s.text for s in table.render_line(2))
            painted.clear()
            table.show(edited[:-1], "USD", now, follow="m1")  # one row fewer: drawn whole, as before
            await pilot.pause()
            assert len(set(painted)) > 20
        finally:
            DataTable.render_line = original

    run(PlanApp(), scenario)
