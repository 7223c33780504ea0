"""What a person sees of an order, as plain data: shared by the CLI's output and the TUI."""

from __future__ import annotations

from typing import Any

from .advice import Deadline, day_text, days_left_text, deadlines
from .lifecycle import summary_state
from .model import Order
from .money import format_money

DEADLINE_WORDS = {
    "return": "return by",
    "return-shipped": "send back by",
    "expect-refund": "refund due",
}


def deadline_text(d: Deadline | None, today) -> str:
    """'return by 23 Dec · 25 days left', or '' when nothing is dated."""
    if d is None:
        return ""
    words = DEADLINE_WORDS.get(d.action, f"{d.label.lower()} by")
    return f"{words} {day_text(d.day, today)} · {days_left_text(d.day, today)}"


def order_row(book, order: Order, actions=None) -> dict[str, Any]:
    """The order's list row; `actions` (book.actions(order)) when the caller has them."""
    if actions is None:
        actions = book.actions(order)
    found = deadlines(order, book.policies, book.today, actions)
    d = found[0] if found else None
    return {
        "id": order.id,
        "retailer": order.retailer,
        "order_number": order.order_number,
        "ordered_on": order.ordered_on.isoformat(),
        "title": order.short_title,
        "total": order.total_text,
        "total_minor": order.total,
        "currency": order.currency,
        "state": summary_state(order),
        "item_states": [item.state.value for item in order.items],
        "next_deadline": d.day.isoformat() if d else None,
        "next_action": d.action if d else None,
        "next_deadline_text": deadline_text(d, book.today),
    }


def order_detail(book, order: Order) -> dict[str, Any]:
    policy = book.policies.retailer(order.retailer)
    carrier = book.policies.carrier(order.carrier)
    actions = book.actions(order)
    data = order_row(book, order, actions)
    data.update(
        {
            "items": [
                {
                    "title": item.title,
                    "quantity": item.quantity,
                    "price": item.price,
                    "price_text": format_money(item.price, order.currency),
                    "category": item.category,
                    "seller": item.seller,
                    "state": item.state.value,
                    "dates": {k: v.isoformat() for k, v in item.dates.items()},
                    "extra": dict(item.extra),
                }
                for item in order.items
            ],
            "history": [entry.to_json() for entry in order.history],
            "carrier": carrier.name if carrier else order.carrier,
            "tracking": order.tracking,
            "tracking_link": carrier.link(order.tracking) if carrier else "",
            "order_link": policy.order_link(order.order_number),
            "policy": policy.name,
            "notes": order.notes,
            "source": order.source,
            "extra": dict(order.extra),
            "actions": [a.to_json(order) for a in actions],
        }
    )
    for entry in data["history"]:
        if "items" in entry:
            entry["items"] = [i + 1 for i in entry["items"]]
    return data
