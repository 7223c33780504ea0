"""Snapshots of the order list's columns, archive, search count and reverse sort at 80x24 and
120x40: demo data on a fixed day, with three orders done long ago (two of them archived).

Update with `pytest tests/tui/test_tui_list_views_snapshots.py --snapshot-update`, then look at
the SVGs.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tui_support import SteadyCursor
from unship.store import demo
from unship.store.model import new_item, new_order
from unship.store.repository import OrderBook
from unship.tui.app import UnshipApp

TODAY = date(2026, 11, 28)
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


class SnapApp(SteadyCursor, UnshipApp):
    pass


def _add(book, number, title, ordered, events):
    order = book.add(
        new_order("Target", number, TODAY - timedelta(days=ordered), [new_item(title, 2500)])
    )
    for event, days, note in events:
        book.record(order.id, event, TODAY - timedelta(days=days), note=note)


@pytest.fixture
def app(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as book:
        demo.fill(book, TODAY)
        _add(book, "OLD-1", "Garden hose", 300, [("delivered", 290, ""), ("kept", 120, "")])
        _add(
            book,
            "OLD-2",
            "Rain jacket",
            250,
            [
                ("delivered", 240, ""),
                ("return-requested", 235, "reason: seams leak"),
                ("refunded", 200, ""),
            ],
        )
        _add(book, "EDGE-1", "Desk fan", 200, [("delivered", 190, ""), ("kept", 90, "")])
        yield SnapApp(book, demo=True)


@pytest.mark.parametrize("size", SIZES)
class TestListViews:
    def test_all(self, snap_compare, app, size):
        assert snap_compare(app, terminal_size=SIZES[size])

    def test_archive(self, snap_compare, app, size):
        assert snap_compare(app, press=["6"], terminal_size=SIZES[size])

    def test_filter_count(self, snap_compare, app, size):
        assert snap_compare(app, press=["slash", *"return"], terminal_size=SIZES[size])

    def test_reverse_total(self, snap_compare, app, size):
        assert snap_compare(app, press=["s", "s", "s", "S"], terminal_size=SIZES[size])
