"""The list's own actions through the pilot: marking orders (space, shift+arrows), the count
in the header, bulk delivered / kept / delete with one undo step each, and x/f/r on the list."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from tui_support import listed, sync
from unship.store.model import State, new_item, new_order
from unship.store.repository import OrderBook
from unship.tui.app import UnshipApp
from unship.tui.screens.bulk import BulkDateDialog
from unship.tui.screens.confirm_dialog import ConfirmDialog
from unship.tui.screens.main import ViewTabs
from unship.tui.screens.record import RecordDialog

TODAY = date(2026, 11, 28)
SIZE = (100, 24)


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        for n in range(4):
            b.add(
                new_order(
                    "Amazon",
                    f"113-000000{n}-0000000",
                    date(2026, 11, 20 + n),
                    [new_item(f"Thing {n} [/]", 1000 + n)],
                )
            )
        yield b


def tabs_text(app) -> str:
    return str(app.main_screen.query_one(ViewTabs).render())


def states(book) -> dict[int, State]:
    return {o.id: o.items[0].state for o in book.orders()}


@sync
async def test_space_and_shift_arrows_mark_and_the_header_counts(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        assert len(listed(app).marked) == 1 and listed(app).cursor == 1
        await pilot.press("shift+down")
        assert len(listed(app).marked) == 3 and listed(app).cursor == 2
        await pilot.pause()
        assert "3 marked" in tabs_text(app)
        await pilot.press("escape")
        assert not listed(app).marked and "marked" not in tabs_text(app)


@sync
async def test_bulk_delivered_on_a_day_is_one_undo_step(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space", "space")
        await pilot.press("D")
        assert isinstance(app.screen, BulkDateDialog)
        await pilot.press("ctrl+a", "ctrl+k", *"2026-11-26", "enter")
        await pilot.pause()
        delivered = [o for o in book.orders() if o.items[0].state is State.DELIVERED]
        assert len(delivered) == 3
        assert all(o.items[0].dates["delivered"] == date(2026, 11, 26) for o in delivered)
        assert not listed(app).marked
        await pilot.press("u")
        await pilot.pause()
        assert set(states(book).values()) == {State.ORDERED}


@sync
async def test_a_bad_day_is_said_in_the_dialog_and_nothing_changes(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("K")
        await pilot.press("ctrl+a", "ctrl+k", *"2027-01-01", "enter")
        assert isinstance(app.screen, BulkDateDialog)
        assert "future" in str(app.screen.query_one("#bulk-error").render())
        await pilot.press("escape")
        assert set(states(book).values()) == {State.ORDERED}


@sync
async def test_delete_asks_first_and_undo_brings_the_orders_back(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space", "d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert len(book.orders()) == 4
        await pilot.press("d", "y")
        await pilot.pause()
        assert len(book.orders()) == 2 and len(listed(app).rows) == 2
        await pilot.press("u")
        await pilot.pause()
        assert len(book.orders()) == 4 and len(listed(app).rows) == 4


@sync
async def test_delete_the_highlighted_order_without_marks(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        first = listed(app).current.order.id
        await pilot.press("d", "y")
        await pilot.pause()
        assert first not in {o.id for o in book.orders()} and len(book.orders()) == 3


@sync
async def test_x_on_the_list_opens_the_record_dialog_of_the_highlighted_order(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        first = listed(app).current.order.id
        await pilot.press("x")
        assert isinstance(app.screen, RecordDialog) and app.screen.order.id == first
        await pilot.press("enter")
        await pilot.pause()
        assert book.get(first).items[0].state is State.CANCEL_REQUESTED


@sync
async def test_x_on_marked_orders_records_the_cancel_for_each_in_one_step(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space", "x")
        assert isinstance(app.screen, BulkDateDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert Counter(states(book).values()) == {State.ORDERED: 2, State.CANCEL_REQUESTED: 2}
        assert book.undo_entries()[0].description == "mark 2 orders cancel-requested"


@sync
async def test_d_on_the_order_screen_deletes_it_after_a_question(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        first = listed(app).current.order.id
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert first not in {o.id for o in book.orders()}
        assert first not in {r.order.id for r in listed(app).rows}
