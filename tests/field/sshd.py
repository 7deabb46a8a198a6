"""A throwaway OpenSSH server on loopback, for running cairn through ``ssh -t``.

Host and user keys are generated per test run in a temporary folder; the server listens
on 127.0.0.1 only, accepts only that key, and is stopped when the test ends.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def available() -> bool:
    """An OpenSSH server and client are installed (``.ci/run`` installs them)."""
    return os.path.exists(SSHD) and shutil.which("ssh") is not None and shutil.which("ssh-keygen") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def loopback_sshd(workdir: Path):
    workdir.mkdir(parents=True, exist_ok=True)
    host_key, user_key = workdir / "host_ed25519", workdir / "user_ed25519"
    for key in (host_key, user_key):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    auth = workdir / "authorized_keys"
    auth.write_text((user_key.with_suffix(".pub")).read_text())
    os.chmod(auth, 0o600)
    port = _free_port()
    config = workdir / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
AuthorizedKeysFile {auth}
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile {workdir / 'sshd.pid'}
AcceptEnv TERM LANG LC_*
""")
    # The privilege separation directory sshd insists on (as root); a non-root sshd does without.
    with contextlib.suppress(OSError):
        Path("/run/sshd").mkdir(exist_ok=True)
    log = workdir / "sshd.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"sshd exited with status {proc.returncode}:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"sshd is not listening on port {port}:\n{log.read_text()}") from None
                time.sleep(0.05)
        ssh = ["ssh", "-t", "-F", "/dev/null", "-p", str(port), "-i", str(user_key), "-o", "IdentitiesOnly=yes",
               "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", "-o", "StrictHostKeyChecking=no",
               "-o", f"UserKnownHostsFile={workdir / 'known_hosts'}", "-o", "LogLevel=ERROR",
               f"{getpass.getuser()}@127.0.0.1"]
        yield ssh
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
