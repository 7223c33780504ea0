"""Snapshots of estimated deliveries: the list's '~' deadline and closed history, and the
order screen saying what an estimate came from.

Regenerate with `.venv/bin/pytest tests/tui/test_tui_estimate_snapshots.py --snapshot-update`,
then look at the SVGs.
"""

from __future__ import annotations

from datetime import date

import pytest
from import_support import csv_text
from io_support import TZ
from test_tui_order_snapshots import OrderApp
from unship.store import importers
from unship.store.repository import OrderBook
from unship.tui.app import UnshipApp

TODAY = date(2024, 9, 30)


def _row(order_id, title, ordered, shipped, option, price="20.00", **cells):
    row = {
        "Website": "Amazon.ca",
        "Order ID": order_id,
        "Order Date": f"{ordered}T10:00:00Z",
        "Currency": "CAD",
        "Unit Price": price,
        "Total Owed": price,
        "Quantity": "1",
        "Order Status": "Closed",
        "Shipment Status": "Shipped",
        "Ship Date": f"{shipped}T10:00:00Z",
        "Shipping Option": option,
        "Carrier Name & Tracking Number": "AMZN_CA(TBC196647251009)",
        "Product Name": title,
    }
    return {**row, **cells}


ROWS = [
    _row("702-0000001-0000001", "Vacuum storage bags", "2024-09-11", "2024-09-12", "second-ca"),
    _row("702-0000002-0000002", "Phone case", "2024-09-10", "2024-09-28", "std-intl-us-ca-fba"),
    _row("702-0000003-0000003", "Nitrile gloves", "2024-09-05", "2024-09-06", "next-ca"),
    _row("702-0000004-0000004", "Garden hose", "2024-06-01", "2024-06-02", "next-ca"),
    _row("702-0000005-0000005", "Desk lamp", "2024-09-29", "", "next-ca"),
]


@pytest.fixture
def book(tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[-1]["Shipment Status"] = "Not Available"
    rows[-1]["Order Status"] = "Authorized"
    rows[-1]["Ship Date"] = rows[-1]["Carrier Name & Tracking Number"] = "Not Available"
    path = tmp_path / "Retail.OrderHistory.1.csv"
    path.write_text(csv_text(list(rows[0]), rows), encoding="utf-8")
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        importers.apply(b, importers.plan(b, path, tz=TZ))
        yield b


def test_list_marks_estimated_deadlines_and_closed_history(snap_compare, book):
    assert snap_compare(UnshipApp(book), terminal_size=(80, 24))


def test_archive_lists_the_order_whose_window_closed_months_ago(snap_compare, book):
    assert snap_compare(UnshipApp(book), press=["6"], terminal_size=(80, 24))


def test_order_screen_says_what_an_estimate_came_from(snap_compare, book):
    order = book.find("702-0000001-0000001")
    assert snap_compare(OrderApp(book, order.id), terminal_size=(80, 24))
