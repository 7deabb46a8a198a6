"""A program in a real pseudo-terminal, as a user's terminal would run it: we write keys,
read what it writes back, and time both ends. No Textual internals involved.

Besides the raw output it keeps a rough model of the screen, enough to read a table's cursor
back: for each line, what was last drawn from its first column (escapes included), updated
whenever a frame (a synchronized update) is complete.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Callable

FRAME_END = b"\x1b[?2026l"  # the end of a synchronized update: the frame is complete
_MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")
_FIRST_STYLE = re.compile(rb"\x1b\[([0-9;]*)m")


class PtyProgram:
    def __init__(self, argv: list[str], *, cols: int = 120, rows: int = 36, env: dict | None = None) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color", **(env or {})})
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.output = bytearray()
        self.lines: dict[int, bytes] = {}  # screen line (1-based) -> last drawn from column 1
        self._parsed = 0  # how much of ``output`` the line model has seen

    # --- receiving -------------------------------------------------------------------------
    def _receive(self, timeout: float) -> bytes:
        """One read of what is there within ``timeout`` seconds (b"" if nothing)."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return b""
        # Textual asks the terminal for capabilities; a real terminal answers, so do we.
        if b"\x1b[?2026$p" in chunk:
            os.write(self.fd, b"\x1b[?2026;2$y")
        if b"\x1b[?2048$p" in chunk:
            os.write(self.fd, b"\x1b[?2048;0$y")
        self.output += chunk
        if FRAME_END in chunk:
            self._parse_frames()
        return chunk

    def _parse_frames(self) -> None:
        end = self.output.rfind(FRAME_END)
        if end < self._parsed:
            return
        text = bytes(self.output[self._parsed:end])
        self._parsed = end + len(FRAME_END)
        moves = list(_MOVE.finditer(text))
        for move, nxt in zip(moves, moves[1:] + [None], strict=True):
            if move.group(2) == b"1":
                self.lines[int(move.group(1))] = text[move.end():nxt.start() if nxt else len(text)]

    def read_for(self, seconds: float) -> bytes:
        """Read whatever arrives within ``seconds``."""
        got = bytearray()
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            got += self._receive(left)
        return bytes(got)

    def wait_for(self, needle: bytes, timeout: float = 30.0) -> float:
        """Seconds since start until ``needle`` has been written to the terminal."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if needle in self.output:
                return time.perf_counter() - self.started
            self._receive(0.05)
        raise TimeoutError(f"{needle!r} never appeared")

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Read until nothing has arrived for ``quiet`` seconds."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if not self.read_for(quiet):
                return

    # --- keys ------------------------------------------------------------------------------
    def key(self, data: bytes, *, quiet: float = 0.12, timeout: float = 5.0) -> tuple[float, int]:
        """Send a key; return (seconds until the first frame after it is complete, bytes written)."""
        self.settle(0.15)
        start = len(self.output)
        sent = time.perf_counter()
        os.write(self.fd, data)
        last = None
        end = sent + timeout
        while time.perf_counter() < end:
            chunk = self._receive(quiet if last else end - time.perf_counter())
            if not chunk:
                break
            last = time.perf_counter()
            if self.output.endswith(FRAME_END):
                break
        return ((last or time.perf_counter()) - sent), len(self.output) - start

    def tap(self, data: bytes, pause: float = 0.02) -> None:
        """Send a key without timing it (for getting somewhere)."""
        os.write(self.fd, data)
        self.read_for(pause)

    def key_until(self, data: bytes, needle: bytes, *, timeout: float = 10.0,
                  settle: float = 0.15) -> tuple[float, int]:
        """Send a key; return (seconds until the frame that shows ``needle`` was complete, bytes)."""
        return self.key_until_frame(data, lambda got: needle in got, timeout=timeout, settle=settle,
                                    what=repr(needle))

    def key_until_frame(self, data: bytes, done: Callable[[bytes], bool], *, timeout: float = 10.0,
                        settle: float = 0.15, what: str = "the frame") -> tuple[float, int]:
        """Send a key; return (seconds until a complete frame after which ``done(bytes written
        since the key)`` holds, bytes written)."""
        if settle:
            self.settle(settle)
        start = len(self.output)
        sent = time.perf_counter()
        os.write(self.fd, data)
        end = sent + timeout
        while time.perf_counter() < end:
            if not self._receive(end - time.perf_counter()):
                continue
            arrived = time.perf_counter()
            got = bytes(self.output[start:])
            if (got.endswith(FRAME_END) or FRAME_END not in got) and done(got):
                return arrived - sent, len(got)
        raise TimeoutError(f"{what} did not appear")

    # --- the screen, line by line ------------------------------------------------------------
    def line_with(self, text: bytes) -> int | None:
        """The screen line whose last drawing (from its first column) shows ``text``."""
        return next((y for y, drawn in self.lines.items() if text in drawn), None)

    def line_style(self, y: int | None) -> bytes | None:
        """The style (SGR parameters) of the first run last drawn on line ``y``."""
        match = _FIRST_STYLE.match(self.lines.get(y, b"")) if y is not None else None
        return match.group(1) if match else None

    # --- the process -------------------------------------------------------------------------
    def peak_rss_kb(self) -> int:
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)
