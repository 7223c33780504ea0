"""What a person sees of an order, as plain data: shared by the CLI's output and the TUI."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from .days import day_text
from .model import Order, State
from .money import format_money


class OrderRow(msgspec.Struct, frozen=True, gc=False):
    """An order as lists show it (`unship list`, its JSON). A Struct, out of the garbage
    collector's sight: at 50,000 orders the rows took about 210 ms to build as dicts, and
    take about 80 ms as these."""

    id: int
    retailer: str
    order_number: str
    ordered_on: date
    title: str
    total: str  # in words: '$12.99'
    total_minor: int
    currency: str
    state: str
    done: bool
    history_closed: bool
    item_states: tuple[State, ...]
    next_deadline: date | None
    next_action: str | None
    estimated: bool  # the next deadline counts from an estimated delivery
    next_deadline_text: str
    # no deadline, but a closed return window may still be open until this day
    perhaps_until: date | None = None
    # nothing dated: every return window closed on this day (not yet history), and
    # whether that day is worked out from an estimate
    window_closed_on: date | None = None
    window_closed_estimated: bool = False
    # nothing dated, and no item that may still be returned ever could be (groceries)
    not_returnable: bool = False


def order_row(book, order: Order, facts=None) -> OrderRow:
    """The order's list row, from the book's kept `facts` (given when the caller has them).
    Written out for the one-item order most are: `list --json` makes 50,000 of them."""
    where = facts or book.facts(order)
    items = order.items
    if len(items) == 1:
        item = items[0]
        total, title, states = item.price * item.quantity, item.title, (item.state,)
    else:
        total, title = order.total, order.short_title
        states = tuple([item.state for item in items])
    currency = order.currency
    d = where.deadlines[0] if where.deadlines else None
    return OrderRow(
        order.id,
        order.retailer,
        order.order_number,
        order.ordered_on,
        title,
        format_money(total, currency),
        total,
        currency,
        where.state_text,
        where.done,
        where.closed,
        states,
        d.day if d else None,
        d.action if d else None,
        d.estimated if d else False,
        where.next_text,
        where.perhaps,
        where.closed_on,
        where.closed_estimated,
        where.not_returnable,
    )


def _delivery(order: Order, item, today) -> dict[str, Any] | None:
    """The item's delivery: recorded, or estimated with its range and what it came from."""
    from . import estimates

    found = estimates.delivery(order, item)
    if found is None:
        return None
    data: dict[str, Any] = {"day": found.day.isoformat(), "estimated": found.estimated}
    if found.estimated:
        data["latest"] = found.latest.isoformat()
        data["from"] = found.basis(lambda d: day_text(d, today))
        state = estimates.effective_state(item, found, today)
        data["arrived"] = state not in (State.SHIPPED, State.OUT_FOR_DELIVERY)
        data["text"] = (  # as `unship show` says it
            f"delivered ~{data['day']}"
            if data["arrived"]
            else found.arriving(today, lambda d: d.isoformat())
        )
    return data


def return_tracking_link(policies, number: str) -> str:
    """The carrier's page for a return parcel, the carrier guessed from the number's format."""
    from .parsing import detect_carrier

    guess = detect_carrier(number) if number else None
    carrier = policies.carrier(guess.carrier) if guess else None
    return carrier.link(number) if carrier else ""


def tracking_to_follow(policies, order: Order) -> tuple[str, str, str]:
    """(number, link, what) of the parcel worth following now: a return on its way back
    (the first item shipped back with a tracking number), else the order's own parcel."""
    for item in order.items:
        if item.state is State.RETURN_SHIPPED and item.return_tracking:
            number = item.return_tracking
            return number, return_tracking_link(policies, number), "return tracking"
    carrier = policies.carrier(order.carrier)
    link = carrier.link(order.tracking) if carrier and order.tracking else ""
    return order.tracking, link, "tracking"


def _refund(item, currency: str) -> dict[str, Any]:
    from .advice import short_text

    if item.refunded is None:
        return {}
    return {
        "refunded": item.refunded,
        "refunded_text": format_money(item.refunded, currency),
        "short": item.refund_short,
        "short_text": short_text(item, currency),
    }


def order_detail(book, order: Order) -> dict[str, Any]:
    policy = book.policies.retailer(order.retailer)
    carrier = book.policies.carrier(order.carrier)
    actions = book.actions(order)
    data = msgspec.to_builtins(order_row(book, order))
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
                    "delivery": _delivery(order, item, book.today),
                    "extra": dict(item.extra),
                    "return_tracking": item.return_tracking,
                    "return_tracking_link": return_tracking_link(
                        book.policies, item.return_tracking
                    ),
                    **_refund(item, order.currency),
                }
                for item in order.items
            ],
            "history": [entry.to_json() for entry in order.history],
            "carrier": carrier.name if carrier else order.carrier,
            "tracking": order.tracking,
            "tracking_link": carrier.link(order.tracking) if carrier else "",
            "order_link": policy.page_of(order),
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
