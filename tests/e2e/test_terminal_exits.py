"""The app in a real terminal (tmux): every way it ends leaves the terminal tidy, and the
terminal variants people use (TERM, NO_COLOR, small and large windows, a resize) show what
matters.

Tidy means the pane's modes are those of a pane no app touched: no alternate screen left on,
no mouse reporting, the cursor visible. A hang-up (SIGHUP: the SSH connection dropping) or a
SIGTERM ends the app cleanly too: nothing confirmed is lost and no lock is left held.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from filelock import FileLock
from tally import count
from terminal_support import Terminal, clean_modes, cli, demo_db, orders_json, skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))


@pytest.fixture
def db(tmp_path):
    """A data file holding the demo orders."""
    return demo_db(tmp_path)


@pytest.fixture
def term(tmp_path):
    made = Terminal(tmp_path)
    yield made
    made.close()


@pytest.fixture(scope="module")
def tidy(tmp_path_factory):
    return clean_modes(tmp_path_factory.mktemp("clean"))


def wait_for_list(term: Terminal) -> None:
    term.wait_text("open ·", "retailer", "next deadline")


def quick_add(term: Terminal, line: str) -> None:
    """Log an order with the one-line quick add (A), as a person would."""
    term.keys("A")
    term.wait_text("Quick add")
    term.type(line)
    term.keys("Enter")
    term.wait_gone("Quick add")


def assert_not_locked(db) -> None:
    """Nobody holds the order file's lock: it can be taken at once."""
    lock = FileLock(f"{db}.lock", timeout=0)
    with lock:
        pass


# -- how the app ends -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("how", "status"),
    [("q", 0), ("ctrl+c", 0), ("ctrl+c in the order view", 0)],
)
def test_quitting_by_key_restores_the_terminal(term, db, tidy, how, status):
    term.start_unship("--db", str(db))
    wait_for_list(term)
    if how == "ctrl+c in the order view":
        term.keys("Enter")
        term.wait_text("Actions")
    term.keys("q" if how == "q" else "C-c")
    assert term.wait_exit() == status
    assert term.modes() == tidy


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_signal_ends_the_app_cleanly_and_loses_nothing(term, db, tidy, signum):
    """The connection drops (SIGHUP) or the system stops the app (SIGTERM) right after a save,
    with the add form open and half filled: what was saved stays, the lock is free, the
    terminal is tidy."""
    name = signal.Signals(signum).name
    count(f"faults: {name} in TUI")
    term.start_unship("--db", str(db))
    wait_for_list(term)
    quick_add(term, "Zappos ZP-9001 Trail runner shoes $89.50")
    term.wait_text("Zappos")
    term.keys("a")  # and a second order is half typed when the signal comes
    term.wait_text("New order")
    term.type("Half typed")
    term.wait_text("Half typed")
    os.kill(term.pid(), signum)
    assert term.wait_exit() == 128 + signum
    assert term.modes() == tidy
    assert_not_locked(db)
    numbers = [o["order_number"] for o in orders_json(db)]
    assert "ZP-9001" in numbers and len(numbers) == 18
    done = cli("mark", str(numbers.index("ZP-9001") + 1), "shipped", db=db)
    assert done.returncode == 0, done.stderr  # the file is whole and writable


# -- terminal variants: a shorter flow --------------------------------------------------------
VARIANTS = {
    "xterm-256color": {"TERM": "xterm-256color"},
    "screen": {"TERM": "screen"},
    "linux": {"TERM": "linux"},
    "NO_COLOR": {"TERM": "xterm-256color", "NO_COLOR": "1"},
    # exported by some shells and parent programs: the app once froze at this size
    "stale COLUMNS and LINES": {"TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_terminal_variant_shows_state_and_deadline_through_resizes(term, db, tidy, variant):
    """Open the list at 80x24, find an order, open it and record an event, grow the window to
    200x50 and shrink it back: at every size the state and the deadline show whole."""
    count("inputs: terminal variant")
    term.start_unship("--db", str(db), env=VARIANTS[variant])
    wait_for_list(term)
    row = term.wait_line(r"Best Buy")
    assert "delivered" in row and "return · 3d left" in row, row  # 15 days (its season: assumed)
    term.open_filter()
    term.type("sony")
    term.wait(lambda s: "Sony" in s and "Best Buy" not in s, "the list filtered to Sony")
    term.keys("Enter")
    term.wait_text("⏎ open")
    term.keys("Enter")
    term.wait_text("Actions", "[delivered]")
    term.resize(200, 50)
    term.wait_line(r"order \S+\s+\[delivered\].*▔Actions▔")  # wide: the actions at the side
    term.wait_text("Sony WH-1000XM5", "Return", "11 Dec", "perhaps until 31 Jan 2027")
    term.keys("Escape")
    term.wait_text("open ·", "Sony WH-1000XM5 noise")  # the wide list shows the whole title
    term.resize(80, 24)
    row = term.wait_line(r"Sony WH-1000XM.*delivered")
    assert "return" in row and "13d left" in row, row
    term.keys("Escape")  # clear the filter
    row = term.wait_line(r"Best Buy")
    assert "delivered" in row and "return · 3d left" in row, row  # 15 days (its season: assumed)
    term.keys("q")
    assert term.wait_exit() == 0
    assert term.modes() == tidy


def test_the_terminal_going_away_ends_the_app(tmp_path, db):
    """The terminal itself closes (its window, tmux, the SSH session's pty): the kernel sends
    SIGHUP and then SIGCONT. The app once stopped half way, stuck for ever on its way out."""
    count("faults: terminal closed (SIGHUP + SIGCONT)")
    for _ in range(3):
        term = Terminal(tmp_path)
        term.start_unship("--db", str(db))
        term.wait_text("open ·", "next deadline")
        pid = term.pid()
        term.keys("Enter")  # an order open and the window resized: drawing when it goes
        term.wait_text("Actions")
        term.resize(200, 50)
        term.close()  # tmux goes, and the pty with it
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
            assert time.monotonic() < deadline, "the app kept running after its terminal went"
            time.sleep(0.1)
    assert_not_locked(db)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]
    except (OSError, IndexError):
        return "zombie"
