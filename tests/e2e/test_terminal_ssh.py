"""unship over SSH: an sshd on the loopback address (a throwaway host key and user key, run as
the current user, its own config in a temp folder) and the full flow through `ssh -t` in a real
terminal (tmux). Then the connection drops mid-session: the app ends on the hang-up, keeps what
was saved and leaves no lock. Skipped, with the reason, where sshd is not installed.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from filelock import FileLock
from tally import count
from terminal_support import TODAY, UNSHIP, Terminal, demo_db, orders_json, skip_reason, unship_env
from test_terminal_flow import full_flow

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
SSH, KEYGEN = shutil.which("ssh"), shutil.which("ssh-keygen")


def _ssh_skip() -> str | None:
    if skip_reason():
        return skip_reason()
    if not (SSHD and SSH and KEYGEN):
        return "openssh-server and openssh-client are not installed (.ci/run installs them)"
    return None


pytestmark = pytest.mark.skipif(_ssh_skip() is not None, reason=str(_ssh_skip()))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sshd:
    """An sshd of our own on 127.0.0.1: started here, stopped here, nothing system-wide."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.user = getpass.getuser()
        self.key = folder / "user_key"
        for key in (folder / "host_key", self.key):
            subprocess.run(
                [KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=60
            )
        (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
        config = folder / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {folder / 'host_key'}",
                    f"PidFile {folder / 'sshd.pid'}",
                    f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "PermitRootLogin prohibit-password",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        if os.geteuid() == 0:  # sshd run by root wants its privilege-separation folder
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.log = (folder / "sshd.log").open("w")
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_listening()

    def _wait_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd stopped: {(self.folder / 'sshd.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def command(self, remote: list[str], env: dict[str, str]) -> list[str]:
        """`ssh -t` running remote (with env) on this server."""
        line = " ".join(shlex.quote(a) for a in ["env", *[f"{k}={v}" for k, v in env.items()]])
        line += " " + " ".join(shlex.quote(a) for a in remote)
        return [
            SSH, "-t", "-i", str(self.key), "-p", str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            "-F", os.devnull, f"{self.user}@127.0.0.1", line,
        ]  # fmt: skip

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    server = Sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tidy(tmp_path_factory):
    from terminal_support import clean_modes

    return clean_modes(tmp_path_factory.mktemp("clean"))


@pytest.fixture
def db(tmp_path):
    """A data file holding the demo orders."""
    return demo_db(tmp_path)


def remote_unship(sshd: Sshd, db: Path):
    """Start unship on db at the far end of `ssh -t`, in the terminal it is given."""
    remote_env = unship_env()
    remote_env.pop("LANG", None)
    remote_env["LANG"] = "C.UTF-8"

    def launch(term: Terminal) -> None:
        term.start(sshd.command([UNSHIP, "--db", str(db), "--today", TODAY], remote_env))

    return launch


def test_full_flow_over_ssh(tmp_path, sshd, db, tidy):
    term = Terminal(tmp_path, 80, 24)
    try:
        full_flow(term, db, tidy, resize_to=(132, 43), launch=remote_unship(sshd, db))
    finally:
        term.close()


def _apps_on(path: Path) -> list[int]:
    """The unship processes running on path (our unique temp file), found by command line."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:
                continue
            if UNSHIP in argv[:2] and str(path) in argv:
                found.append(int(entry.name))
    return found


def test_connection_dropping_ends_the_app_and_loses_nothing(tmp_path, sshd, db):
    """The SSH client dies (the laptop lid shuts, the network goes): sshd hangs up on the app.
    The app must end by itself, keep every order it saved and leave the lock free."""
    count("faults: SSH connection dropped (SIGHUP)")
    term = Terminal(tmp_path, 80, 24)
    try:
        remote_unship(sshd, db)(term)
        term.wait_text("open ·", "next deadline")
        term.keys("A")
        term.wait_text("Quick add")
        term.type("Zappos ZP-5150 Trail runner shoes $89.50")
        term.keys("Enter")
        term.wait_gone("Quick add")
        term.wait_text("Zappos")
        term.keys("a")  # a second order half typed when the line drops
        term.wait_text("New order")
        term.type("Half typed")
        term.wait_text("Half typed")
        assert len(_apps_on(db)) == 1
        os.kill(term.pid(), signal.SIGKILL)  # the ssh client, gone without a word
        deadline = time.monotonic() + 30
        while _apps_on(db):
            assert time.monotonic() < deadline, "the app kept running after the hang-up"
            time.sleep(0.1)
    finally:
        term.close()
    with FileLock(f"{db}.lock", timeout=0):
        pass
    numbers = [o["order_number"] for o in orders_json(db)]
    assert "ZP-5150" in numbers and len(numbers) == 18
