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


def pytest_terminal_summary(terminalreporter):
    """The hostile-input and fault tally (tests/tally.py): inputs tried, faults injected, losses."""
    lines = summary_lines()
    if lines:
        terminalreporter.section("hostile inputs and faults")
        for line in lines:
            terminalreporter.write_line(line)
