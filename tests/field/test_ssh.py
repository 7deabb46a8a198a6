"""The end-to-end walk once more, through a real SSH connection: a throwaway OpenSSH server on
127.0.0.1 (tests/field/sshd.py), and `ssh -t` to it inside tmux at 80x24. The same keys as
tests/field/test_e2e_terminal.py (the shared ``walk``), the same checks of the database.
"""

from __future__ import annotations

import shlex

import pytest

from tests.field import sshd
from tests.field import tmux as tmux_driver
from tests.field.helpers import ROOT
from tests.field.test_e2e_terminal import ENV, cairn_argv, check_database, walk
from tests.field.tmux import Tmux

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_driver.available(), reason="tmux is not installed"),
    pytest.mark.skipif(not sshd.available(), reason=f"OpenSSH is not installed (no {sshd.SSHD}, ssh or ssh-keygen)"),
]


def test_walk_over_ssh(tmp_path):
    db = tmp_path / "cairn.db"
    seen_term = tmp_path / "remote-term"
    # The remote shell starts in the user's home with sshd's minimal environment: absolute paths
    # for the repository, the console script and the database; TERM comes with the pty request.
    env = [f"{k}={v}" for k, v in ENV.items()]
    remote = (f"cd {shlex.quote(str(ROOT))} && printf %s \"$TERM\" > {shlex.quote(str(seen_term))} && "
              + shlex.join(["env", *env, *cairn_argv(), "--db", str(db)]))
    with sshd.loopback_sshd(tmp_path / "sshd") as ssh, \
            Tmux(shlex.join([*ssh, remote]), cols=80, rows=24, cwd=str(ROOT)) as t:
        walk(t)
        local_term = t.term()
    assert seen_term.read_text() == local_term, "the terminal type did not reach the remote side"
    check_database(db)
