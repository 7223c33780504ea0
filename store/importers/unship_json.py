"""unship's own JSON: the full round trip (every field, the history, each item's dates).

The file is `{"format": "unship", "version": 1, "orders": [order, ...]}` where each
order is what `Order.to_json()` writes (an "id" key is allowed and ignored: orders are
matched by retailer and order number). A bare list of orders is accepted too.
Everything is checked and cleaned on the way in, as if typed.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..model import (
    Event,
    HistoryEntry,
    Item,
    ModelError,
    Order,
    State,
    new_item,
    new_order,
    replace,
)
from ..money import MAX_MINOR
from ..policies import PolicyBook
from ..text import NOTE_MAX, clean_line, clean_text
from .common import ImportFileError, Incoming, Parsed, Progress, Rejected, RowError, check_day

FORMAT = "json"
VERSION = 1
HISTORY_EVENTS = frozenset({e.value for e in Event} | {"placed", "edited", "note"})


def looks_like(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def parse(
    text: str,
    *,
    policies: PolicyBook,
    today: date | None,
    progress: Progress | None = None,
    **_: Any,
) -> Parsed:
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise ImportFileError(f"not valid JSON: {error}") from None
    if isinstance(data, dict):
        if data.get("format") not in (None, "unship"):
            raise ImportFileError(f"not an unship export (format {data.get('format')!r})")
        version = data.get("version", VERSION)
        if not isinstance(version, int) or version > VERSION:
            raise ImportFileError(
                f"this export is version {version}; this unship reads up to {VERSION}"
            )
        orders = data.get("orders")
    else:
        orders = data
    if not isinstance(orders, list):
        raise ImportFileError('no list of orders (expected {"orders": [...]})')
    parsed = Parsed(FORMAT, rows=len(orders))
    seen: dict[tuple[str, str], int] = {}
    for n, raw in enumerate(orders, 1):
        if progress and n % 500 == 0:
            progress(n, 0)
        number = str(raw.get("order_number", "")) if isinstance(raw, dict) else ""
        try:
            order = order_from_json(raw, today)
        except (ModelError, KeyError, TypeError, ValueError, AttributeError) as error:
            reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
            parsed.rejected.append(Rejected(n, reason, number, unit="order"))
            continue
        key = (policies.retailer_key(order.retailer), order.order_number.lower())
        if key in seen:
            parsed.rejected.append(
                Rejected(n, f"the same order as order {seen[key]} of the file", number, "order")
            )
            continue
        seen[key] = n
        parsed.orders.append(Incoming(order, n))
    return parsed


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def order_from_json(raw: Any, today: date | None) -> Order:
    """An order from its JSON, checked and cleaned like a typed one."""
    if not isinstance(raw, dict):
        raise ModelError("not an order (expected an object)")
    for item in raw.get("items") or ():
        price = item.get("price") if isinstance(item, dict) else None
        if isinstance(price, bool) or not isinstance(price, int):
            raise ModelError(f"price {price!r} must be a whole number of minor units (cents)")
    try:
        read = Order.from_json(raw)
    except ValueError as error:
        raise ModelError(str(error)) from None
    items = tuple(_item(item) for item in read.items)
    order = new_order(
        read.retailer,
        read.order_number,
        read.ordered_on,
        items,
        currency=read.currency,
        carrier=read.carrier,
        tracking=read.tracking,
        notes=read.notes,
        source=clean_line(read.source, limit=40) or "manual",
        extra=_extra(read.extra),
        today=today,
    )
    history = tuple(_entry(entry, len(items)) for entry in read.history)
    try:
        for n, item in enumerate(items, 1):
            for event, day in item.dates.items():
                check_day(day, f"item {n}: {event}", order.ordered_on, today)
        for entry in history:
            check_day(entry.on, f"history: {entry.event}", order.ordered_on, today)
    except RowError as error:
        raise ModelError(str(error)) from None
    return replace(order, items=items, history=history or order.history)


def _item(item: Item) -> Item:
    checked = new_item(
        item.title,
        item.price,
        quantity=item.quantity,
        category=item.category,
        seller=item.seller,
        extra=_extra(item.extra),
    )
    for event in item.dates:
        if event not in {e.value for e in Event}:
            raise ModelError(f"unknown event {event!r} in an item's dates")
    if item.refunded is not None and not 0 <= item.refunded <= MAX_MINOR:
        raise ModelError(f"refunded {item.refunded!r} must be zero or more, and not too large")
    return replace(
        checked,
        state=State(item.state),
        dates=dict(item.dates),
        return_tracking=clean_line(item.return_tracking, limit=60).replace(" ", ""),
        refunded=item.refunded,
    )


def _extra(extra: dict) -> dict[str, str]:
    if not isinstance(extra, dict):
        raise ModelError("extra must be an object")
    return {clean_line(k, limit=40): str(v) for k, v in extra.items() if clean_line(k, limit=40)}


def _entry(entry: HistoryEntry, count: int) -> HistoryEntry:
    if entry.event not in HISTORY_EVENTS:
        raise ModelError(f"unknown history event {entry.event!r}")
    for index in entry.items:
        if not isinstance(index, int) or not 0 <= index < count:
            raise ModelError(f"history names item {index!r}; the order has {count}")
    return replace(entry, note=clean_text(entry.note, limit=NOTE_MAX))
