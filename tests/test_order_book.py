"""The OrderBook API: adding, recording, duplicates, undo, overview, other processes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from unship.store.model import State, new_item, new_order
from unship.store.repository import (
    DuplicateOrderError,
    NotFoundError,
    NothingToUndoError,
    OrderBook,
)

TODAY = date(2026, 11, 28)


def sample(number="113-1234567-1234567", retailer="amazon.com", price=1299):
    return new_order(retailer, number, date(2026, 11, 20), [new_item("USB-C cable", price)])


def test_add_names_the_retailer_and_gives_ids(book):
    a = book.add(sample())
    b = book.add(sample("113-7654321-7654321"))
    assert (a.id, b.id) == (1, 2)
    assert a.retailer == "Amazon"
    assert book.find("113-7654321-7654321").id == 2
    assert book.find("1").order_number == "113-1234567-1234567"
    with pytest.raises(NotFoundError):
        book.find("nope")


def test_same_order_number_at_the_same_retailer_is_caught(book):
    book.add(sample())
    with pytest.raises(DuplicateOrderError) as caught:
        book.add(sample(retailer="Amazon"))
    assert caught.value.existing.id == 1
    book.add(sample(retailer="Walmart"))  # another retailer may reuse the number
    with pytest.raises(NotFoundError, match="matches several orders"):
        book.find("113-1234567-1234567")


def test_record_and_undo_step_by_step(book):
    book.add(sample())
    book.record(1, "shipped", date(2026, 11, 21))
    book.record(1, "delivered", date(2026, 11, 23))
    assert book.get(1).items[0].state is State.DELIVERED
    assert book.undo() == "mark 113-1234567-1234567 delivered"
    assert book.get(1).items[0].state is State.SHIPPED
    assert book.undo() == "mark 113-1234567-1234567 shipped"
    assert book.undo() == "add Amazon order 113-1234567-1234567"
    assert book.orders() == []
    with pytest.raises(NothingToUndoError):
        book.undo()


def test_changes_survive_reopening_and_are_seen_by_a_second_book(tmp_path):
    path = tmp_path / "orders.json"
    first = OrderBook(path, today=TODAY)
    second = OrderBook(path, today=TODAY)
    first.add(sample())
    assert second.changed_on_disk()
    second.add(sample("2"))  # reloads inside the lock: no lost update, no id collision
    first.record(2, "shipped", date(2026, 11, 21))
    with OrderBook(path, today=TODAY) as third:
        assert [(o.id, o.items[0].state.value) for o in third.orders()] == [
            (1, "ordered"),
            (2, "shipped"),
        ]
    raw = json.loads(path.read_text())
    assert raw["orders"]["2"]["items"][0]["dates"] == {"shipped": "2026-11-21"}


def test_overview(book):
    book.add(sample())
    book.add(sample("2", price=5000))
    book.record(2, "shipped", date(2026, 11, 21))
    book.record(2, "refused", date(2026, 11, 21))
    ov = book.overview()
    assert ov.open_orders == 2
    assert ov.refund_pending == {"USD": 5000}
    assert ov.refund_text() == "$50.00"
    # Amazon takes up to 30 days to receive and process it, then a card's 3-5 business
    # days: the refund is expected by 28 Dec, not 5 Dec, so nothing is due this week
    assert ov.due_soon == 0 and ov.overdue == 0
    assert book.next_deadline(book.get(2)).day == date(2026, 12, 28)


def test_failed_change_writes_nothing(book):
    book.add(sample())
    before = book.path.read_bytes()
    with pytest.raises(ValueError):
        book.record(1, "refunded")
    assert book.path.read_bytes() == before
    assert book.undo_entries()[0].description.startswith("add")


def test_orders_read_back_as_saved(tmp_path):
    from unship.store.model import Order

    path = tmp_path / "orders.json"
    with OrderBook(path, today=TODAY) as writer:
        for number in ("A-1", "A-2"):
            writer.add(sample(number))
            writer.record(number, "shipped", date(2026, 11, 21))
            writer.record(number, "delivered", date(2026, 11, 23))
        saved = writer.orders()
    with OrderBook(path, today=TODAY) as book:
        a, b = book.orders()
        assert [a, b] == saved and (a.id, b.id) == (1, 2)
        assert a.items[0].dates == {"shipped": date(2026, 11, 21), "delivered": date(2026, 11, 23)}
        assert Order.from_json(a.to_json(), id=a.id) == a


def test_a_file_without_ids_in_its_documents_reads_the_ids_from_the_keys(tmp_path):
    """Files written before the documents held their id: the table's key is the id."""
    import json

    path = tmp_path / "orders.json"
    with OrderBook(path, today=TODAY) as writer:
        writer.add(sample("A-1"))
        writer.add(sample("A-2"))
    data = json.loads(path.read_text())
    for doc in data["orders"].values():
        del doc["id"]
    path.write_text(json.dumps(data))
    with OrderBook(path, today=TODAY) as book:
        assert [o.id for o in book.orders()] == [1, 2]
        book.record(2, "shipped", date(2026, 11, 21))
        assert book.get(2).items[0].state.value == "shipped"
