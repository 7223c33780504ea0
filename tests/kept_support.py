"""What the tests of kept answers share (`due` from the kept facts, a kept `list --json`):
any changes to a book, as hypothesis draws them."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from hypothesis import strategies as st
from unship.store import ModelError, StoreError
from unship.store.model import Event
from unship.store.repository import OrderBook

# (which order, what happened, how many days from the day given)
BOOK_CHANGES = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from(list(Event)), st.integers(-30, 5)),
    max_size=6,
)


def apply_changes(path, changes, day: date) -> None:
    """Record each drawn event on an order of the book; one that can't happen is refused."""
    with OrderBook(path, today=day) as book:
        orders = book.orders()
        for n, event, when in changes:
            with contextlib.suppress(ModelError, StoreError):
                book.record(orders[n % len(orders)].id, event, day + timedelta(days=when))
