from __future__ import annotations

from datetime import date

import pytest
from tally import summary_lines
from unship.store.repository import OrderBook

TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test ever reads or writes the user's real data or config."""
    monkeypatch.setenv("UNSHIP_DB", str(tmp_path / "default-orders.json"))
    monkeypatch.setenv("UNSHIP_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        yield b


# Files whose tests start real processes, terminals or SSH sessions, kill writers, render the
# screenshots or fuzz at length: `pytest -m "not slow"` leaves them out (the inner loop);
# `pytest`, as CI runs it, runs everything.
SLOW_FILES = frozenset(
    {
        "test_faults_real.py",
        "test_fuzz.py",
        "test_hostile_cli.py",
        "test_screenshots.py",
        "test_serve.py",
        "test_storage_processes.py",
        "test_terminal_concurrency.py",
        "test_terminal_exits.py",
        "test_terminal_flow.py",
        "test_terminal_ssh.py",
        "test_terminal_typeahead.py",
    }
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    """The hostile-input and fault tally (tests/tally.py): inputs tried, faults injected, losses."""
    lines = summary_lines()
    if lines:
        terminalreporter.section("hostile inputs and faults")
        for line in lines:
            terminalreporter.write_line(line)
