"""Terminal resizes in a real terminal (tmux): down to 60x20 and back to 120x36 and 80x24, over
and over, on the contract list, on a board and with a dialog open. The app never crashes (the
pane stays alive, no traceback), panels collapse at small sizes and come back.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.field import tmux as tmux_driver
from tests.field.helpers import ROOT
from tests.field.test_e2e_terminal import cairn_argv, cairn_command
from tests.field.tmux import Tmux, all_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_driver.available(), reason="tmux is not installed"),
]

STEP = 45.0
SIZES = [(60, 20), (120, 36), (80, 24)]
ROUNDS = 3


def same_line(*parts: str):
    def check(screen: str) -> bool:
        return any(all(p in line for p in parts) for line in screen.splitlines())

    check.__doc__ = f"{' and '.join(map(repr, parts))} on one line"
    return check


def not_(condition):
    def check(screen: str) -> bool:
        return not tmux_driver.matches(condition, screen)

    check.__doc__ = f"not {tmux_driver.describe(condition)}"
    return check


# What each screen looks like at each size, read off the terminal.
LIST = {
    (60, 20): all_of("Contract", "Attention", not_("Progress")),  # columns folded away
    (120, 36): all_of("Contract", "Status", "Progress", "Next deadline", "Attention"),
    (80, 24): all_of("Contract", "Client", "Value", "Attention", not_(same_line("Me", "Status"))),  # titles 24, clients 12
}
# The plan's rows are found by their first words only: PlanTable truncates titles from the width
# it had before a resize ("Welcome ema…" at 120 columns after 60; reported).
BOARD = {
    # Short: the activity feed folds away; the plan keeps its rows.
    (60, 20): all_of("─Plan", "Welcome", "Monthly", same_line("─Money", "Deadlines"), not_("Activity")),
    # Wide: money, deadlines and activity stacked beside the plan.
    (120, 36): all_of(same_line("─Plan", "─Money"), "Welcome", "Monthly", "─Deadlines", "─Activity"),
    # Narrow: the plan on top, money beside deadlines, activity below.
    (80, 24): all_of("─Plan", "Welcome", "Monthly", same_line("─Money", "Deadlines"), "─Activity",
                     not_(same_line("─Plan", "─Money"))),
}
DIALOG = {size: all_of("Add milestone", "Title", "Resized, still here", "Cancel (esc)", "Add to draft")
          for size in SIZES}


def resize_around(t: Tmux, expected: dict[tuple[int, int], object]) -> None:
    for round_ in range(1, ROUNDS + 1):
        for cols, rows in SIZES:
            t.resize(cols, rows)
            try:
                screen = t.wait_for(expected[(cols, rows)], STEP)
            except AssertionError as e:
                raise AssertionError(f"round {round_}, {cols}x{rows}: {e}") from None
            assert not t.dead(), screen
            assert "Traceback" not in screen, screen


@pytest.mark.cost(10)
def test_resizing_never_crashes_and_panels_come_back(tmp_path):
    db = tmp_path / "demo.db"
    subprocess.run([*cairn_argv(), "--db", str(db), "demo"], cwd=ROOT, check=True, capture_output=True,
                   timeout=120)
    with Tmux(cairn_command(db), cols=80, rows=24, cwd=str(ROOT)) as t:
        t.wait_for(all_of("Newsletter", "7 of 9"), STEP)
        resize_around(t, LIST)

        # A board with milestones, found with the filter.
        t.type("/")
        t.type("Newsletter")
        t.wait_for("1 of 9", STEP)
        t.keys("Enter")  # from the filter to the table
        t.keys("Enter")  # open the selected contract
        t.wait_for(all_of("Newsletter templates · Larkspur", "Acting as: freelancer (you)", "Welcome email"), STEP)
        resize_around(t, BOARD)

        # A dialog open over the board, with something typed in it.
        t.keys("a")
        t.wait_for(all_of("Add milestone", "What gets delivered"), STEP)
        t.type("Resized, still here")
        resize_around(t, DIALOG)
        t.keys("Escape")
        t.wait_gone("Add to draft", STEP)
        t.wait_for(BOARD[(80, 24)], STEP)

        t.keys("Escape")
        t.wait_for(LIST[(80, 24)], STEP)
        t.keys("q")
        status = t.wait_exit(STEP)
        assert status == 0, t.screen()
