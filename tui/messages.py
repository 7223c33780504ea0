"""Messages the app sends its screens."""

from __future__ import annotations

from textual.app import App
from textual.message import Message
from unship.store import BookChange


class OrdersChanged(Message, bubble=False):
    """The order book saved a change (made here through any screen or door, or by another
    process): the app hands the book's announcement to every screen on the stack, and each
    redraws what it shows of the orders named (`change.ids`; None: any order)."""

    def __init__(self, change: BookChange) -> None:
        super().__init__()
        self.change = change


def tell_screens(app: App, change: BookChange) -> None:
    """Hand the book's announcement to every screen on the app's stack (post_message is
    thread-safe: the book may announce from a worker's thread)."""
    for screen in app.screen_stack:
        screen.post_message(OrdersChanged(change))
