"""Orders that reached a return or a kept item, for the returns-and-refunds tests of every
layer."""

from __future__ import annotations

from datetime import date

from unship.store.model import Event, new_item, new_order
from unship.store.repository import OrderBook

TODAY = date(2026, 11, 28)
UPS = "1Z999AA10123456784"


def returned(book: OrderBook, price: int = 129999, quantity: int = 1, items: int = 1):
    """An Amazon order delivered on 5 Nov, sent back on 11 Nov with a UPS number."""
    things = [new_item(f"Laptop {n}", price, quantity=quantity) for n in range(items)]
    order = book.add(new_order("amazon", f"111-{len(book.orders())}", date(2026, 11, 1), things))
    book.record(order.id, Event.DELIVERED, date(2026, 11, 5))
    book.record(order.id, Event.RETURN_REQUESTED, date(2026, 11, 10))
    return book.record(order.id, Event.RETURN_SHIPPED, date(2026, 11, 11), return_tracking=UPS)


def kept(book: OrderBook, delivered: date):
    order = book.add(
        new_order("amazon", f"112-{len(book.orders())}", date(2026, 10, 1), [new_item("Mug", 900)])
    )
    book.record(order.id, Event.DELIVERED, delivered)
    return book.record(order.id, Event.KEPT, delivered)
