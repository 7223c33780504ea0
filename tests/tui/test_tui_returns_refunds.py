"""Returns and refunds in the app: the order screen shows the return's tracking number and a
short refund, and offers un-keep only while the window is open."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from returns_support import TODAY, UPS, kept, returned
from textual.app import App
from textual.widgets import Input, Static
from unship.store.model import State
from unship.store.repository import OrderBook
from unship.tui.messages import tell_screens
from unship.tui.screens.order import OrderScreen
from unship.tui.screens.record import RecordDialog
from unship.tui.widgets.actions import ActionsPanel

# -- the order screen ------------------------------------------------------------------------


class OrderApp(App):
    def __init__(self, book: OrderBook, order_id: int) -> None:
        super().__init__()
        self.book = book
        self.order_id = order_id
        self.notices: list[str] = []

    def on_mount(self) -> None:
        self.book.subscribe(lambda change: tell_screens(self, change))  # as the real app does
        self.push_screen(OrderScreen(self.book, self.order_id))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.notices.append(f"opened {url}")

    def notify(self, message, **kwargs) -> None:  # noqa: ANN001
        self.notices.append(str(message))
        super().notify(message, **kwargs)


def _items_text(app) -> str:
    return str(app.screen.query_one("#order-items", Static).render())


async def _choose(pilot, name: str) -> None:
    panel = pilot.app.screen.query_one(ActionsPanel)
    target = next(n for n, a in enumerate(panel.actions) if a.action == name and a.available)
    await pilot.press("home", *["down"] * target)
    assert panel.current.action == name
    await pilot.press("enter")


def test_order_screen_shows_the_return_tracking_and_t_follows_it(book):
    order = returned(book)

    async def run() -> None:
        app = OrderApp(book, order.id)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            assert f"return tracking {UPS}" in _items_text(app)
            await pilot.press("t")
            await pilot.pause()
            assert any(UPS in n and "return tracking link" in n for n in app.notices), app.notices

    asyncio.run(run())


def test_order_screen_flags_a_short_refund_and_accepting_it_closes_it(book):
    order = returned(book)

    async def run() -> None:
        app = OrderApp(book, order.id)
        async with app.run_test(size=(100, 40)) as pilot:
            await _choose(pilot, "expect-refund")
            await pilot.pause()
            assert isinstance(app.screen, RecordDialog)
            app.screen.query_one("#amount", Input).value = "1169.99"
            await pilot.pause()
            assert "$130.00 short" in str(app.screen.query_one("#amount-error", Static).render())
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, OrderScreen)
            assert "refunded $1,169.99 · $130.00 short" in _items_text(app)
            await _choose(pilot, "accept-refund")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, OrderScreen)
            assert "short" not in _items_text(app)
            assert book.get(order.id).history[-1].event == "refund-accepted"

    asyncio.run(run())


def test_order_screen_offers_unkeep_only_while_the_window_is_open(book):
    open_one = kept(book, TODAY - timedelta(days=3))
    closed_one = kept(book, date(2026, 10, 3))

    async def run() -> None:
        app = OrderApp(book, closed_one.id)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            panel = app.screen.query_one(ActionsPanel)
            assert "unkeep" not in {a.action for a in panel.actions}
        app = OrderApp(book, open_one.id)
        async with app.run_test(size=(100, 40)) as pilot:
            await _choose(pilot, "unkeep")
            await pilot.pause()
            assert isinstance(app.screen, RecordDialog)
            await pilot.press("enter")
            await pilot.pause()
            assert book.get(open_one.id).items[0].state is State.DELIVERED
            assert any("no longer kept" in n for n in app.notices), app.notices

    asyncio.run(run())
