"""Drive a program in a real terminal (tmux) with keys, as a user would, and read the screen."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid


def available() -> bool:
    return shutil.which("tmux") is not None


class Tmux:
    def __init__(self, command: str, *, cols: int = 80, rows: int = 24) -> None:
        self.name = f"cairn-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-x", str(cols), "-y", str(rows), "-s", self.name,
                        command], check=True)
        subprocess.run(["tmux", "set-option", "-t", self.name, "remain-on-exit", "on"], check=False)

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(pause)

    def type(self, text: str, pause: float = 0.15) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(pause)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True,
                              text=True).stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear on screen:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} stayed on screen:\n{screen}")

    def resize(self, cols: int, rows: int) -> None:
        subprocess.run(["tmux", "resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows)], check=True)
        time.sleep(0.4)

    def dead(self) -> bool:
        out = subprocess.run(["tmux", "display-message", "-p", "-t", self.name, "#{pane_dead}"],
                             capture_output=True, text=True).stdout.strip()
        return out == "1"

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], stderr=subprocess.DEVNULL)
