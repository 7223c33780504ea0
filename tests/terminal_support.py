"""Driving the installed `unship` command in a real terminal (tmux) as a person would.

Each `Terminal` runs its own tmux server (`tmux -L <unique socket>`, no user config), so tests
never share state and the teardown kills exactly what the test started. Reading the screen is
`capture-pane`; typing is `send-keys`. Nothing waits a fixed time: every step polls the screen
(or the pane's cursor and mode flags) until what a person would wait for shows, with a timeout
generous enough for a busy 2-core CI machine. When the wait runs out, the error shows the screen.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import msgspec

TMUX = shutil.which("tmux")
UNSHIP = str(Path(sys.executable).with_name("unship"))  # the command this venv installed
TODAY = "2026-11-28"
TIMEOUT = float(os.environ.get("UNSHIP_E2E_TIMEOUT", "45"))
# The terminal modes an app can leave behind, as tmux reports them for a pane.
MODE_FLAGS = (
    "alternate_on",
    "mouse_any_flag",
    "mouse_all_flag",
    "mouse_button_flag",
    "mouse_standard_flag",
    "mouse_sgr_flag",
    "mouse_utf8_flag",
    "cursor_flag",
    "keypad_cursor_flag",
    "keypad_flag",
)
EXITED = "[the command ended with status "  # what the pane's shell prints after it
_serial = itertools.count()


def skip_reason() -> str | None:
    """Why the real-terminal tests cannot run here, or None."""
    if TMUX is None:
        return "tmux is not installed (.ci/run installs it with apt-get)"
    if not Path(UNSHIP).exists():
        return f"the unship command is not installed beside {sys.executable}"
    return None


class Terminal:
    """One tmux server with one pane running a command; the pane stays after the command ends."""

    def __init__(self, tmp: Path, width: int = 80, height: int = 24) -> None:
        self.socket = f"unship-e2e-{os.getpid()}-{next(_serial)}"
        self.tmp = tmp
        self.width, self.height = width, height
        self.started = False
        self.status_file = tmp / f"{self.socket}.status"

    # -- tmux ---------------------------------------------------------------------------
    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            # -u and a UTF-8 locale: without them tmux shows "·" and "›" as "_" on a machine
            # whose environment names no UTF-8 locale (a CI runner's may not)
            [TMUX, "-u", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, argv: Iterable[str], env: dict[str, str] | None = None) -> None:
        """Run argv in a fresh pane of width x height with env (TERM, UNSHIP_DB, ...) set.

        A shell runs it, writes its exit status to a file, prints a marker and waits: once the
        marker shows, tmux has taken in every byte the app wrote, so the pane's modes are the
        ones the app left behind. (A pane that closes can lose the last bytes, and its status.)
        """
        assignments = [f"{k}={v}" for k, v in (env or {}).items()]
        status = shlex.quote(str(self.status_file))
        script = f'"$@"; s=$?; echo $s > {status}; echo "{EXITED}$s"; exec sleep 3600'
        self.tmux(
            "new-session", "-d", "-x", str(self.width), "-y", str(self.height),
            "sh", "-c", script, "sh", "env", *assignments, *argv,
        )  # fmt: skip
        self.started = True

    def start_unship(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.start([UNSHIP, "--today", TODAY, *args], env=unship_env(env))

    def close(self) -> None:
        if self.started:
            self.tmux("kill-server", check=False)
            self.started = False

    # -- reading ------------------------------------------------------------------------
    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "0")

    def lines(self) -> list[str]:
        return self.screen().splitlines()

    def info(self, *names: str) -> dict[str, str]:
        values = self.tmux("display", "-p", "-t", "0", "\t".join(f"#{{{n}}}" for n in names))
        return dict(zip(names, values.rstrip("\n").split("\t"), strict=True))

    def cursor(self) -> tuple[int, int]:
        got = self.info("cursor_x", "cursor_y")
        return int(got["cursor_x"]), int(got["cursor_y"])

    def modes(self) -> dict[str, str]:
        return self.info(*MODE_FLAGS)

    def pid(self) -> int:
        """The command's process id (the pane runs a shell that waits for it)."""
        shell = int(self.info("pane_pid")["pane_pid"])
        children = Path(f"/proc/{shell}/task/{shell}/children")
        self.wait_until(lambda: children.read_text().split() != [], "the command to start")
        return int(children.read_text().split()[0])

    # -- waiting ------------------------------------------------------------------------
    def wait(self, check: Callable[[str], bool], what: str, timeout: float = TIMEOUT) -> str:
        """Poll the screen until check(screen) holds; the screen then. Fails if the app ends."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if self.exited():
                raise AssertionError(f"the app ended while waiting for {what}:\n{screen}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen}")
            time.sleep(0.05)

    def wait_text(self, *texts: str, timeout: float = TIMEOUT) -> str:
        return self.wait(lambda s: all(t in s for t in texts), f"{texts!r}", timeout)

    def wait_gone(self, *texts: str, timeout: float = TIMEOUT) -> str:
        return self.wait(lambda s: not any(t in s for t in texts), f"{texts!r} to go", timeout)

    def wait_line(self, pattern: str, timeout: float = TIMEOUT) -> str:
        """Wait for a screen line matching the regex; that line."""
        regex = re.compile(pattern)
        screen = self.wait(
            lambda s: any(regex.search(line) for line in s.splitlines()), f"/{pattern}/", timeout
        )
        return next(line for line in screen.splitlines() if regex.search(line))

    def wait_until(self, check: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.screen()}")
            time.sleep(0.05)

    def exited(self) -> bool:
        return self.status_file.exists() and self.status_file.read_text().endswith("\n")

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        """Wait for the command to end and tmux to show all it wrote; its exit status."""
        self.wait_until(self.exited, "the app to exit", timeout)
        self.wait_until(lambda: EXITED in self.screen(), "the end marker", timeout)
        return int(self.status_file.read_text())

    # -- typing -------------------------------------------------------------------------
    def keys(self, *keys: str) -> None:
        """Press named keys (Enter, Tab, Escape, Down, C-s, ...) or single characters."""
        self.tmux("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "0", "-l", text)

    def press_moving_cursor(self, key: str) -> None:
        """Press a key that moves the focus (Tab, /) and wait until the cursor has moved."""
        before = self.cursor()
        self.keys(key)
        self.wait_until(lambda: self.cursor() != before, f"{key} to move the focus")

    def open_filter(self) -> None:
        """Press / on the list and wait for the filter to take the keys (its footer shows)."""
        self.keys("/")
        self.wait_line(r"^ ?/ filter\s+esc clear")

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", "0", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height


def unship_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a test's app runs with: the test's isolated data and config folders."""
    env = {
        name: os.environ[name]
        for name in ("UNSHIP_DB", "UNSHIP_CONFIG_DIR", "HOME", "LANG", "LC_ALL", "PATH")
        if name in os.environ
    }
    env.setdefault("LANG", "C.UTF-8")
    env["TEXTUAL_ANIMATIONS"] = "none"
    env.update(extra or {})
    return env


def clean_modes(tmp: Path) -> dict[str, str]:
    """The mode flags of a pane whose command printed nothing and ended: the tidy terminal."""
    term = Terminal(tmp)
    try:
        term.start(["true"])
        term.wait_exit()
        return term.modes()
    finally:
        term.close()


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    """Run the installed `unship` command (not in a terminal) on db."""
    return subprocess.run(
        [UNSHIP, "--db", str(db), "--today", TODAY, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **unship_env()},
    )


def orders_json(db: Path) -> list[dict]:
    done = cli("list", "--all", "--json", db=db)  # every stored order, the archive too
    assert done.returncode == 0, done.stderr
    return msgspec.json.decode(done.stdout)


def action_index(db: Path, order_id: int, label: str) -> int:
    """Where `label` stands in the order's actions panel (the order `unship actions` gives)."""
    done = cli("actions", str(order_id), "--json", db=db)
    assert done.returncode == 0, done.stderr
    labels = [a["label"] for a in msgspec.json.decode(done.stdout)]
    assert label in labels, f"{label!r} is not among the actions {labels}"
    return labels.index(label)


def demo_db(folder: Path) -> Path:
    """A data file in folder holding the demo orders, judged on the tests' fixed day."""
    from datetime import date

    from unship.store import demo
    from unship.store.repository import OrderBook

    path = folder / "orders.json"
    with OrderBook(path, today=date.fromisoformat(TODAY)) as book:
        demo.fill(book, book.today)
    return path
