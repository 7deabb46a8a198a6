"""A program in a real pseudo-terminal, as a user's terminal would run it: we write keys,
read what it writes back, and time both ends. No Textual internals involved."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time


class PtyProgram:
    def __init__(self, argv: list[str], *, cols: int = 120, rows: int = 36, env: dict | None = None) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execvpe(argv[0], argv, {**os.environ, "TERM": "xterm-256color", **(env or {})})
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.output = bytearray()
        self.answered_queries = 0

    def _answer_queries(self, chunk: bytes) -> None:
        # Textual asks the terminal for capabilities; a real terminal answers, so do we.
        if b"\x1b[?2026$p" in chunk:
            os.write(self.fd, b"\x1b[?2026;2$y")
        if b"\x1b[?2048$p" in chunk:
            os.write(self.fd, b"\x1b[?2048;0$y")

    def read_for(self, seconds: float) -> bytes:
        """Read whatever arrives within ``seconds``."""
        got = bytearray()
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                self._answer_queries(chunk)
                got += chunk
        self.output += got
        return bytes(got)

    def wait_for(self, needle: bytes, timeout: float = 30.0) -> float:
        """Seconds since start until ``needle`` has been written to the terminal."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if needle in self.output:
                return time.perf_counter() - self.started
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                self._answer_queries(chunk)
                self.output += chunk
        raise TimeoutError(f"{needle!r} never appeared")

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if not self.read_for(quiet):
                return

    def key(self, data: bytes, *, quiet: float = 0.12, timeout: float = 5.0) -> tuple[float, int]:
        """Send a key; return (seconds until the screen update finished, bytes written)."""
        self.settle(0.15)
        sent = time.perf_counter()
        os.write(self.fd, data)
        got = bytearray()
        last = None
        end = sent + timeout
        while time.perf_counter() < end:
            r, _, _ = select.select([self.fd], [], [], quiet if got else timeout)
            if not r:
                break
            chunk = os.read(self.fd, 65536)
            self._answer_queries(chunk)
            got += chunk
            last = time.perf_counter()
            if got.endswith(b"\x1b[?2026l"):  # end of a synchronized update: the frame is complete
                break
        self.output += got
        return ((last or time.perf_counter()) - sent), len(got)

    def tap(self, data: bytes, pause: float = 0.02) -> None:
        """Send a key without timing it (for getting somewhere)."""
        os.write(self.fd, data)
        self.read_for(pause)

    def key_until(self, data: bytes, needle: bytes, *, timeout: float = 10.0) -> tuple[float, int]:
        """Send a key; return (seconds until the frame that shows ``needle`` was complete, bytes)."""
        self.settle(0.15)
        sent = time.perf_counter()
        os.write(self.fd, data)
        got = bytearray()
        end = sent + timeout
        while time.perf_counter() < end:
            r, _, _ = select.select([self.fd], [], [], 0.5)
            if not r:
                continue
            chunk = os.read(self.fd, 65536)
            self._answer_queries(chunk)
            got += chunk
            if needle in got and (got.endswith(b"\x1b[?2026l") or b"\x1b[?2026l" not in got):
                break
        else:
            raise TimeoutError(f"{needle!r} did not appear")
        took = time.perf_counter() - sent
        self.output += got
        return took, len(got)

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
