"""Snapshots of the order screen for each kind of action, and of the record dialog.

Regenerate with `.venv/bin/pytest tests/tui/test_tui_order_snapshots.py --snapshot-update`,
then look at the SVGs (snapshot_report.html shows the differences when a test fails).
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App
from tui_support import SteadyCursor
from unship.store import demo
from unship.store.repository import OrderBook
from unship.tui.messages import tell_screens
from unship.tui.screens.order import OrderScreen

TODAY = date(2026, 11, 28)
NARROW = (80, 24)
WIDE = (160, 40)


class OrderApp(SteadyCursor, App):
    def __init__(self, book: OrderBook, order_id: int) -> None:
        super().__init__()
        self.book = book
        self.order_id = order_id

    def on_mount(self) -> None:
        self.book.subscribe(lambda change: tell_screens(self, change))  # as the real app does
        self.push_screen(OrderScreen(self.book, self.order_id))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        pass


@pytest.fixture
def book(tmp_path):
    book = OrderBook(tmp_path / "o.json", today=TODAY)
    demo.fill(book, book.today)
    yield book
    book.close()


async def _settled(pilot) -> None:
    await pilot.pause()


class TestOrderScreen:
    @pytest.mark.parametrize(
        "order_id",
        [
            pytest.param(1, id="1-cancellable"),
            pytest.param(2, id="2-in-transit"),
            pytest.param(4, id="4-return-window"),
            pytest.param(9, id="9-return-started"),
            pytest.param(10, id="10-refund-overdue"),
            pytest.param(6, id="6-not-returnable"),
            pytest.param(15, id="15-mixed-items"),
        ],
    )
    def test_narrow(self, snap_compare, book, order_id):
        assert snap_compare(OrderApp(book, order_id), terminal_size=NARROW)

    @pytest.mark.parametrize("order_id", [4, 10, 15])
    def test_wide(self, snap_compare, book, order_id):
        assert snap_compare(OrderApp(book, order_id), terminal_size=WIDE)

    def test_narrow_scrolled_to_the_last_action(self, snap_compare, book):
        assert snap_compare(OrderApp(book, 15), terminal_size=NARROW, press=["end"])


def test_narrow_a_long_note_goes_on_under_its_label(snap_compare, book):
    # As mail records a Hub locker delivery: the note says where the parcel waits, and till when.
    from unship.store import lifecycle

    order = book.get(1)
    note = "from an email of 2026-11-27; ready for pickup at Amazon Hub Locker - Main St until 2026-11-30"
    book.update(lifecycle.record(order, "delivered", date(2026, 11, 27), note=note, today=TODAY))
    assert snap_compare(OrderApp(book, 1), terminal_size=NARROW)


class TestRecordDialog:
    def test_return_reason_and_note(self, snap_compare, book):
        async def before(pilot):
            await pilot.press("r")
            await _settled(pilot)

        assert snap_compare(OrderApp(book, 4), terminal_size=NARROW, run_before=before)

    def test_cancel_chooses_items(self, snap_compare, book):
        async def before(pilot):
            await pilot.press("x")
            await _settled(pilot)

        assert snap_compare(OrderApp(book, 1), terminal_size=NARROW, run_before=before)

    def test_refund_bad_amount(self, snap_compare, book):
        async def before(pilot):
            await pilot.press("enter", "tab", *"68.001")
            await _settled(pilot)

        assert snap_compare(OrderApp(book, 10), terminal_size=NARROW, run_before=before)

    def test_return_shipped_wide(self, snap_compare, book):
        async def before(pilot):
            await pilot.press("enter")
            await _settled(pilot)

        assert snap_compare(OrderApp(book, 9), terminal_size=WIDE, run_before=before)
