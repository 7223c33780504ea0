"""Importing Amazon's exports: the real samples and files written from the documented format."""

from __future__ import annotations

from datetime import date

import pytest
from io_support import AMAZON, DATA, TODAY, imported, needs_samples, plan
from unship.store import importers
from unship.store.model import Event, State, replace
from unship.store.repository import OrderBook


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        yield b


# -- the real samples -----------------------------------------------------------------


@needs_samples
def test_real_ca_us_export_imports_every_order(book):
    result = imported(book, AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv")
    assert result.format == "amazon"
    assert result.rows == 522
    assert result.counts == {"new": 246, "updated": 0, "unchanged": 0, "rejected": 0}
    assert result.unknown_columns == []
    assert any("zero-quantity split line" in n for n in result.notes)
    orders = book.orders()
    assert len(orders) == 246
    assert {o.currency for o in orders} == {"CAD", "USD"}
    # Amazon.com is Amazon; a regional site keeps its own name (and currency).
    assert {o.retailer for o in orders} == {"Amazon", "Amazon.ca"}
    assert {o.extra["website"] for o in orders} == {"Amazon.ca", "Amazon.com"}
    assert all(o.retailer == "Amazon.ca" for o in orders if o.extra["website"] == "Amazon.ca")
    # Several rows with one Order ID are one order with several items.
    bags = book.find("702-4060128-5100216")
    assert [i.price for i in bags.items] == [3999, 1499]
    assert bags.items[0].extra["asin"] == "B0CM33WPTY"
    assert bags.carrier == "Amazon Logistics" and bags.tracking == "TBC196647251009"
    assert all(i.state is State.SHIPPED for i in bags.items)
    assert bags.items[0].on(Event.SHIPPED) == date(2024, 9, 12)
    # What the estimates need, and what a refund in the returns export is matched against.
    assert bags.items[0].extra["shipping"] == "second-ca"
    assert bags.items[0].extra["carrier"] == "AMZN_CA"
    assert bags.items[0].extra["total_owed"] == "4519"
    # Cancelled rows (quantity 0 in the file) are cancelled items.
    cancelled = book.find("702-0321255-3158603")
    assert [i.state for i in cancelled.items] == [State.CANCELLED]
    # Every item costs what the file says, to the cent.
    assert sum(o.total for o in orders if o.currency == "USD") > 0


@needs_samples
def test_real_export_twice_changes_nothing(book):
    imported(book, AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv")
    before = book.orders()
    again = imported(book, AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv")
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 246, "rejected": 0}
    assert book.orders() == before


@needs_samples
def test_blank_order_ids_are_rejected_never_invented(book):
    result = plan(book, AMAZON / "blank-order-ids.Retail.OrderHistory.1.csv")
    assert result.counts["new"] == 0
    assert [(r.line, r.reason) for r in result.rejected] == [
        (n, "no Order ID") for n in range(2, 14)
    ]
    # no good row: --partial would import nothing, so it is not offered
    with pytest.raises(importers.ImportRejectedError, match="^12 rows rejected: nothing imported$"):
        importers.apply(book, result)
    assert book.orders() == []


@needs_samples
def test_real_old_report(book):
    result = imported(book, AMAZON / "old-report.items.csv")
    assert result.format == "amazon-report"
    assert result.counts["new"] == 3
    order = book.find("321-9876543-3456789")
    item = order.items[0]
    assert (order.ordered_on, item.price, item.quantity) == (date(2020, 4, 20), 1998, 3)
    assert item.state is State.SHIPPED and item.on(Event.SHIPPED) == date(2020, 4, 21)
    assert book.find("123-7654321-1234567").items[0].seller == "This Is A Seller"


# -- written from the documented format -----------------------------------------------


def test_mixed_file_reports_bad_rows_with_line_numbers(book):
    result = plan(book, DATA / "amazon-orders-mixed.csv")
    assert [(r.line, r.reason) for r in result.rejected] == [
        (11, "no Order ID"),
        (12, "Order Date 'yesterday' is not a date"),
        (13, "Unit Price: 'seven' is not an amount"),
    ]
    assert result.counts["new"] == 5
    with pytest.raises(importers.ImportRejectedError):
        importers.apply(book, result)  # all or nothing without partial
    assert book.orders() == []
    importers.apply(book, result, partial=True)
    assert len(book.orders()) == 5


def test_a_file_of_rejected_rows_alone_offers_no_partial_import(book, tmp_path):
    from io_support import blanked_ids

    result = plan(book, blanked_ids(tmp_path))
    with pytest.raises(importers.ImportRejectedError) as refused:
        importers.apply(book, result)
    assert str(refused.value) == "3 rows rejected: nothing imported"


def test_mixed_file_values(book):
    imported(book, DATA / "amazon-orders-mixed.csv")
    two = book.find("111-0000001-0000001")
    assert [i.title for i in two.items] == [
        "USB-C cable, 6 ft, braided",
        'Mouse "Pro" wireless, black',
    ]
    assert [(i.price, i.quantity) for i in two.items] == [(1299, 1), (3999, 2)]
    assert two.items[0].on(Event.SHIPPED) == date(2026, 10, 3)  # milliseconds
    assert two.items[1].on(Event.SHIPPED) == date(2026, 10, 4)
    assert two.carrier == "Amazon Logistics" and two.tracking == "TBA000000000001"
    assert "UPS 1Z999AA10123456784" in two.items[1].extra["shipment"]
    assert "USPS 9400100000000000000000" in two.extra["shipments"]
    kettle = book.find("702-0000002-0000002")  # Authorized: not shipped yet
    assert (kettle.currency, kettle.items[0].state) == ("CAD", State.ORDERED)
    assert kettle.ordered_on == date(2026, 11, 20)
    tea = book.find("203-0000004-0000004")  # Paid
    assert (tea.currency, tea.items[0].state, tea.items[0].price) == ("GBP", State.ORDERED, 950)
    split = book.find("702-0000003-0000003")
    assert [i.state for i in split.items] == [State.CANCELLED, State.SHIPPED]
    assert split.items[1].price == 3399  # the '-10.68' discount does not touch the price
    assert split.carrier == "Purolator"
    stickers = book.find("111-0000005-0000005")  # the zero-quantity line is skipped
    assert [i.title for i in stickers.items] == ["Stickers"]
    assert stickers.carrier == "Royal Mail" and stickers.tracking == ""


def test_newer_layout_renamed_columns_and_unknown_column(book):
    result = imported(book, DATA / "amazon-orders-newer-layout.csv")
    assert result.unknown_columns == ["Loyalty Points"]
    order = book.find("111-0000008-0000008")
    assert order.items[0].title == "Desk lamp, LED"
    assert (order.items[0].price, order.carrier) == (2499, "FedEx")


def test_newer_export_moves_orders_on_without_losing_hand_records(book):
    imported(book, DATA / "amazon-orders-mixed.csv")
    # What the person recorded by hand since the first import:
    cable = book.find("111-0000001-0000001")
    book.record(cable.id, Event.DELIVERED, date(2026, 10, 6))
    book.record(cable.id, Event.RETURN_REQUESTED, date(2026, 10, 10), items=[0])
    kettle = book.find("702-0000002-0000002")
    book.update(replace(kettle, notes="for the cabin"), "note on the kettle")
    hand_cable = book.find("111-0000001-0000001")

    result = imported(book, DATA / "amazon-orders-later.csv")
    assert result.counts == {"new": 0, "updated": 1, "unchanged": 4, "rejected": 0}
    kettle = book.find("702-0000002-0000002")
    assert kettle.items[0].state is State.SHIPPED
    assert kettle.items[0].on(Event.SHIPPED) == date(2026, 11, 23)
    assert kettle.history[-1].event == "shipped"  # the history records it
    assert kettle.notes == "for the cabin"
    assert (kettle.carrier, kettle.tracking) == ("Canada Post", "7023210000000000")
    assert book.find("111-0000001-0000001") == hand_cable  # never moved back
    # And it is one undoable change.
    assert book.undo().startswith("import amazon-orders-later.csv: 0 new, 1 updated")
    assert book.find("702-0000002-0000002").items[0].state is State.ORDERED


@needs_samples
def test_import_is_one_undoable_change(book):
    imported(book, AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv")
    assert book.undo() == "import ca-us-mixed.Retail.OrderHistory.1.csv: 246 new, 0 updated"
    assert book.orders() == []


def test_old_report_fixture(book):
    result = imported(book, DATA / "amazon-report-items.csv")
    assert [(r.line, r.reason) for r in result.rejected] == [
        (5, "Order Date '13/45/22' is not a date")
    ]
    laptop = book.find("112-1111111-1111111")
    assert [(i.price, i.quantity, i.state) for i in laptop.items] == [
        (129900, 1, State.SHIPPED),
        (1500, 2, State.ORDERED),
    ]
    assert laptop.items[1].seller == "Sleeves R Us"
    assert laptop.items[0].category == "electronics"  # "PC" through the policy aliases
    assert book.find("112-2222222-2222222").items[0].state is State.CANCELLED


def test_hostile_text_is_cleaned(book, tmp_path):
    path = tmp_path / "evil.csv"
    name = "Cable\x1b]52;c;ZXZpbA==\x07 \u202eevil\u202c" + "x" * 1000
    path.write_text(
        "Order ID,Order Date,Unit Price,Product Name,Order Status\n"
        f'111-0000009-0000009,2026-11-01T00:00:00Z,1.00,"{name}",Authorized\n',
        encoding="utf-8",
    )
    imported(book, path)
    title = book.find("111-0000009-0000009").items[0].title
    assert "\x1b" not in title and "\u202e" not in title and "\x07" not in title
    assert len(title) <= 300


def test_format_detection_and_errors(book, tmp_path):
    assert importers.detect_format("Website,Order ID,Order Date,Order Status,Product Name") == (
        "amazon"
    )
    assert importers.detect_format('{"orders": []}') == "json"
    with pytest.raises(importers.ImportFileError, match="--format"):
        importers.detect_format("a,b,c\n1,2,3\n")
    with pytest.raises(importers.ImportFileError, match="can't read"):
        plan(book, tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(importers.ImportFileError):
        plan(book, empty, format="amazon")


@needs_samples
def test_progress_is_reported(book):
    seen = []
    plan(
        book,
        AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv",
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(d <= t for d, t in seen)
