"""Editing a saved order from the form: what changes, and what must not be lost (an item that
has moved on keeps its history; removing it is refused)."""

from __future__ import annotations

from datetime import date

from .model import (
    EMPTY,
    SELLER_WINDOW,
    HistoryEntry,
    Item,
    ModelError,
    Order,
    State,
    new_item,
    replace,
)
from .text import NOTE_MAX, clean_text


def item_has_history(item: Item) -> bool:
    """The item moved on from 'ordered' (or did once): removing it loses that."""
    return item.state is not State.ORDERED or bool(item.dates)


def edit_order(
    existing: Order,
    *,
    retailer: str,
    order_number: str,
    ordered_on: date,
    currency: str,
    rows: list[tuple[int | None, dict]],
    carrier: str,
    tracking: str,
    notes: str,
    today: date,
    seller: str = "",
    seller_window: int | None = None,
) -> tuple[Order, list[str]]:
    """`existing` with the form's values: items keep their state and dates; new ones are
    ordered. A seller and window other than the first item's (what the form shows) become
    every item's (`with_seller`); the same ones leave each item's own. History is kept
    (indexes follow the items) with an "edited" entry added. Returns the order and what
    changed (empty: nothing did)."""
    changes: list[str] = []
    items: list[Item] = []
    moved: dict[int, int] = {}  # old index -> new index
    for new_index, (old_index, values) in enumerate(rows):
        if old_index is None:
            items.append(
                new_item(
                    values["title"],
                    values["price"],
                    quantity=values["quantity"],
                    category=values["category"],
                )
            )
            changes.append(f"added {values['title']}")
            continue
        old = existing.items[old_index]
        checked = new_item(
            values["title"],
            values["price"],
            quantity=values["quantity"],
            category=values["category"],
        )
        item = replace(
            old,
            title=checked.title,
            price=checked.price,
            quantity=checked.quantity,
            category=checked.category,
        )
        for part in ("title", "price", "quantity", "category"):
            if getattr(item, part) != getattr(old, part):
                changes.append(f"{part} of item {new_index + 1}")
        moved[old_index] = new_index
        items.append(item)
    first = existing.items[0] if existing.items else None
    window_text = str(seller_window) if seller_window is not None else None
    if first is not None and (seller, window_text) == (
        first.seller,
        first.extra.get(SELLER_WINDOW),
    ):
        # The form shows the first item's seller: as it was, it changes nothing, and items
        # sold by others (an Amazon report's order from several sellers) keep theirs.
        added = [i for i, item in enumerate(items) if i not in moved.values()]
        for i in added:
            items[i] = with_seller([items[i]], seller, seller_window)[0]
    else:
        items = list(with_seller(items, seller, seller_window))
    kept_items = [(existing.items[old], items[new]) for old, new in moved.items()]
    if any(old.seller != item.seller for old, item in kept_items):
        changes.append("seller")
    if any(
        old.extra.get(SELLER_WINDOW) != item.extra.get(SELLER_WINDOW) for old, item in kept_items
    ):
        changes.append("seller's window")
    removed = [item for n, item in enumerate(existing.items) if n not in moved]
    changes.extend(f"removed {item.title}" for item in removed)
    for n, item in enumerate(items):
        if item.dates and ordered_on > (first := min(item.dates.values())):
            raise ModelError(
                f"the order date can't be after item {n + 1}'s first event ({first.isoformat()})"
            )
    for name, old, new in (
        ("retailer", existing.retailer, retailer),
        ("order number", existing.order_number, order_number),
        ("order date", existing.ordered_on, ordered_on),
        ("currency", existing.currency, currency),
        ("carrier", existing.carrier, carrier),
        ("tracking", existing.tracking, tracking),
        ("notes", existing.notes, notes),
    ):
        if old != new:
            changes.append(name)
    if not changes:
        return existing, []
    history = []
    for entry in existing.history:
        if entry.event == "placed":
            entry = replace(entry, on=ordered_on)
        elif entry.items:
            kept = tuple(moved[i] for i in entry.items if i in moved)
            if not kept:
                gone = ", ".join(existing.items[i].title for i in entry.items)
                note = f"(removed item: {gone})" + (f" {entry.note}" if entry.note else "")
                entry = replace(entry, items=(), note=note)
            else:
                entry = replace(entry, items=kept)
        history.append(entry)
    note = clean_text("changed " + ", ".join(changes), limit=NOTE_MAX)
    history.append(HistoryEntry(on=today, event="edited", note=note))
    edited = replace(
        existing,
        retailer=retailer,
        order_number=order_number,
        ordered_on=ordered_on,
        currency=currency,
        items=tuple(items),
        carrier=carrier,
        tracking=tracking,
        notes=notes,
        history=tuple(history),
    )
    return edited, changes


def with_seller(items, seller: str, window: int | None) -> tuple[Item, ...]:
    """Every item sold by `seller` ('': the retailer itself), with its own window when the
    person typed one."""
    out = []
    for item in items:
        extra = {k: v for k, v in item.extra.items() if k != SELLER_WINDOW}
        if window is not None:
            extra[SELLER_WINDOW] = str(window)
        if item.seller == seller and extra == dict(item.extra):
            out.append(item)
        else:
            out.append(replace(item, seller=seller, extra=extra or EMPTY))
    return tuple(out)
