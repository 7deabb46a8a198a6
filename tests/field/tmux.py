"""Drive a program in a real terminal (tmux) with keys, as a user would, and read the screen.

Each ``Tmux`` runs its own tmux server (a private socket, no user configuration), so tests
running in parallel never share a server, and ``close`` stops everything it started. The pane
stays on screen after the program exits (``remain-on-exit``), so a crash leaves its traceback
readable and its exit status known.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

Condition = str | re.Pattern[str] | Callable[[str], bool]


def available() -> bool:
    return shutil.which("tmux") is not None


def matches(condition: Condition, screen: str) -> bool:
    if isinstance(condition, str):
        return condition in screen
    if isinstance(condition, re.Pattern):
        return condition.search(screen) is not None
    return bool(condition(screen))


def describe(condition: Condition) -> str:
    if isinstance(condition, re.Pattern):
        return f"/{condition.pattern}/"
    if callable(condition):
        return getattr(condition, "__doc__", None) or getattr(condition, "__name__", repr(condition))
    return repr(condition)


# The server, and so every program in it, starts with the test's environment. COLUMNS and LINES
# (pytest plugins set them) would pin the program's idea of the terminal size: no resize would
# ever reach it. TMUX would make tmux think it runs inside another tmux.
_UNSET = ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")


def _server_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _UNSET}


def all_of(*conditions: Condition) -> Callable[[str], bool]:
    """A condition that holds when every one of ``conditions`` does."""
    def check(screen: str) -> bool:
        return all(matches(c, screen) for c in conditions)

    check.__doc__ = " and ".join(describe(c) for c in conditions)
    return check


class Tmux:
    def __init__(self, command: str, *, cols: int = 80, rows: int = 24, cwd: str | None = None) -> None:
        """Start ``command`` (a shell command line) in a new ``cols`` x ``rows`` window."""
        self.name = f"cairn-{uuid.uuid4().hex[:8]}"
        self.socket = self.name
        where = ["-c", cwd] if cwd else []
        # The shell records the exit status: tmux's #{pane_dead_status} is not always set when
        # the pane closes (the terminal's EOF can come first).
        fd, self._status_file = tempfile.mkstemp(prefix=f"{self.name}-", suffix=".status")
        os.close(fd)
        wrapped = f"{command}; echo $? > {shlex.quote(self._status_file)}.tmp && " \
                  f"mv {shlex.quote(self._status_file)}.tmp {shlex.quote(self._status_file)}"
        # One invocation, options first: the server stays up with no session (exit-empty off) and
        # keeps the pane of a program that exits (remain-on-exit) from before the program starts.
        # Set after new-session, a program that exited before tmux got to the next command (a
        # loaded machine) took the session and the server with it: "server exited unexpectedly".
        self._tmux("set-option", "-g", "exit-empty", "off",
                   ";", "set-option", "-g", "remain-on-exit", "on",
                   ";", "set-option", "-g", "status", "off",
                   ";", "new-session", "-d", "-x", str(cols), "-y", str(rows), "-s", self.name, *where, wrapped,
                   check=True)
        if log := os.environ.get("TMUX_DRIVER_LOG"):  # debugging: every byte the program writes
            self._tmux("pipe-pane", "-t", self.name, f"cat >> {shlex.quote(log)}")

    def _tmux(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-u", "-f", "/dev/null", "-L", self.socket, *args],
                              capture_output=True, text=True, check=check, env=_server_env())

    # --- input ----------------------------------------------------------------------------
    def keys(self, *keys: str, pause: float = 0.05) -> None:
        """Send tmux key names (``Enter``, ``S-Up``, ``C-a``, ``y``), one at a time."""
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key, check=True)
            time.sleep(pause)

    def burst(self, *keys: str) -> None:
        """Send every key in one send-keys call, as one write: how SSH delivers keys typed ahead.
        Key names (``Enter``, ``C-u``) are keys; anything else is typed as it is."""
        self._tmux("send-keys", "-t", self.name, *keys, check=True)

    def type(self, text: str, pause: float = 0.05) -> None:
        """Type ``text`` literally."""
        self._tmux("send-keys", "-t", self.name, "-l", text, check=True)
        time.sleep(pause)

    # --- output ---------------------------------------------------------------------------
    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name).stdout

    def wait_for(self, condition: Condition, timeout: float = 30.0) -> str:
        """Poll the screen until ``condition`` (text, compiled regex or predicate) holds."""
        return self._wait(condition, True, timeout)

    def wait_gone(self, condition: Condition, timeout: float = 30.0) -> str:
        return self._wait(condition, False, timeout)

    def _wait(self, condition: Condition, present: bool, timeout: float) -> str:
        end = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen()
            if matches(condition, screen) == present:
                return screen
            if self.dead():
                raise AssertionError(f"the program exited (status {self.exit_status()}) while waiting for "
                                     f"{describe(condition)}:\n{screen}")
            if time.monotonic() > end:
                what = "did not appear on" if present else "stayed on"
                raise AssertionError(f"{describe(condition)} {what} screen after {timeout:.0f}s:\n{screen}")
            time.sleep(0.05)

    # --- the window -------------------------------------------------------------------------
    def resize(self, cols: int, rows: int, *, timeout: float = 10.0) -> None:
        """Resize the window and wait until the pane has the new size (the program gets SIGWINCH)."""
        self._tmux("resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows), check=True)
        end = time.monotonic() + timeout
        while self.size() != (cols, rows):
            if time.monotonic() > end:
                raise AssertionError(f"the pane is {self.size()}, not {(cols, rows)}")
            time.sleep(0.05)

    def size(self) -> tuple[int, int]:
        out = self._tmux("display-message", "-p", "-t", self.name, "#{pane_width} #{pane_height}").stdout.split()
        return (int(out[0]), int(out[1])) if len(out) == 2 else (0, 0)

    def term(self) -> str:
        """The terminal type programs in the pane see (``TERM``)."""
        return self._tmux("show-options", "-gv", "default-terminal").stdout.strip()

    def dead(self) -> bool:
        out = self._tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").stdout.strip()
        return out == "1"

    def exit_status(self) -> int | None:
        """The program's exit status once it has exited, else ``None``."""
        try:
            text = Path(self._status_file).read_text().strip()
        except OSError:
            return None
        return int(text) if text.lstrip("-").isdigit() else None

    def wait_exit(self, timeout: float = 30.0) -> int | None:
        """Wait for the program to exit and return its status."""
        end = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > end:
                raise AssertionError(f"the program did not exit within {timeout:.0f}s:\n{self.screen()}")
            time.sleep(0.05)
        return status

    def close(self) -> None:
        self._tmux("kill-server")
        for path in (self._status_file, self._status_file + ".tmp"):
            with contextlib.suppress(OSError):
                os.unlink(path)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
