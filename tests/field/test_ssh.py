"""The end-to-end walk once more, through a real SSH connection: a throwaway OpenSSH server on
127.0.0.1 (tests/field/sshd.py), and `ssh -t` to it inside tmux at 80x24. The same keys as
tests/field/test_e2e_terminal.py (the shared ``walk``), the same checks of the database.
"""

from __future__ import annotations

import shlex
import sqlite3
import subprocess

import pytest

from tests.field import sshd
from tests.field import tmux as tmux_driver
from tests.field.helpers import ROOT
from tests.field.test_e2e_terminal import ENV, STEP, cairn_argv, check_database, walk
from tests.field.tmux import Tmux

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tmux_driver.available(), reason="tmux is not installed"),
    pytest.mark.skipif(not sshd.available(), reason=f"OpenSSH is not installed (no {sshd.SSHD}, ssh or ssh-keygen)"),
]


@pytest.mark.cost(12)
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


@pytest.mark.cost(5)
def test_a_release_typed_ahead_in_one_burst_over_ssh_records_exactly_that_amount(tmp_path):
    """Issue 11 §1: the filter, opening the board, acting as the client, the release dialog, its
    amount and the confirmation, all in one write through SSH: exactly 1,234.56 is released."""
    db = tmp_path / "cairn.db"
    subprocess.run([*cairn_argv(), "--db", str(db), "demo"], cwd=ROOT, check=True, capture_output=True,
                   timeout=120)
    env = [f"{k}={v}" for k, v in ENV.items()]
    remote = f"cd {shlex.quote(str(ROOT))} && " + shlex.join(["env", *env, *cairn_argv(), "--db", str(db)])
    with sshd.loopback_sshd(tmp_path / "sshd") as ssh, \
            Tmux(shlex.join([*ssh, remote]), cols=80, rows=24, cwd=str(ROOT)) as t:
        t.wait_for("Brand refresh", STEP)
        t.burst("/Brand refresh", "Enter", "Enter", "w", "r", "C-u", "1234.56", "Enter", "y")
        t.wait_for('$1,234.56 released on "Logo concepts"', STEP)
        t.keys("q")
        assert t.wait_exit(STEP) == 0
    with sqlite3.connect(db) as conn:
        releases = conn.execute("select l.amount_minor from ledger_entry l join milestone m on m.id = l.milestone_id "
                                "where l.kind = 'release' and m.title = 'Logo concepts'").fetchall()
    assert releases == [(123456,)]
