"""The order book's records: orders, their items, and the dated history of what happened.

Records are frozen msgspec Structs; edits make new records with `replace`.
Money is in integer minor units, dates are `datetime.date` (stored as ISO text).
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import msgspec

from .money import MAX_MINOR, MoneyError, check_currency, format_money
from .text import FIELD_MAX, NOTE_MAX, TITLE_MAX, clean_line, clean_text

_T = TypeVar("_T")


class ModelError(ValueError):
    """A record that would break the model: a clear message for a person."""


class State(StrEnum):
    """Where one item stands. The values are what the CLI and the data file use."""

    ORDERED = "ordered"
    CANCEL_REQUESTED = "cancel-requested"
    CANCELLED = "cancelled"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVERED = "delivered"
    REFUSED = "refused"
    RETURN_REQUESTED = "return-requested"
    RETURN_SHIPPED = "return-shipped"
    REFUNDED = "refunded"
    KEPT = "kept"
    PROBLEM = "problem"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    State.ORDERED: "ordered",
    State.CANCEL_REQUESTED: "cancel requested",
    State.CANCELLED: "cancelled",
    State.SHIPPED: "in transit",
    State.OUT_FOR_DELIVERY: "out for delivery",
    State.DELIVERED: "delivered",
    State.REFUSED: "refused",
    State.RETURN_REQUESTED: "return started",
    State.RETURN_SHIPPED: "return shipped",
    State.REFUNDED: "refunded",
    State.KEPT: "kept",
    State.PROBLEM: "problem",
}


class Event(StrEnum):
    """What can happen to an item; recording one moves the item to a new state."""

    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out-for-delivery"
    DELIVERED = "delivered"
    CANCEL_REQUESTED = "cancel-requested"
    CANCEL_FAILED = "cancel-failed"
    CANCELLED = "cancelled"
    REFUSED = "refused"
    RETURN_REQUESTED = "return-requested"
    RETURN_SHIPPED = "return-shipped"
    REFUNDED = "refunded"
    KEPT = "kept"
    PROBLEM = "problem"
    # "kept" taken back while the return window is still open: delivered again.
    UNKEPT = "unkept"
    # A refund short of the item's price, accepted as it is: nothing left to chase.
    REFUND_ACCEPTED = "refund-accepted"


# What each event is called in the app and the CLI's text output (the data file and --json
# keep the event's value).
EVENT_WORDS = {
    "placed": "placed",
    "shipped": "shipped",
    "out-for-delivery": "out for delivery",
    "delivered": "delivered",
    "cancel-requested": "cancel requested",
    "cancel-failed": "cancel failed",
    "cancelled": "cancelled",
    "refused": "refused at the door",
    "return-requested": "return started",
    "return-shipped": "return shipped",
    "refunded": "refunded",
    "kept": "kept",
    "problem": "problem reported",
    "unkept": "no longer kept",
    "refund-accepted": "partial refund accepted",
    "edited": "edited",
    "note": "note",
}


# What a history entry records: an event, or the order's own moments. An enum so that the
# entries loaded from the file share one string per kind.
Entry = StrEnum(
    "Entry",
    {"PLACED": "placed", "EDITED": "edited", "NOTE": "note", **{e.name: e.value for e in Event}},
)


class FrozenMap(dict):
    """An empty map that cannot be changed, shared by every record that has none: records
    are edited with `replace` and a new dict, never in place."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a record's map cannot be changed in place: replace the record")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    update = setdefault = pop = popitem = clear = _refuse  # type: ignore[assignment]


EMPTY: dict = FrozenMap()


# item.extra: a marketplace seller's own return window in days, as the person typed it.
SELLER_WINDOW = "seller_window_days"

# What a deadline is called in a line of text ('return by 23 Dec'); an action not named here
# is called by its label.
DEADLINE_WORDS = {
    "return": "return by",
    "pick-up": "pick up by",
    "return-shipped": "send back by",
    "expect-refund": "refund due",
    "contact": "contact by",
    "a-to-z": "A-to-z claim by",
    "money-back-guarantee": "eBay claim by",
    "marketplace-promise": "claim by",
    "chargeback": "chargeback by",
}


def replace(record: _T, /, **changes: Any) -> _T:
    """A copy of a record (or of a dataclass) with some fields changed."""
    if isinstance(record, msgspec.Struct):
        return msgspec.structs.replace(record, **changes)
    import dataclasses  # here: a command that only reads starts without it

    return dataclasses.replace(record, **changes)  # type: ignore[type-var]


# The records are msgspec Structs: the data file decodes straight into them (no dict per
# document in between), they are immutable, and gc=False keeps them out of the garbage
# collector's scans (they hold no cycles: strings, dates, ints, tuples of records, and dicts
# of strings and dates). A dict field is never changed in place: edits make a new record.
# Fields at their default are left out of the file (omit_defaults): an empty map is then
# read back as the one shared EMPTY instead of a new dict per record.


class Item(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    title: str
    price: int  # unit price, minor units of the order's currency
    quantity: int = 1
    category: str = "general"
    seller: str = ""
    state: State = State.ORDERED
    # When each event last happened to this item (event value -> date).
    dates: dict[str, date] = EMPTY
    extra: dict[str, str] = EMPTY  # e.g. asin, condition
    return_tracking: str = ""  # the tracking number of the parcel sent back
    refunded: int | None = None  # how much was refunded for the line; None: not said

    def on(self, event: Event | str) -> date | None:
        return self.dates.get(str(event))

    @property
    def line_total(self) -> int:
        return self.price * self.quantity

    @property
    def refund_owed(self) -> int:
        """What a refund of this item would still have to bring: the line's price, less what
        an earlier (short) refund brought."""
        if self.state is State.REFUNDED and self.refunded is not None:
            return max(0, self.line_total - self.refunded)
        return self.line_total

    @property
    def refund_short(self) -> int:
        """How much a recorded refund fell short of the line's price (0 when it did not,
        when no amount was given, or once the person accepted it)."""
        if self.state is not State.REFUNDED or self.refunded is None:
            return 0
        if Event.REFUND_ACCEPTED.value in self.dates:
            return 0
        return max(0, self.line_total - self.refunded)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "price": self.price,
            "quantity": self.quantity,
            "category": self.category,
            "state": self.state.value,
            "dates": {k: v.isoformat() for k, v in self.dates.items()},
        }
        if self.seller:
            data["seller"] = self.seller
        if self.extra:
            data["extra"] = dict(self.extra)
        if self.return_tracking:
            data["return_tracking"] = self.return_tracking
        if self.refunded is not None:
            data["refunded"] = self.refunded
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        return _from_builtins(data, cls)


class HistoryEntry(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    on: date
    event: Entry  # an Event value, or "placed" / "edited" / "note"
    items: tuple[int, ...] = ()  # indexes of the items it concerns; () for the whole order
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"on": self.on.isoformat(), "event": self.event}
        if self.items:
            data["items"] = list(self.items)
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryEntry:
        return _from_builtins(data, cls)


class Order(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    retailer: str  # a policy key ("amazon") or a free name
    order_number: str
    ordered_on: date
    items: tuple[Item, ...]
    currency: str = "USD"
    carrier: str = ""
    tracking: str = ""
    notes: str = ""
    history: tuple[HistoryEntry, ...] = ()
    id: int = 0  # the order's key in the book; 0 until saved
    source: str = "manual"
    extra: dict[str, str] = EMPTY  # e.g. website

    @property
    def total(self) -> int:
        return sum(item.price * item.quantity for item in self.items)

    @property
    def total_text(self) -> str:
        return format_money(self.total, self.currency)

    @property
    def short_title(self) -> str:
        """'USB-C cable +2'."""
        if not self.items:
            return ""
        first = self.items[0].title
        more = len(self.items) - 1
        return f"{first} +{more}" if more else first

    def to_json(self) -> dict[str, Any]:
        """The order as plain JSON values, without its id (exports and undo records)."""
        data: dict[str, Any] = {
            "retailer": self.retailer,
            "order_number": self.order_number,
            "ordered_on": self.ordered_on.isoformat(),
            "currency": self.currency,
            "items": [item.to_json() for item in self.items],
            "history": [entry.to_json() for entry in self.history],
            "source": self.source,
        }
        for key in ("carrier", "tracking", "notes"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.extra:
            data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], id: int = 0) -> Order:
        order = _from_builtins({k: v for k, v in data.items() if k != "id"}, cls)
        return msgspec.structs.replace(order, id=id) if id else order


def _from_builtins(data: dict[str, Any], kind: type[_T]) -> _T:
    """A record from JSON values (ISO dates as text), checked as loading checks it."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as error:
        raise ModelError(f"not a valid {kind.__name__.lower()}: {error}") from None


def new_item(
    title: str,
    price: int,
    *,
    quantity: int = 1,
    category: str = "general",
    seller: str = "",
    extra: dict[str, str] | None = None,
) -> Item:
    """An item as a person typed it: cleaned and checked."""
    clean_title = clean_line(title, limit=TITLE_MAX)
    if not clean_title:
        raise ModelError("item title is empty")
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise ModelError(f"price {price!r} must be zero or more")
    if price > MAX_MINOR:
        raise ModelError(f"price {price!r} is too large")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 9999:
        raise ModelError(f"quantity {quantity!r} must be a whole number from 1 to 9999")
    cat = clean_line(category or "general", limit=40).lower().replace(" ", "-") or "general"
    return Item(
        title=clean_title,
        price=price,
        quantity=quantity,
        category=sys.intern(cat),  # the default's own string: left out of the file
        seller=clean_line(seller, limit=FIELD_MAX),
        extra={k: clean_line(v) for k, v in extra.items()} if extra else EMPTY,
    )


def new_order(
    retailer: str,
    order_number: str,
    ordered_on: date,
    items: list[Item] | tuple[Item, ...],
    *,
    currency: str = "USD",
    carrier: str = "",
    tracking: str = "",
    notes: str = "",
    source: str = "manual",
    extra: dict[str, str] | None = None,
    today: date | None = None,
) -> Order:
    """A new order, checked: every item starts as ordered on the order date."""
    name = clean_line(retailer, limit=60)
    if not name:
        raise ModelError("retailer is empty")
    number = clean_line(order_number, limit=FIELD_MAX)
    if not number:
        raise ModelError("order number is empty")
    if not items:
        raise ModelError("an order needs at least one item")
    try:
        currency = check_currency(currency)
    except MoneyError as error:
        raise ModelError(str(error)) from None
    if not date(1990, 1, 1) <= ordered_on:
        raise ModelError(f"order date {ordered_on.isoformat()} is too far in the past")
    if today is not None and ordered_on > today:
        raise ModelError(f"order date {ordered_on.isoformat()} is in the future")
    placed = HistoryEntry(on=ordered_on, event="placed")
    return Order(
        retailer=name,
        order_number=number,
        ordered_on=ordered_on,
        items=tuple(replace(item, state=State.ORDERED, dates=EMPTY) for item in items),
        currency=sys.intern(currency),
        carrier=clean_line(carrier, limit=40),
        tracking=clean_line(tracking, limit=60).replace(" ", ""),
        notes=clean_text(notes, limit=NOTE_MAX),
        history=(placed,),
        source=sys.intern(source),
        extra={k: clean_line(v) for k, v in extra.items()} if extra else EMPTY,
    )
