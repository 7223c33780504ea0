from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from tally import TALLY, summary_lines
from unship.store.repository import OrderBook

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test ever reads or writes the user's real data or config."""
    monkeypatch.setenv("UNSHIP_DB", str(tmp_path / "default-orders.json"))
    monkeypatch.setenv("UNSHIP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("UNSHIP_CACHE_DIR", str(tmp_path / "cache"))
    # an empty book's currency follows the locale (money.locale_currency): US dollars here,
    # on any machine, unless a test says otherwise
    monkeypatch.setenv("LC_MONETARY", "C.UTF-8")
    if os.environ.get("LC_ALL"):
        monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.fixture
def demo_file(tmp_path):
    """A data file holding the demo orders (every state, deadlines due and not)."""
    from unship.store import demo

    path = tmp_path / "orders.json"
    with OrderBook(path, today=TODAY) as book:
        demo.fill(book, TODAY)
    return path


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        yield b


# `pytest -m "not slow"` is the inner loop. Slow: everything in tests/e2e (real processes,
# terminals, SSH sessions, killed writers, the screenshots) and the long fuzzing and the
# hostile command lines run as real processes. `pytest`, as CI runs it, runs everything.
SLOW_FILES = frozenset({"test_fuzz.py", "test_hostile_cli.py"})
E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SLOW_FILES or item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.slow)


def _no_fsync(fd: int) -> None:
    """fsync costs milliseconds on a laptop's disk and proves nothing outside the durability
    tests; the file is still written, renamed and read back."""


@pytest.fixture(autouse=True)
def _fsync_only_where_durability_is_tested(request, monkeypatch):
    """Tests marked `durable` (storage, faults, export) keep the real fsync; the rest stub it.
    Child processes are never affected."""
    if request.node.get_closest_marker("durable") is None:
        monkeypatch.setattr(os, "fsync", _no_fsync)


def pytest_sessionfinish(session):
    """Under pytest-xdist (`-n N`), each worker hands its tally to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["tally"] = dict(TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    TALLY.update(getattr(node, "workeroutput", {}).get("tally", {}))


def pytest_terminal_summary(terminalreporter):
    """The hostile-input and fault tally (tests/tally.py): inputs tried, faults injected, losses."""
    lines = summary_lines()
    if lines:
        terminalreporter.section("hostile inputs and faults")
        for line in lines:
            terminalreporter.write_line(line)
