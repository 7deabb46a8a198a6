"""Regenerate the README's screenshots (``screenshots/*.svg``) from the demo database.

    .venv/bin/python scripts/screenshots.py            # every scene
    .venv/bin/python scripts/screenshots.py board help # only these (names without .svg)

Builds the demo database (``storage.demo``, the builder behind ``cairn demo``) in a temporary
directory with the clock frozen at ``NOW`` in UTC, so the pictures only change when the app does.
Each scene gets its own copy of that database, runs the real app (``tui.app.make_app``, the factory
``cairn`` uses) headless, drives it with keys as a user would, waits for the storage workers, and
saves an SVG with ``App.save_screenshot``. Nothing outside ``screenshots/`` is written.
"""

from __future__ import annotations

import os
import time

# Before anything reads the local zone or the animation setting.
os.environ["TZ"] = "UTC"
time.tzset()
os.environ["TEXTUAL_ANIMATIONS"] = "none"

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pendulum  # noqa: E402

pendulum.set_local_timezone(pendulum.timezone("UTC"))

OUT = ROOT / "screenshots"
NOW = "2026-11-20T09:00:00Z"
WIDE = (120, 36)
NARROW = (80, 24)

Drive = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    name: str  # the file is screenshots/<name>.svg
    size: tuple[int, int]
    caption: str  # the README's line under it
    drive: Drive


# --- driving the app like a user --------------------------------------------------------------
async def settle(pilot, rounds: int = 6) -> None:
    """Wait for the storage workers and the callbacks they start."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ",": "comma", ".": "full_stop"}.get(ch, ch) for ch in text])


async def open_contract(pilot, title: str) -> None:
    """``/`` filters the list by title, enter goes to the table, enter opens the board."""
    await pilot.press("slash")
    await type_text(pilot, title)
    await settle(pilot)
    await keys(pilot, "enter", "enter")
    assert type(pilot.app.screen).__name__ == "BoardScreen", type(pilot.app.screen).__name__


async def select_row(pilot, title: str) -> None:
    """Move the plan's cursor to ``title`` with the arrow keys."""
    table = pilot.app.screen.query_one("#plan")
    await keys(pilot, "home")
    for _ in range(len(table.rows_shown)):
        if table.selected is not None and table.selected.row.title == title:
            return
        await pilot.press("down")
    raise LookupError(f"no row {title!r} on the board")


# --- the scenes -------------------------------------------------------------------------------
async def contract_list(pilot) -> None:
    pass  # the first screen, as it opens


async def new_contract(pilot) -> None:
    await keys(pilot, "n")
    await type_text(pilot, "Podcast website")
    await pilot.press("tab")
    await type_text(pilot, "Riverside Audio")
    await pilot.press("tab", "tab", "tab", "tab", "tab")  # currency, my side, profile, start date: total
    await type_text(pilot, "6000")
    await settle(pilot)


async def board(pilot) -> None:
    await open_contract(pilot, "Brand refresh")


async def board_changes(pilot) -> None:
    # The user's own (client) draft on a subcontract, which already adds a milestone: raise the
    # cover's amount, move the added milestone above it, then show the diff.
    await open_contract(pilot, "Children's book")
    await select_row(pilot, "Cover art")
    await keys(pilot, "e")
    await pilot.press("tab", "ctrl+u")  # title, then amount
    await type_text(pilot, "1100")
    await keys(pilot, "ctrl+s")  # enter moves to the next field; ctrl+s saves
    await select_row(pilot, "Back cover and spine")
    await keys(pilot, "shift+up")
    await keys(pilot, "c")


async def change_request(pilot) -> None:
    # The freelancer's pending request, reviewed as the client would.
    await open_contract(pilot, "Mobile app UI kit")
    await keys(pilot, "w")
    await keys(pilot, "v")


async def release_dialog(pilot) -> None:
    await open_contract(pilot, "Brand refresh")
    await keys(pilot, "w")  # act as the client
    await keys(pilot, "r", "ctrl+u")
    await type_text(pilot, "1500")
    await settle(pilot)


async def end_contract(pilot) -> None:
    await open_contract(pilot, "Shopify store migration")
    await keys(pilot, "E")


async def board_narrow(pilot) -> None:
    await open_contract(pilot, "Children's book")


async def history(pilot) -> None:
    await open_contract(pilot, "Brand refresh")
    await keys(pilot, "h")


async def forecast(pilot) -> None:
    await keys(pilot, "f")


async def clients(pilot) -> None:
    await keys(pilot, "c")


async def profiles(pilot) -> None:
    await keys(pilot, "M")


async def help_screen(pilot) -> None:
    await open_contract(pilot, "Brand refresh")
    await keys(pilot, "question_mark")


SCENES = [
    Scene("contract-list", WIDE, "The contract list: money, progress, next deadline and what needs attention, "
          "with the earnings report above.", contract_list),
    Scene("contract-list-80x24", NARROW, "The same list in an 80×24 terminal.", contract_list),
    Scene("new-contract", WIDE, "A new contract (`n`), its total split by a payment template.", new_contract),
    Scene("board", WIDE, "A contract's board: the plan, its money, deadlines and activity.", board),
    Scene("board-changes", WIDE, "`Show changes` (`c`): a draft compared with the current plan.", board_changes),
    Scene("change-request", WIDE, "Reviewing a change request (`v`), acting as the client.", change_request),
    Scene("release-dialog", WIDE, "Releasing part of the escrow (`r`): what happens to the remainder.",
          release_dialog),
    Scene("end-contract", WIDE, "Ending a contract (`E`): reason, escrow and feedback.", end_contract),
    Scene("board-80x24", NARROW, "A board in an 80×24 terminal, acting as the client of a subcontract.",
          board_narrow),
    Scene("history", WIDE, "A contract's history (`h`): every event, newest first, with its messages.", history),
    Scene("history-80x24", NARROW, "The same history in an 80×24 terminal.", history),
    Scene("forecast", WIDE, "The cash-flow forecast (`f` on the list): money certain, expected and planned, "
          "week by week.", forecast),
    Scene("clients", WIDE, "Clients (`c` on the list): what each client paid, how fast they review and fund.",
          clients),
    Scene("profiles", WIDE, "Platform profiles (`M`): each platform's clocks and fee; a contract keeps its own.",
          profiles),
    Scene("help", WIDE, "Every key of the board (`?`); the command palette (`ctrl+p`) offers the same names.",
          help_screen),
]


# --- running ----------------------------------------------------------------------------------
def build_demo(directory: Path) -> Path:
    from cairn.storage import demo
    from cairn.storage.db import Database

    path = directory / "demo.db"
    db = Database.open(path)
    try:
        demo.build(db, now=pendulum.parse(NOW))
    finally:
        db.close()
    return path


async def shoot(scene: Scene, demo_db: Path, workdir: Path, out: Path) -> Path:
    from textual.widgets import Input

    from cairn.storage.clock import FixedClock
    from cairn.tui.app import make_app

    db_path = workdir / f"{scene.name}.db"
    shutil.copy2(demo_db, db_path)  # every scene starts from the same demo
    app = make_app(db_path, clock=FixedClock(NOW))
    async with app.run_test(size=scene.size) as pilot:
        await settle(pilot)
        await scene.drive(pilot)
        for widget in app.screen.query(Input):  # no half-drawn blinking cursor
            widget.cursor_blink = False
        await settle(pilot)
        saved = app.save_screenshot(filename=f"{scene.name}.svg", path=str(out))
    return Path(saved)


async def main(names: list[str], out: Path) -> int:
    unknown = set(names) - {s.name for s in SCENES}
    if unknown:
        print(f"unknown scene(s): {', '.join(sorted(unknown))}; choose from: "
              f"{', '.join(s.name for s in SCENES)}", file=sys.stderr)
        return 2
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cairn-screenshots-") as tmp:
        workdir = Path(tmp)
        demo_db = build_demo(workdir)
        for scene in SCENES:
            if names and scene.name not in names:
                continue
            saved = await shoot(scene, demo_db, workdir, out)
            print(f"{saved.relative_to(ROOT) if saved.is_relative_to(ROOT) else saved}  "
                  f"{scene.size[0]}x{scene.size[1]}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", nargs="*", help="scene names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default: screenshots/)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.scenes, args.out)))
