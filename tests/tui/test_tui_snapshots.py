"""Snapshots of the main screen (pytest-textual-snapshot): demo data on a fixed day.

Update with `pytest tests/tui/test_tui_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from datetime import date

import pytest
from unship.store import demo
from unship.store.repository import OrderBook
from unship.tui.app import UnshipApp

TODAY = date(2026, 11, 28)
SIZES = {"80x24": (80, 24), "160x40": (160, 40)}


@pytest.fixture
def demo_app(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as book:
        demo.fill(book, TODAY)
        yield UnshipApp(book, demo=True)


@pytest.fixture
def empty_app(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as book:
        yield UnshipApp(book)


@pytest.mark.parametrize("size", SIZES)
class TestMainScreen:
    def test_demo(self, snap_compare, demo_app, size):
        assert snap_compare(demo_app, terminal_size=SIZES[size])

    def test_empty(self, snap_compare, empty_app, size):
        assert snap_compare(empty_app, terminal_size=SIZES[size])

    def test_help(self, snap_compare, demo_app, size):
        assert snap_compare(demo_app, press=["question_mark"], terminal_size=SIZES[size])

    def test_filtered(self, snap_compare, demo_app, size):
        keys = ["slash", *"amazon", "enter", "j"]
        assert snap_compare(demo_app, press=keys, terminal_size=SIZES[size])

    def test_returns_view_sorted_by_total(self, snap_compare, demo_app, size):
        assert snap_compare(demo_app, press=["4", "s", "s", "s"], terminal_size=SIZES[size])
