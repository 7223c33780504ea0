"""Snapshots of the order form and quick add at 80x24 (look at them: see the README)."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App
from tui_support import SteadyCursor
from unship.store.model import new_item, new_order
from unship.store.repository import OrderBook
from unship.tui.screens.order_form import OrderForm
from unship.tui.screens.quick_add import QuickAdd

TODAY = date(2026, 11, 28)
SIZE = (80, 24)


class FormSnapApp(SteadyCursor, App):
    def __init__(self, book, make_screen):
        super().__init__()
        self.book = book
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(self.book))


@pytest.fixture
def snap_book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as book:
        yield book


async def typing(pilot, *steps: str) -> None:
    """Each step is text to type, or a key name in angle brackets: '<tab>'."""
    for step in steps:
        if step.startswith("<") and step.endswith(">"):
            await pilot.press(step[1:-1])
        else:
            await pilot.press(*step)
    # Let every message, blur check and deferred refresh settle before the picture is taken,
    # however busy the machine is.
    for _ in range(3):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()


class TestOrderForm:
    def test_empty(self, snap_compare, snap_book):
        assert snap_compare(FormSnapApp(snap_book, OrderForm), terminal_size=SIZE)

    def test_filled(self, snap_compare, snap_book):
        async def fill(pilot):
            await typing(
                pilot,
                "amazon", "<tab>", "113-1234567-1234567", "<tab>", "yesterday", "<tab>", "<tab>",
                "USB-C cable", "<tab>", "<tab>", "12.99", "<tab>", "electronics", "<ctrl+n>",
                "Mug", "<tab>", "2", "<tab>", "6.50", "<tab>", "<tab>", "gift", "<tab>", "<tab>",
                "1Z999AA10123456784",
            )  # fmt: skip

        assert snap_compare(FormSnapApp(snap_book, OrderForm), terminal_size=SIZE, run_before=fill)

    def test_errors(self, snap_compare, snap_book):
        async def fill(pilot):
            await typing(
                pilot,
                "amazon", "<tab>", "12345", "<tab>", "2026-02-30", "<tab>", "<tab>",
                "<tab>", "x", "<tab>", "12.x", "<ctrl+s>",
            )  # fmt: skip

        assert snap_compare(FormSnapApp(snap_book, OrderForm), terminal_size=SIZE, run_before=fill)

    def test_editing_a_shipped_order(self, snap_compare, snap_book):
        order = snap_book.add(
            new_order(
                "Amazon",
                "113-0000000-0000001",
                date(2026, 11, 20),
                [new_item("Kettle", 3999), new_item("Tea", 850, quantity=2, category="grocery")],
                today=TODAY,
            )
        )
        order = snap_book.record(order.id, "shipped", date(2026, 11, 22), items=[0])
        app = FormSnapApp(snap_book, lambda book: OrderForm(book, order))
        assert snap_compare(app, terminal_size=SIZE)

    def test_discard_question(self, snap_compare, snap_book):
        async def fill(pilot):
            await typing(pilot, "Target", "<escape>")

        assert snap_compare(FormSnapApp(snap_book, OrderForm), terminal_size=SIZE, run_before=fill)

    def test_filled_without_colour(self, snap_compare, snap_book, monkeypatch):
        monkeypatch.setenv("NO_COLOR", "1")

        async def fill(pilot):
            await typing(
                pilot,
                "amazon", "<tab>", "12345", "<tab>", "31 Feb", "<tab>", "<tab>",
                "Lamp", "<tab>", "<tab>", "24", "<tab>",
            )  # fmt: skip

        assert snap_compare(FormSnapApp(snap_book, OrderForm), terminal_size=SIZE, run_before=fill)


class TestQuickAdd:
    def test_good_line(self, snap_compare, snap_book):
        async def fill(pilot):
            await typing(
                pilot, 'amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday 1Z999AA10123456784'
            )

        assert snap_compare(FormSnapApp(snap_book, QuickAdd), terminal_size=SIZE, run_before=fill)

    def test_bad_line(self, snap_compare, snap_book):
        async def fill(pilot):
            await typing(pilot, 'amazon 113-1234567-1234567 "mug" 2026-02-30')

        assert snap_compare(FormSnapApp(snap_book, QuickAdd), terminal_size=SIZE, run_before=fill)
