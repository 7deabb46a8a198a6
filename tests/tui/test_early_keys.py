"""Keys typed while the dashboard starts reach it as typed (cairn/early_keys.py), and the terminal
goes back to the user's settings when it exits."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import termios

import pytest

from cairn import early_keys


@pytest.fixture
def terminal(monkeypatch):
    """A pseudo-terminal as standard input: (the keyboard's end, the program's end)."""
    keyboard, program = os.openpty()
    stdin = os.fdopen(program, "r", closefd=False)
    monkeypatch.setattr(sys, "stdin", stdin)
    yield keyboard, program
    early_keys.restore()
    stdin.close()
    os.close(keyboard)
    os.close(program)


def _read(fd: int, wanted: bytes, limit: float = 60.0) -> bytes:
    """Read ``fd`` until ``wanted`` has come (``limit`` only ends a broken run)."""
    got = b""
    while wanted not in got:
        ready, _, _ = select.select([fd], [], [], limit)
        if not ready:
            raise AssertionError(f"{wanted!r} never came: {got[-300:]!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        got += chunk
    return got


def test_enter_typed_as_the_dashboard_starts_stays_enter_and_is_not_echoed(terminal):
    keyboard, program = terminal
    before = termios.tcgetattr(program)
    early_keys.hold_keys_raw()
    os.write(keyboard, b"\x1b[B\r")
    assert _read(program, b"\r") == b"\x1b[B\r"  # cooked, it was "\x1b[B\n": ctrl+j, not enter
    assert not select.select([keyboard], [], [], 0)[0]  # nothing echoed back
    early_keys.restore()
    assert termios.tcgetattr(program) == before


def test_nothing_changes_when_standard_input_is_not_a_terminal(monkeypatch, tmp_path):
    with open(tmp_path / "keys", "w+") as not_a_terminal:
        monkeypatch.setattr(sys, "stdin", not_a_terminal)
        early_keys.hold_keys_raw()
        assert early_keys.ORIGINAL is None


def test_the_dashboard_leaves_the_terminal_as_the_user_had_it(seeded, db_path):
    """Textual restores the settings it found when it started, which Cairn had already changed:
    the driver is given the user's own (else a suspended dashboard left the shell without echo
    or line editing)."""
    keyboard, program = os.openpty()
    before = termios.tcgetattr(program)
    env = dict(os.environ, TERM="xterm-256color", TZ="UTC")
    proc = subprocess.Popen([sys.executable, "-m", "cairn", "--db", str(db_path)], stdin=program,
                            stdout=program, stderr=program, env=env, start_new_session=True)
    try:
        _read(keyboard, b"Earnings")
        os.kill(proc.pid, signal.SIGTSTP)  # suspended (ctrl+z in a shell): the shell gets it back
        _, status = os.waitpid(proc.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status)
        assert termios.tcgetattr(program) == before
        os.kill(proc.pid, signal.SIGCONT)
        _read(keyboard, b"Earnings")  # drawn again
        os.write(keyboard, b"q")
        assert proc.wait(60) == 0
        assert termios.tcgetattr(program) == before
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(keyboard)
        os.close(program)
