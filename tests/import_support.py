"""Rows of each import format and the rules a planned order must keep, for the hostile-input
and fuzz tests."""

from __future__ import annotations

import csv
import io
from datetime import date

from hostile_inputs import unsafe
from unship.store import importers
from unship.store.model import Order, State
from unship.store.money import MAX_MINOR

AMAZON_HEADER = [
    "Website",
    "Order ID",
    "Order Date",
    "Currency",
    "Unit Price",
    "Quantity",
    "Order Status",
    "Shipment Status",
    "Ship Date",
    "Carrier Name & Tracking Number",
    "Product Name",
    "ASIN",
    "Product Condition",
]
REPORT_HEADER = [
    "Order Date",
    "Order ID",
    "Title",
    "Category",
    "ASIN/ISBN",
    "Website",
    "Condition",
    "Seller",
    "Purchase Price Per Unit",
    "Quantity",
    "Shipment Date",
    "Order Status",
    "Carrier Name & Tracking Number",
    "Currency",
]
UNSHIP_HEADER = list(importers.unship_csv.HEADER)


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def amazon_row(n: int, **cells: str) -> dict[str, str]:
    row = {
        "Website": "Amazon.com",
        "Order ID": f"113-0000000-{n:07d}",
        "Order Date": "2026-11-20T10:00:00Z",
        "Currency": "USD",
        "Unit Price": "12.99",
        "Quantity": "1",
        "Order Status": "Closed",
        "Shipment Status": "Shipped",
        "Ship Date": "2026-11-21T10:00:00Z",
        "Carrier Name & Tracking Number": "UPS(1Z999AA10123456784)",
        "Product Name": "Kettle",
        "ASIN": "B000000001",
        "Product Condition": "New",
    }
    row.update(cells)
    return row


def report_row(n: int, **cells: str) -> dict[str, str]:
    row = {
        "Order Date": "11/20/26",
        "Order ID": f"112-0000000-{n:07d}",
        "Title": "Kettle",
        "Category": "Kitchen",
        "ASIN/ISBN": "B000000001",
        "Website": "Amazon.com",
        "Condition": "new",
        "Seller": "Amazon.com",
        "Purchase Price Per Unit": "$12.99",
        "Quantity": "1",
        "Shipment Date": "11/21/26",
        "Order Status": "Shipped",
        "Carrier Name & Tracking Number": "UPS(1Z999AA10123456784)",
        "Currency": "USD",
    }
    row.update(cells)
    return row


def unship_row(n: int, **cells: str) -> dict[str, str]:
    row = {
        "retailer": "Best Buy",
        "order_number": f"BBY01-{n}",
        "ordered_on": "2026-11-20",
        "currency": "USD",
        "notes": "note",
        "title": "Kettle",
        "price": "12.99",
        "quantity": "1",
        "state": "shipped",
        "shipped_on": "2026-11-21",
    }
    row.update(cells)
    return row


def json_order(n: int, **fields) -> dict:
    order = {
        "retailer": "Best Buy",
        "order_number": f"BBY02-{n}",
        "ordered_on": "2026-11-20",
        "currency": "USD",
        "notes": "note",
        "items": [
            {
                "title": "Kettle",
                "price": 1299,
                "quantity": 1,
                "state": "shipped",
                "dates": {"shipped": "2026-11-21"},
            }
        ],
        "history": [{"on": "2026-11-20", "event": "placed"}],
    }
    order.update(fields)
    return order


def json_item(**fields) -> dict:
    item = {"title": "Kettle", "price": 1299, "quantity": 1, "state": "ordered", "dates": {}}
    item.update(fields)
    return item


# -- what a planned order must be ---------------------------------------------------------


def assert_valid(order: Order, today: date) -> None:
    """Every rule of the model (store/model.py, store/text.py), as stored."""
    for text, limit in (
        (order.retailer, 60),
        (order.order_number, 120),
        (order.carrier, 40),
        (order.tracking, 60),
    ):
        assert not unsafe(text, newline_ok=False) and len(text) <= limit
    assert order.retailer and order.order_number and order.items
    assert not unsafe(order.notes) and len(order.notes) <= 4000
    assert len(order.currency) == 3 and order.currency.isascii() and order.currency.isupper()
    assert date(1990, 1, 1) <= order.ordered_on <= today
    for item in order.items:
        assert item.title and not unsafe(item.title, newline_ok=False) and len(item.title) <= 300
        assert not unsafe(item.seller, newline_ok=False) and not unsafe(item.category)
        assert 0 <= item.price <= MAX_MINOR and 1 <= item.quantity <= 9999
        assert isinstance(item.state, State)
        for key, value in item.extra.items():
            assert not unsafe(key, newline_ok=False) and not unsafe(value, newline_ok=False)
        for day in item.dates.values():
            assert order.ordered_on <= day <= today, (order.ordered_on, item.dates)
    for entry in order.history:
        assert not unsafe(entry.note) and order.ordered_on <= entry.on <= today
    for key, value in order.extra.items():
        assert not unsafe(key, newline_ok=False) and not unsafe(value, newline_ok=False)
