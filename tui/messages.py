"""Messages the app's screens and widgets post up to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OrdersChanged(Message):
    """The order book changed (here or in another process): views should refresh.

    `order_id` names the order that changed when one did (0: anything may have).
    """

    order_id: int = 0
    description: str = ""
