"""Amazon's order-history rows told apart (regional sites, Fresh, gift cards, digital items,
bad ship dates, unknown shipping options) and Amazon's returns export moved onto the book."""

from __future__ import annotations

from datetime import date

import pytest
from import_support import csv_text
from io_support import TZ
from unship.store import advice, importers, policies
from unship.store.model import Event, State
from unship.store.repository import OrderBook

TODAY = date(2026, 12, 6)
BOOK = policies.load()
HEADER = [
    "Website",
    "Order ID",
    "Order Date",
    "Currency",
    "Unit Price",
    "Total Owed",
    "Quantity",
    "Order Status",
    "Shipment Status",
    "Ship Date",
    "Shipping Option",
    "Carrier Name & Tracking Number",
    "Product Name",
]


def row(order_id: str, title: str, **cells: str) -> dict[str, str]:
    base = {
        "Website": "Amazon.com",
        "Order ID": order_id,
        "Order Date": "2026-11-20T10:00:00Z",
        "Currency": "USD",
        "Unit Price": "10.00",
        "Total Owed": "10.80",
        "Quantity": "1",
        "Order Status": "Closed",
        "Shipment Status": "Shipped",
        "Ship Date": "2026-11-21T10:00:00Z",
        "Shipping Option": "std-us",
        "Carrier Name & Tracking Number": "AMZN_US(TBA000000000001)",
        "Product Name": title,
    }
    return {**base, **cells}


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        yield b


def import_rows(book, rows, name="Retail.OrderHistory.1.csv", **kw):
    path = book.storage.path.parent / name
    path.write_text(csv_text(list(rows[0]), rows), encoding="utf-8")
    result = importers.plan(book, path, tz=TZ, **kw)
    return result


def test_each_website_kind(book):
    rows = [
        row("111-0000001-0000001", "Paper towels"),
        row(
            "702-0000002-0000002",
            "Stylo",
            Website="Amazon.ca",
            Currency="CAD",
            **{"Shipping Option": "next-ca", "Carrier Name & Tracking Number": "AMZN_CA(TBC1)"},
        ),
        row("701-0000003-0000003", "Pluma", Website="Amazon.com.mx", Currency="MXN"),
        row(
            "111-0000004-0000004",
            "Bananas",
            Website="panda01",
            **{"Shipping Option": "", "Carrier Name & Tracking Number": "Not Available"},
        ),
        row("111-0000005-0000005", "Amazon.com Gift Card Balance Reload"),
        row(
            "111-0000006-0000006",
            "2 Year Protection Plan",
            **{"Carrier Name & Tracking Number": "Email(fa09cee4)"},
        ),
    ]
    result = import_rows(book, rows)
    assert result.counts["rejected"] == 0, result.rejected
    importers.apply(book, result)
    by = {o.order_number: o for o in book.orders()}
    assert by["111-0000001-0000001"].retailer == "Amazon"
    ca = by["702-0000002-0000002"]
    assert (ca.retailer, ca.currency) == ("Amazon.ca", "CAD")
    mx = by["701-0000003-0000003"]
    assert (mx.retailer, mx.currency) == ("Amazon.com.mx", "MXN")
    fresh = by["111-0000004-0000004"]
    assert fresh.retailer == "Amazon Fresh / Whole Foods"
    assert fresh.items[0].category == "grocery"
    reload = by["111-0000005-0000005"]
    digital = by["111-0000006-0000006"]
    assert reload.items[0].category == "gift-card" and digital.items[0].category == "digital"
    day = date(2026, 11, 22)  # the day after shipping: standard parcels still travel
    for order in (reload, digital):
        assert advice.item_states(order, day) == (State.DELIVERED,)  # nothing travels
        acts = {a.action: a for a in advice.order_actions(order, BOOK, day)}
        assert not acts["refuse"].available and not acts["return"].available
    assert advice.item_states(by["111-0000001-0000001"], day) == (State.SHIPPED,)
    acts = {a.action: a for a in advice.order_actions(fresh, BOOK, date(2026, 11, 23))}
    assert not acts["return"].available and "refund" in acts["return"].reason
    assert book.policies.retailer_key(ca.retailer) == "amazon"


def test_bad_ship_dates_are_rejected_and_nothing_is_half_written(book):
    rows = [
        row("111-0000001-0000001", "Early", **{"Ship Date": "2026-11-10T10:00:00Z"}),
        row("111-0000002-0000002", "Late", **{"Ship Date": "2026-12-20T10:00:00Z"}),
        row("111-0000003-0000003", "Fine"),
    ]
    result = import_rows(book, rows)
    reasons = {r.order_number: r.reason for r in result.rejected}
    assert "before the order date" in reasons["111-0000001-0000001"]
    assert "in the future" in reasons["111-0000002-0000002"]
    with pytest.raises(importers.ImportRejectedError):
        importers.apply(book, result)
    assert book.orders() == []


def test_an_unknown_shipping_option_uses_the_widest_allowance_and_says_so(book):
    result = import_rows(book, [row("111-0000001-0000001", "Odd", **{"Shipping Option": "llama"})])
    assert any("'llama'" in n and "widest allowance, 0-21 days" in n for n in result.notes)
    importers.apply(book, result)
    (order,) = book.orders()
    assert advice.item_states(order, date(2026, 12, 12)) == (State.SHIPPED,)  # day 21
    assert advice.item_states(order, date(2026, 12, 13)) == (State.DELIVERED,)


def test_the_preview_says_how_the_book_will_look(book):
    rows = [
        row("111-0000001-0000001", "Arrived", **{"Ship Date": "2026-11-21T10:00:00Z"}),
        row(
            "111-0000002-0000002",
            "Old",
            **{"Order Date": "2023-01-02T10:00:00Z", "Ship Date": "2023-01-03T10:00:00Z"},
        ),
        row(
            "111-0000003-0000003",
            "Travelling",
            **{"Ship Date": "2026-12-05T10:00:00Z", "Order Date": "2026-12-04T10:00:00Z"},
        ),
    ]
    result = import_rows(book, rows)
    text = result.outlook(book).text()
    assert text == (
        "after the import: 2 open (1 in transit) · 1 closed history (every window long over)"
        " · 1 deadline estimated (~)"
    )


# -- the returns export -------------------------------------------------------------------

RETURNS = ["OrderId", "ContractId", "DateOfReturn", "ReturnAmount", "ReturnAmountCurrency",
           "ReturnReason", "Resolution"]  # fmt: skip


def returns_row(order_id, amount, reason="No longer needed/wanted", resolution="Refund", **kw):
    return {
        "OrderId": order_id,
        "ContractId": kw.get("contract", "C1"),
        "DateOfReturn": kw.get("day", "2026-11-28T18:00:00Z"),
        "ReturnAmount": amount,
        "ReturnAmountCurrency": "USD" if amount != "No Refund" else "Not Available",
        "ReturnReason": reason,
        "Resolution": resolution,
    }


@pytest.fixture
def shop(book):
    rows = [
        row("111-0000001-0000001", "Lamp", **{"Total Owed": "21.60", "Unit Price": "20.00"}),
        row("111-0000001-0000001", "Bulb", **{"Total Owed": "5.40", "Unit Price": "5.00"}),
        row("111-0000002-0000002", "Mug"),
        row("111-0000003-0000003", "Shirt"),
        row("111-0000004-0000004", "Chair"),
        row("111-0000005-0000005", "Pen", **{"Total Owed": "2.16", "Unit Price": "2.00"}),
        row("111-0000005-0000005", "Ink", **{"Total Owed": "3.24", "Unit Price": "3.00"}),
    ]
    importers.apply(book, import_rows(book, rows))
    return book


def test_returns_move_items_on(shop):
    rows = [
        returns_row("111-0000001-0000001", "5.40"),
        returns_row("111-0000001-0000001", "5.40"),  # identical: counted once
        returns_row("111-0000002-0000002", "10.80", reason="Refused"),
        returns_row("111-0000003-0000003", "No Refund", resolution="Exchange"),
        returns_row("111-0000004-0000004", "No Refund", reason="Item never arrived"),
        returns_row("111-0000005-0000005", "9.99"),  # matches neither item
    ]
    result = import_rows(shop, rows, name="Retail.CustomerReturns.1.1.csv")
    assert result.format == "amazon-returns"
    assert result.counts == {"new": 0, "updated": 5, "unchanged": 0, "rejected": 0}
    assert any("counted once" in n for n in result.notes)
    assert any("$9.99 matched no item by amount" in n for n in result.notes)
    importers.apply(shop, result)
    by = {o.order_number: o for o in shop.orders()}
    lamp, bulb = by["111-0000001-0000001"].items
    assert lamp.state is State.SHIPPED and bulb.state is State.REFUNDED
    assert bulb.on(Event.REFUNDED) == date(2026, 11, 28)
    assert (
        "refunded $5.40 from the Amazon returns export"
        in by["111-0000001-0000001"].history[-1].note
    )
    mug = by["111-0000002-0000002"].items[0]
    assert mug.on(Event.REFUSED) and mug.state is State.REFUNDED
    assert by["111-0000003-0000003"].items[0].state is State.KEPT
    assert by["111-0000004-0000004"].items[0].state is State.RETURN_SHIPPED
    pen_ink = by["111-0000005-0000005"]
    assert {i.state for i in pen_ink.items} == {State.SHIPPED}
    assert "refund of $9.99" in pen_ink.history[-1].note
    # Re-importing changes nothing.
    before = shop.orders()
    again = import_rows(shop, rows, name="Retail.CustomerReturns.1.1.csv")
    assert again.counts["updated"] == 0 and not again.has_changes
    assert shop.orders() == before


def test_a_returns_row_for_an_order_not_in_the_book_is_reported(shop):
    rows = [returns_row("111-9999999-9999999", "10.00"), returns_row("bad", "ten dollars")]
    result = import_rows(shop, rows, name="Retail.CustomerReturns.1.1.csv")
    reasons = [r.reason for r in result.rejected]
    assert "order 111-9999999-9999999 is not in the book" in reasons[0]
    assert "is not an amount" in reasons[1]
    before = shop.orders()
    with pytest.raises(importers.ImportRejectedError):
        importers.apply(shop, result)
    assert shop.orders() == before


def test_orders_returned_layout_is_recognised(shop):
    header = ["Order ID", "Reversal ID", "Creation Date", "Status", "Reason",
              "Refund Completion Date", "Amount Refunded", "Currency"]  # fmt: skip
    rows = [
        dict(zip(header, ["111-0000002-0000002", "R1", "2026-11-27", "Completed",
                          "Defective", "2026-11-29", "10.80", "USD"], strict=True)),
        dict(zip(header, ["111-0000003-0000003", "R2", "2026-11-27", "Declined",
                          "Changed mind", "", "", ""], strict=True)),
    ]  # fmt: skip
    result = import_rows(shop, rows, name="Retail.OrdersReturned.1.csv")
    assert result.format == "amazon-returns"
    assert any("declined" in n for n in result.notes)
    importers.apply(shop, result)
    mug = next(o for o in shop.orders() if o.order_number == "111-0000002-0000002")
    assert mug.items[0].on(Event.REFUNDED) == date(2026, 11, 29)
