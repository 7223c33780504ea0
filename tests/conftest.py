from __future__ import annotations

from datetime import date

import pytest
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
