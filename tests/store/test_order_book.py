"""The OrderBook API: adding, recording, duplicates, undo, overview, other processes."""

from __future__ import annotations

import json
from datetime import date

import pytest
from unship.store import advice
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
    found = advice.next_deadline(book.get(2), book.policies, book.today)
    assert found is not None and found.day == date(2026, 12, 28)


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


def test_delete_many_is_one_undo_step_and_all_or_nothing(tmp_path):
    from unship.store.repository import NotFoundError

    with OrderBook(tmp_path / "o.json", today=date(2026, 11, 28)) as book:
        ids = [
            book.add(new_order("Amazon", f"N{n}", date(2026, 11, 20), [new_item("x", 100)])).id
            for n in range(3)
        ]
        with pytest.raises(NotFoundError):
            book.delete_many([ids[0], 99])
        assert len(book.orders()) == 3
        gone = book.delete_many([ids[0], "N1", ids[0]])
        assert [o.id for o in gone] == ids[:2]
        assert [o.id for o in book.orders()] == [ids[2]]
        assert book.undo() == "delete 2 orders"
        assert [o.id for o in book.orders()] == ids


def test_delivered_straight_from_ordered_records_shipped_the_same_day(tmp_path):
    with OrderBook(tmp_path / "o.json", today=date(2026, 11, 28)) as book:
        order = book.add(new_order("Amazon", "N1", date(2026, 11, 20), [new_item("x", 100)]))
        assert "mark-delivered" in [a.action for a in book.actions(order)]
        order = book.record(order.id, "delivered", date(2026, 11, 25))
        assert order.items[0].state is State.DELIVERED
        assert order.items[0].dates["shipped"] == order.items[0].dates["delivered"]


def test_record_many_is_one_undo_step_and_says_what_it_skipped(tmp_path):
    with OrderBook(tmp_path / "o.json", today=date(2026, 11, 28)) as book:
        a = book.add(new_order("Amazon", "N1", date(2026, 11, 20), [new_item("x", 100)]))
        b = book.add(new_order("Amazon", "N2", date(2026, 11, 20), [new_item("y", 100)]))
        book.record(b.id, "cancelled")
        changed, refused = book.record_many([a.id, b.id], "delivered", date(2026, 11, 26))
        assert [o.id for o in changed] == [a.id] and list(refused) == [b.id]
        assert book.get(a.id).items[0].state is State.DELIVERED
        assert book.undo() == "mark N1 delivered"
        assert book.get(a.id).items[0].state is State.ORDERED


def test_redo_makes_an_undone_change_again_and_a_new_change_forgets_it(tmp_path):
    from unship.store.repository import NothingToRedoError

    with OrderBook(tmp_path / "o.json", today=date(2026, 11, 28)) as book:
        order = book.add(new_order("Amazon", "N1", date(2026, 11, 20), [new_item("x", 100)]))
        book.record(order.id, "shipped")
        assert book.undo() == "mark N1 shipped"
        assert book.redo_entries()[0].description == "mark N1 shipped"
        assert book.redo() == "mark N1 shipped"
        assert book.get(order.id).items[0].state is State.SHIPPED
        assert book.undo_entries()[0].description == "mark N1 shipped"  # undo it again
        assert book.undo() == "mark N1 shipped" and book.undo() == "add Amazon order N1"
        assert book.orders() == []
        assert book.redo() == "add Amazon order N1" and len(book.orders()) == 1
        book.record(order.id, "delivered")  # a new change: the undone shipped is gone
        with pytest.raises(NothingToRedoError):
            book.redo()
    with OrderBook(tmp_path / "o.json", today=date(2026, 11, 28)) as again:  # kept on disk
        assert again.get(order.id).items[0].state is State.DELIVERED
